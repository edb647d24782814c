// Lapor Bencana on every page: the service worker, the outbox of reports waiting for a signal,
// the update banner and the install button. Everything works without this file except offline use.
"use strict";

(function () {
  var RETRY_DELAYS_MS = [5000, 10000, 20000]; // then every 20 s while a page is open and reports wait
  var retryTimer = null;
  var failures = 0;

  // Work that can wait lets the page paint and respond first (the worker's precache downloads
  // and IndexedDB would otherwise compete with a slow phone's first render).
  function afterLoad(work) {
    if (document.readyState === "complete") work();
    else window.addEventListener("load", work, { once: true });
  }

  function each(selector, work) {
    document.querySelectorAll(selector).forEach(work);
  }

  // --- Reports waiting on this phone -----------------------------------------------------
  function showPending(count) {
    each("[data-pending]", function (box) {
      box.hidden = count === 0;
      var text = box.querySelector("[data-pending-text]");
      // The server wrote both forms of the sentence ("1 report", "2 reports"); Indonesian and English
      // need no other plural rule.
      var sentence = count === 1 ? box.dataset.textOne : box.dataset.textOther;
      if (text) text.textContent = sentence.replace("{n}", count);
    });
  }

  function refresh() {
    if (!window.LaporQueue) return Promise.resolve(0);
    return LaporQueue.pendingCount().then(function (count) {
      showPending(count);
      renderMyReports();
      return count;
    });
  }

  function scheduleRetry(count) {
    clearTimeout(retryTimer);
    if (count === 0) { failures = 0; return; }
    var delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
    failures += 1;
    retryTimer = setTimeout(flush, delay);
  }

  function flush() {
    if (!window.LaporQueue) return Promise.resolve();
    return LaporQueue.flush().then(function (count) {
      if (count === 0) failures = 0;
      return refresh().then(scheduleRetry);
    });
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(LaporQueue.SYNC_TAG);
    }).catch(function () { /* no Background Sync here: the timer and the online event still send */ });
  }

  function renderMyReports() {
    var list = document.querySelector("[data-my-reports]");
    if (!list || !window.LaporQueue) return;
    LaporQueue.sent().then(function (reports) {
      list.closest("[data-my-reports-section]").hidden = reports.length === 0;
      list.textContent = "";
      reports.sort(function (a, b) { return b.sentAt - a.sentAt; }).forEach(function (report) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "/laporan/" + report.code;
        link.textContent = report.code.slice(0, 4) + "-" + report.code.slice(4);
        link.setAttribute("data-my-report", report.code);
        var when = document.createElement("span");
        when.className = "muted";
        when.textContent = " · " + new Date(report.sentAt).toLocaleString(document.documentElement.lang);
        item.append(link, when);
        list.append(item);
      });
    });
  }

  window.LaporApp = {
    queued: function () { askForBackgroundSync(); failures = 0; return refresh().then(scheduleRetry); },
    flush: flush,
  };

  if (window.LaporQueue) {
    if (LaporQueue.channel) LaporQueue.channel.addEventListener("message", refresh);
    window.addEventListener("lapor-outbox-changed", refresh);
    window.addEventListener("online", flush);
    afterLoad(function () { refresh().then(function (count) { if (count > 0) flush(); }); });
  }

  // --- Service worker and updates --------------------------------------------------------
  function offerUpdate(registration) {
    each("[data-update-banner]", function (banner) {
      banner.hidden = false;
      banner.querySelector("button").addEventListener("click", function () {
        if (registration.waiting) registration.waiting.postMessage({ type: "SKIP_WAITING" });
      });
    });
  }

  if ("serviceWorker" in navigator) {
    var hadController = !!navigator.serviceWorker.controller;
    afterLoad(function () { registerWorker(); });
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      // The first worker taking control is not an update: only reload when one replaced another.
      if (hadController) window.location.reload();
      hadController = true;
    });
  }

  function registerWorker() {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
      if (registration.waiting && hadController) offerUpdate(registration);
      registration.addEventListener("updatefound", function () {
        var installing = registration.installing;
        installing.addEventListener("statechange", function () {
          if (installing.state === "installed" && navigator.serviceWorker.controller) offerUpdate(registration);
        });
      });
    }).catch(function (error) {
      console.warn("Service worker not registered:", error);
    });
  }

  // --- Installing the app ----------------------------------------------------------------
  var deferredPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferredPrompt = event;
    each("[data-install-button]", function (button) { button.hidden = false; });
    each("[data-install-hint]", function (hint) { hint.hidden = true; });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-install-button]");
    if (!button || !deferredPrompt) return;
    deferredPrompt.prompt();
    deferredPrompt.userChoice.finally(function () {
      deferredPrompt = null;
      button.hidden = true;
    });
  });
  window.addEventListener("appinstalled", function () {
    each("[data-install]", function (section) { section.hidden = true; });
  });
})();
