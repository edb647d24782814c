// Lapor Bencana: small progressive enhancements. Everything works without this file.
"use strict";

(function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (error) {
    console.warn("Service worker not registered:", error);
  });
})();

(function offerInstall() {
  var deferredPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferredPrompt = event;
    document.querySelectorAll("[data-install-button]").forEach(function (button) {
      button.hidden = false;
    });
    document.querySelectorAll("[data-install-hint]").forEach(function (hint) {
      hint.hidden = true;
    });
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
    document.querySelectorAll("[data-install]").forEach(function (section) {
      section.hidden = true;
    });
  });
})();
