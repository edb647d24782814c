// The coordinators' map page: the list beside the map stays in step with it. The list is the
// source of truth (the server renders it, live updates replace it, it carries the markers as JSON);
// every item is listed, those inside the current view are marked, and a box narrows to them.
"use strict";

(function () {
  var element = document.getElementById("desk-map");
  if (!element || !window.LaporMap) return;
  var controller = LaporMap.init(element);
  if (!controller) return;
  var selected = null;
  var onlyVisible = document.querySelector("[data-map-only-visible]");
  var visible = [];

  function list() { return document.querySelector("[data-map-list]"); }

  function rows() { return list() ? list().querySelectorAll("[data-map-item]") : []; }

  function mark() {
    var inView = new Set(visible);
    var narrowed = onlyVisible && onlyVisible.querySelector("input").checked;
    rows().forEach(function (row) {
      var id = row.dataset.mapItem;
      var badge = row.querySelector("[data-in-view]");
      if (badge) badge.hidden = !inView.has(id);
      row.classList.toggle("in-view", inView.has(id));
      row.classList.toggle("is-selected", id === selected);
      row.hidden = narrowed && !inView.has(id);
      if (id === selected) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
    var count = list() && list().querySelector("[data-map-count]");
    if (count) count.textContent = count.dataset.text.replace("{shown}", inView.size).replace("{total}", rows().length);
  }

  function refresh(fit) {
    var current = list();
    if (!current) return;
    current.querySelectorAll("[data-map-show]").forEach(function (button) { button.hidden = false; });
    controller.setMarkers(JSON.parse(current.dataset.mapMarkers || "[]"), fit);
  }

  element.addEventListener("lapor-map:moved", function (event) { visible = event.detail.visible; mark(); });
  element.addEventListener("lapor-map:select", function (event) {
    selected = event.detail.id;
    mark();
    var row = list().querySelector('[data-map-item="' + CSS.escape(selected) + '"]');
    if (row && !row.hidden) row.scrollIntoView({ block: "nearest" });
  });
  document.addEventListener("click", function (event) {
    var row = event.target.closest("[data-map-item]");
    if (!row || event.target.closest("a") || !row.querySelector("[data-map-show]")) return;
    if (controller.openMarker(row.dataset.mapItem)) element.scrollIntoView({ block: "nearest" });
  });
  // A live update swapped the list in: redraw the markers from it, keeping the view.
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt.matches && event.detail.elt.matches("[data-map-list]")) refresh(false);
  });
  if (onlyVisible) {
    onlyVisible.hidden = false;
    onlyVisible.querySelector("input").addEventListener("change", mark);
  }
  refresh(true);
})();
