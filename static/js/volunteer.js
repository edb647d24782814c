// The volunteer page with JavaScript: the position from the phone, and notifications turned on and
// off (this browser subscribed with its push service, the server told). Without this file the
// profile form still posts; notifications cannot work without it.
"use strict";

(function () {
  // --- Position ---------------------------------------------------------------------------
  var form = document.querySelector("[data-profile-form]");
  if (form && "geolocation" in navigator) {
    var locationStatus = form.querySelector("[data-location-status]");
    form.querySelector("[data-geolocation]").hidden = false;
    form.querySelector("[data-locate]").addEventListener("click", function () {
      locationStatus.textContent = form.dataset.msgLocating;
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        form.elements.latitude.value = c.latitude.toFixed(6);
        form.elements.longitude.value = c.longitude.toFixed(6);
        form.elements.latitude.dispatchEvent(new Event("change", { bubbles: true }));
        locationStatus.textContent = form.dataset.msgLocated.replace("{m}", Math.round(c.accuracy));
      }, function (error) {
        locationStatus.textContent = error.code === error.PERMISSION_DENIED ? form.dataset.msgLocationDenied
          : form.dataset.msgLocationFailed;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  // --- Notifications ----------------------------------------------------------------------
  var section = document.querySelector("[data-push]");
  if (!section) return;
  var messages = section.dataset;
  var stateBox = section.querySelector("[data-push-state]");
  var onButton = section.querySelector("[data-push-on]");
  var offButton = section.querySelector("[data-push-off]");
  var retryButton = section.querySelector("[data-push-retry]");
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  var thisEndpoint = null;

  // Why turning notifications on or off did not work, as the person must be told it:
  // "blocked" (permission refused), "unanswered" (the permission prompt was never answered),
  // "unreachable" (the browser's push service did not answer), "network" (our server did not
  // answer), "refused" (our server said no, with its own message), "failed" (anything else).
  function Problem(kind, message) {
    this.kind = kind;
    this.message = message;
  }

  var PROBLEM_MESSAGES = { unanswered: "msgUnanswered", unreachable: "msgUnreachable", network: "msgNetwork", failed: "msgFailed" };

  function show(state, message) {
    var names = { on: "msgOn", off: "msgOff", blocked: "msgBlocked", unsupported: "msgUnsupported", working: "msgWorking" };
    stateBox.textContent = message || messages[names[state]];
    stateBox.setAttribute("data-state", state);
    onButton.hidden = state !== "off";
    offButton.hidden = state !== "on";
    retryButton.hidden = state !== "retry";
  }

  // Every step may hang (pushManager.subscribe does, forever, in some browsers when the push
  // service cannot be reached): each one gets what is left of one deadline set at the tap, so that
  // the person always gets an answer in time. `kind` says what a step that runs out means.
  function deadline() {
    var ends = Date.now() + (Number(messages.timeoutMs) || 15000);
    return function (promise, kind) {
      return new Promise(function (resolve, reject) {
        var timer = setTimeout(function () { reject(new Problem(kind)); }, Math.max(0, ends - Date.now()));
        promise.then(function (value) { clearTimeout(timer); resolve(value); },
          function (error) { clearTimeout(timer); reject(error); });
      });
    };
  }

  function csrfToken() {
    var input = document.querySelector("input[name=_csrf_token]");
    return input ? input.value : "";
  }

  // fetch() rejects only when no answer came at all: that, and only that, is a signal problem.
  function ownServer(url, options) {
    return fetch(url, options).catch(function () { throw new Problem("network"); });
  }

  function sendSubscription(method, body) {
    return ownServer("/api/v1/push/subscriptions", {
      method: method,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "x-csrftoken": csrfToken() },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (response) {
      // A device the server no longer has (its push service said it was gone) is removed already.
      if (response.ok || (method === "DELETE" && response.status === 404)) return response;
      return response.json().catch(function () { return {}; }).then(function (answer) {
        throw new Problem("refused", answer.detail);
      });
    });
  }

  function applicationServerKey() {
    return ownServer("/api/v1/push/public-key", { headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) throw new Problem("failed");
      return response.json();
    }).then(function (answer) {
      var base64 = answer.public_key.replace(/-/g, "+").replace(/_/g, "/");
      var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
      return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
    });
  }

  // Chromium says AbortError when its push service cannot be reached (or refuses the
  // registration), NotAllowedError when notifications are not permitted.
  function subscribeProblem(error) {
    if (Notification.permission === "denied" || (error && error.name === "NotAllowedError")) return new Problem("blocked");
    if (error && error.name === "AbortError") return new Problem("unreachable");
    return new Problem("failed");
  }

  function devicesChanged() {
    if (window.htmx) htmx.trigger(document.body, "push-devices-changed");
  }

  function listedEndpoints() {
    return Array.prototype.map.call(section.querySelectorAll("[data-device]"), function (item) {
      return item.getAttribute("data-endpoint");
    });
  }

  function markDevices() {
    section.querySelectorAll("[data-device]").forEach(function (item) {
      var mark = item.querySelector("[data-this-device]");
      var mine = item.getAttribute("data-endpoint") === thisEndpoint;
      mark.hidden = !mine;
      mark.textContent = mine ? "(" + messages.msgThisDevice + ")" : "";
      item.querySelector("[data-remove-device]").hidden = false;
    });
  }

  function failed(error) {
    var problem = error instanceof Problem ? error : new Problem("failed");
    if (problem.kind === "blocked") return show("blocked");
    var message = problem.message || messages[PROBLEM_MESSAGES[problem.kind] || "msgFailed"];
    // Turning off failed: notifications are still on here, and the off button stays.
    if (thisEndpoint) return show("on", message);
    show(problem.kind === "unreachable" || problem.kind === "network" ? "retry" : "off", message);
  }

  function turnOn() {
    show("working");
    var inTime = deadline();
    // Asked only now, after the tap: a prompt on page load is refused (and then blocked) far more often.
    inTime(Notification.requestPermission(), "unanswered").then(function (permission) {
      if (permission === "denied") return show("blocked");
      if (permission !== "granted") return show("off");
      return inTime(navigator.serviceWorker.ready, "failed").then(function (registration) {
        return inTime(applicationServerKey(), "network").then(function (key) {
          return inTime(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
            .catch(function (error) { throw subscribeProblem(error); }), "unreachable");
        });
      }).then(function (subscription) {
        return inTime(sendSubscription("POST", subscription.toJSON()), "network").catch(function (error) {
          // A subscription the server refused would never be sent to: it must not look active.
          return subscription.unsubscribe().then(function () { throw error; });
        }).then(function () {
          thisEndpoint = subscription.endpoint;
          show("on");
          devicesChanged();
        });
      });
    }).catch(failed);
  }

  function turnOff() {
    show("working");
    var inTime = deadline();
    inTime(navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }), "failed").then(function (subscription) {
      if (!subscription) return null;
      return inTime(sendSubscription("DELETE", { endpoint: subscription.endpoint }), "network").then(function () {
        return subscription.unsubscribe();
      });
    }).then(function () {
      thisEndpoint = null;
      show("off");
      devicesChanged();
    }).catch(failed);
  }

  section.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-remove-device]");
    if (!remove) return;
    var endpoint = remove.closest("[data-device]").getAttribute("data-endpoint");
    if (endpoint === thisEndpoint) { turnOff(); return; }
    sendSubscription("DELETE", { endpoint: endpoint }).then(devicesChanged).catch(failed);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "push-devices") markDevices();
  });
  onButton.addEventListener("click", turnOn);
  retryButton.addEventListener("click", turnOn);
  offButton.addEventListener("click", turnOff);
  markDevices();

  if (!supported) { show("unsupported"); return; }
  if (Notification.permission === "denied") { show("blocked"); return; }
  show("off");
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    if (!subscription || Notification.permission !== "granted") return;
    thisEndpoint = subscription.endpoint;
    markDevices();
    if (listedEndpoints().indexOf(subscription.endpoint) >= 0) { show("on"); return; }
    // Subscribed in this browser but unknown to the server for this account (another account
    // used this phone before, or the server dropped it): store it again.
    return sendSubscription("POST", subscription.toJSON()).then(function () {
      show("on");
      devicesChanged();
    });
  }).catch(failed);
})();
