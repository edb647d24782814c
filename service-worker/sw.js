// Lapor Bencana service worker, served at /sw.js with scope "/".
// The server puts `self.LAPOR = {version, precache, scripts}` above this file: the version is a
// hash of everything precached, so any change to the app shell makes browsers see a new worker.
"use strict";

importScripts.apply(self, self.LAPOR.scripts);

var CACHE = "lapor-" + self.LAPOR.version;
var OFFLINE_PAGE = "/offline";
// On a weak signal a page that does not answer within this time comes from the cache instead.
var NETWORK_TIMEOUT_MS = 6000;
// Only public pages are kept: a coordinator's pages hold personal data and must not linger.
var CACHEABLE_PAGE = /^\/($|lapor$|offline$|laporan\/|wilayah\/)/;
// Pages rendered for a signed-in person (their name in the header) come with no-store.
var NOT_STORED = /no-store/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(self.LAPOR.precache); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("lapor-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var type = event.data && event.data.type;
  // A new version waits until the person agrees to reload (the update banner), never mid-report.
  if (type === "SKIP_WAITING") self.skipWaiting();
  if (type === "FLUSH") event.waitUntil(LaporQueue.flush());
});

self.addEventListener("sync", function (event) {
  if (event.tag === LaporQueue.SYNC_TAG) event.waitUntil(LaporQueue.flush());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || url.pathname.indexOf("/wilayah/") === 0) {
    event.respondWith(networkFirst(request, url, event));
  }
});

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    return cached || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function networkFirst(request, url, event) {
  var fromNetwork = fetch(request).then(function (response) {
    if (response.ok && CACHEABLE_PAGE.test(url.pathname) && !NOT_STORED.test(response.headers.get("Cache-Control") || "")) {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }));
    }
    return response;
  });
  var fallback = function () {
    return cachedPage(request, url).then(function (cached) {
      if (cached) return cached;
      if (request.mode === "navigate") return caches.match(OFFLINE_PAGE);
      return Response.error();
    });
  };
  var timeout = new Promise(function (resolve) { setTimeout(resolve, NETWORK_TIMEOUT_MS); });
  return Promise.race([fromNetwork.catch(fallback), timeout.then(function () {
    return cachedPage(request, url).then(function (cached) { return cached || fromNetwork.catch(fallback); });
  })]);
}

// The page as cached for this very address, else for its path without the query: a poster's QR
// code opens /lapor?desa=..., which must still give the precached form when there is no signal
// (without the village chosen, which only the server fills in).
function cachedPage(request, url) {
  return caches.match(request, { ignoreVary: true }).then(function (cached) {
    if (cached || !url.search || request.mode !== "navigate") return cached;
    return caches.match(url.origin + url.pathname, { ignoreVary: true });
  });
}

// --- Notifications -------------------------------------------------------------------------
// The server sends {title, body, url: "/kejadian/CODE", tag: "kejadian-CODE", kind: "call" | "report",
// call}. The worker has no translations: the few words it adds itself are in Indonesian.
var NOTIFICATION_FALLBACK_URL = "/relawan";

self.addEventListener("push", function (event) {
  var shown = notificationFor(event.data);
  event.waitUntil(self.registration.showNotification(shown.title, shown.options));
});

function notificationFor(data) {
  var message = null;
  try {
    message = data ? data.json() : null;
  } catch (malformed) {
    message = null;
  }
  var options = { icon: self.LAPOR.notification.icon, badge: self.LAPOR.notification.badge,
    data: { url: NOTIFICATION_FALLBACK_URL } };
  if (!message || typeof message !== "object" || typeof message.title !== "string" || !message.title) {
    // Something arrived but cannot be read: say so rather than show nothing (which browsers punish).
    options.body = "Ada kabar baru. Buka aplikasi untuk melihatnya.";
    return { title: "Lapor Bencana", options: options };
  }
  options.body = typeof message.body === "string" ? message.body : "";
  options.data = { url: isOwnPath(message.url) ? message.url : NOTIFICATION_FALLBACK_URL, kind: message.kind,
    call: typeof message.call === "number" ? message.call : null };
  if (typeof message.tag === "string" && message.tag) {
    // A newer message about the same incident replaces the older one, and still alerts.
    options.tag = message.tag;
    options.renotify = true;
  }
  if (message.kind === "call") {
    options.requireInteraction = true;
    options.actions = [{ action: "berangkat", title: "Saya berangkat" }, { action: "lihat", title: "Lihat" }];
  }
  return { title: message.title, options: options };
}

// Only a path on this site: a message must never open some other address.
function isOwnPath(url) {
  return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || NOTIFICATION_FALLBACK_URL;
  if (event.action === "berangkat") url += (url.indexOf("?") < 0 ? "?" : "&") + "jawab=berangkat";
  event.waitUntil(focusOrOpen(new URL(url, self.location.origin).href));
});

function focusOrOpen(href) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(href);
  });
}
