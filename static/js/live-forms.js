// A live refresh of the coordinator's incident page waits while one of its forms holds unsent
// input, so an answer or a delivery arriving never wipes what the coordinator is typing. The
// refresh runs once the form is sent (after its answer, which may predate the change) or its
// <details> is closed.
"use strict";

(function () {
  var LIVE = "#incident-live";
  var waiting = false;

  function region() {
    return document.querySelector(LIVE);
  }

  function touched(live) {
    return live.querySelector("form[data-touched]") !== null;
  }

  function refresh(live) {
    waiting = false;
    htmx.ajax("GET", live.getAttribute("hx-get"), { target: LIVE, swap: "outerHTML" });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest(LIVE + " form");
    if (form) form.dataset.touched = "";
  });

  document.addEventListener("htmx:confirm", function (event) {
    var live = event.detail.elt;
    if (!live.matches(LIVE) || event.detail.verb !== "get" || !touched(live)) return;
    event.preventDefault();
    waiting = true;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var live = region();
    if (waiting && live && !touched(live)) refresh(live);
  });

  document.addEventListener("toggle", function (event) {
    var box = event.target;
    var live = region();
    if (box.tagName !== "DETAILS" || box.open || !live || !live.contains(box)) return;
    box.querySelectorAll("form[data-touched]").forEach(function (form) { delete form.dataset.touched; });
    if (waiting && !touched(live)) refresh(live);
  }, true);
})();
