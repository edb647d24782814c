// A live refresh of a coordinator's page waits while one of its forms holds unsent input, so an
// answer or a delivery arriving never wipes what the coordinator is typing. The refresh runs once
// the form is sent (its answer re-renders the page anyway) or its <details> is closed.
"use strict";

(function () {
  var LIVE = "#incident-live";
  var waiting = new Map();

  function touched(region) {
    return region.querySelector("form[data-touched]") !== null;
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest(LIVE + " form");
    if (form) form.dataset.touched = "";
  });

  document.addEventListener("htmx:confirm", function (event) {
    var region = event.detail.elt;
    if (!region.matches(LIVE) || event.detail.verb !== "get" || !touched(region)) return;
    event.preventDefault();
    waiting.set(region.id, event.detail.issueRequest);
  });

  // A region swapped in fresh (by a form's answer, or a refresh) needs no refresh that waited.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id) waiting.delete(event.detail.target.id);
  });

  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (box.tagName !== "DETAILS" || box.open) return;
    var region = box.closest(LIVE);
    if (!region) return;
    box.querySelectorAll("form[data-touched]").forEach(function (form) { delete form.dataset.touched; });
    var refresh = waiting.get(region.id);
    if (refresh && !touched(region)) {
      waiting.delete(region.id);
      refresh(true);
    }
  }, true);
})();
