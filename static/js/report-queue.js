// The outbox of reports kept on the phone until the server has acknowledged them, and the list
// of reports sent from this phone ("Laporan saya"). Shared by pages and the service worker.
// An entry leaves the outbox only after a 2xx; every retry uses the entry's idempotency key.
"use strict";

(function (global) {
  var DB_NAME = "lapor-bencana";
  var DB_VERSION = 1;
  var SYNC_TAG = "lapor-outbox";
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("lapor-outbox") : null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("outbox", { keyPath: "key" });
        request.result.createObjectStore("sent", { keyPath: "code" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result = work(transaction.objectStore(name));
        transaction.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function changed() {
    if (channel) channel.postMessage({ type: "changed" });
    if (global.dispatchEvent && typeof CustomEvent !== "undefined") global.dispatchEvent(new CustomEvent("lapor-outbox-changed"));
  }

  // Photos are kept as ArrayBuffers: some browsers cannot store Blobs in IndexedDB.
  function enqueue(entry) {
    return Promise.all((entry.photos || []).map(function (blob) {
      return blob.arrayBuffer().then(function (buffer) { return { buffer: buffer, type: blob.type || "image/jpeg" }; });
    })).then(function (photos) {
      var stored = {
        key: entry.key, fields: entry.fields, photos: photos, code: entry.code || null, csrfToken: entry.csrfToken || null,
        photosSent: entry.photosSent || 0, createdAt: Date.now(), attempts: 0, rejected: null,
      };
      return withStore("outbox", "readwrite", function (store) { store.put(stored); });
    }).then(changed);
  }

  function all(name) {
    return withStore(name, "readonly", function (store) { return store.getAll(); });
  }

  function pendingCount() {
    return all("outbox").then(function (entries) {
      return entries.filter(function (entry) { return !entry.rejected; }).length;
    });
  }

  // key: the report's idempotency key, by which the page that kept it learns its code.
  function remember(code, fields, key) {
    return withStore("sent", "readwrite", function (store) {
      store.put({ code: code, hazard: fields.hazard || "", sentAt: Date.now(), key: key || null });
    }).then(changed);
  }

  function discard(key) {
    return withStore("outbox", "readwrite", function (store) { store.delete(key); }).then(changed);
  }

  function save(stored) {
    return withStore("outbox", "readwrite", function (store) { store.put(stored); });
  }

  function deliverOne(stored) {
    var live = {
      key: stored.key, fields: stored.fields, code: stored.code, photosSent: stored.photosSent, csrfToken: stored.csrfToken,
      photos: stored.photos.map(function (photo) { return new Blob([photo.buffer], { type: photo.type }); }),
    };
    return LaporDelivery.deliver(live, {
      fromOutbox: true,
      onStep: function (progress) {
        stored.code = progress.code;
        stored.photosSent = progress.photosSent;
        return save(stored);
      },
    }).then(function (delivered) {
      return discard(stored.key).then(function () { return remember(delivered.code, stored.fields, stored.key); });
    }, function (error) {
      stored.attempts += 1;
      if (error.kind === "invalid") stored.rejected = error.detail;
      return save(stored).then(function () {
        if (error.kind !== "invalid") throw error;
      });
    });
  }

  // Sends what is waiting, oldest first; stops at the first failure that means "try later".
  // Resolves to the number still waiting. One flush at a time across tabs and the worker.
  function flush() {
    var run = function () {
      return all("outbox").then(function (entries) {
        var waiting = entries.filter(function (entry) { return !entry.rejected; })
          .sort(function (a, b) { return a.createdAt - b.createdAt; });
        return waiting.reduce(function (chain, entry) {
          return chain.then(function () { return deliverOne(entry); });
        }, Promise.resolve());
      }).then(function () { return pendingCount(); }, function () { return pendingCount(); });
    };
    if (global.navigator && navigator.locks) {
      return navigator.locks.request(SYNC_TAG, { ifAvailable: true }, function (lock) {
        return lock ? run() : pendingCount();
      });
    }
    return run();
  }

  global.LaporQueue = {
    SYNC_TAG: SYNC_TAG, enqueue: enqueue, flush: flush, pendingCount: pendingCount, remember: remember,
    sent: function () { return all("sent"); }, rejected: function () {
      return all("outbox").then(function (entries) { return entries.filter(function (entry) { return entry.rejected; }); });
    }, discard: discard, channel: channel,
  };
})(typeof self !== "undefined" ? self : window);
