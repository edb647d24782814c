// A live refresh of the coordinator's incident page waits while one of its forms holds unsent
// input, so an answer or a delivery arriving never wipes what the coordinator is typing. The
// refresh runs once the form is sent (after its answer, which may predate the change) or its
// <details> is closed. A refresh also keeps the sections the coordinator opened open: a change
// made elsewhere must not close the form about to be filled in.
"use strict";

(function () {
  var REFRESHER = "#incident-refresh";
  var LIVE = "#incident-live";
  var waiting = false;
  var reopen = [];

  function touched() {
    var live = document.querySelector(LIVE);
    return live !== null && live.querySelector("form[data-touched]") !== null;
  }

  function refresh() {
    var refresher = document.querySelector(REFRESHER);
    waiting = false;
    if (refresher) htmx.ajax("GET", refresher.getAttribute("hx-get"), { target: LIVE, swap: "outerHTML" });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest(LIVE + " form");
    if (form) form.dataset.touched = "";
  });

  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.elt.matches(REFRESHER) || event.detail.verb !== "get" || !touched()) return;
    event.preventDefault();
    waiting = true;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var refresher = document.querySelector(REFRESHER);
    var live = document.querySelector(LIVE);
    if (!refresher || !live || event.detail.requestConfig.path !== refresher.getAttribute("hx-get")) return;
    reopen = Array.prototype.map.call(live.querySelectorAll("details[id][open]"), function (box) { return box.id; });
  });

  document.addEventListener("htmx:afterSwap", function () {
    reopen.forEach(function (id) {
      var box = document.getElementById(id);
      if (box && box.tagName === "DETAILS") box.open = true;
    });
    reopen = [];
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (waiting && !touched()) refresh();
  });

  document.addEventListener("toggle", function (event) {
    var box = event.target;
    var live = document.querySelector(LIVE);
    if (box.tagName !== "DETAILS" || box.open || !live || !live.contains(box)) return;
    box.querySelectorAll("form[data-touched]").forEach(function (form) { delete form.dataset.touched; });
    if (waiting && !touched()) refresh();
  }, true);
})();
