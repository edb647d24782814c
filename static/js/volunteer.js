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
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  var thisEndpoint = null;

  function ServerRefusal(message) { this.message = message; }

  function show(state, message) {
    var names = { on: "msgOn", off: "msgOff", blocked: "msgBlocked", unsupported: "msgUnsupported", working: "msgWorking" };
    stateBox.textContent = message || messages[names[state]];
    stateBox.setAttribute("data-state", state);
    onButton.hidden = state !== "off";
    offButton.hidden = state !== "on";
  }

  function csrfToken() {
    var input = document.querySelector("input[name=_csrf_token]");
    return input ? input.value : "";
  }

  function sendSubscription(method, body) {
    return fetch("/api/v1/push/subscriptions", {
      method: method,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "x-csrftoken": csrfToken() },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (response) {
      // A device the server no longer has (its push service said it was gone) is removed already.
      if (response.ok || (method === "DELETE" && response.status === 404)) return response;
      return response.json().catch(function () { return {}; }).then(function (answer) {
        throw new ServerRefusal(answer.detail || messages.msgFailed);
      });
    });
  }

  function applicationServerKey() {
    return fetch("/api/v1/push/public-key", { headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("public key " + response.status);
      return response.json();
    }).then(function (answer) {
      var base64 = answer.public_key.replace(/-/g, "+").replace(/_/g, "/");
      var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
      return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
    });
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
    show(thisEndpoint ? "on" : "off", error instanceof ServerRefusal ? error.message : messages.msgFailed);
  }

  function turnOn() {
    show("working");
    // Asked only now, after the tap: a prompt on page load is refused (and then blocked) far more often.
    Notification.requestPermission().then(function (permission) {
      if (permission === "denied") return show("blocked");
      if (permission !== "granted") return show("off");
      return Promise.all([navigator.serviceWorker.ready, applicationServerKey()]).then(function (ready) {
        return ready[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: ready[1] });
      }).then(function (subscription) {
        return sendSubscription("POST", subscription.toJSON()).catch(function (error) {
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
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      return sendSubscription("DELETE", { endpoint: subscription.endpoint }).then(function () {
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
