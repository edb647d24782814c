// Maps: every element with data-map becomes a Leaflet map (templates/macros/map.html writes the
// attributes). Markers still show on a plain background when tiles are off or unreachable, and
// maps that htmx swaps in are set up too. Leaflet positions things through element.style, which the
// strict CSP allows (only style attributes written in HTML are refused).
//
// window.LaporMap:
//   init(element) -> controller (or null without Leaflet); idempotent. initAll(root).
//   get(element) -> the controller of an element already set up, or undefined.
//   pick(element, latitudeInput, longitudeInput) -> a pin picker (also set up by data-map-pick).
// A controller: { map, element, setMarkers(items, fit), openMarker(id), visibleIds(), load(url),
// outline(url) }. data-map-boundaries names a GeoJSON collection of outlines (the kecamatan) drawn
// under the markers, each labelled with its "name" property.
// Events bubbling from the element: "lapor-map:ready" {controller}, "lapor-map:select" {id} when a
// marker's popup opens, "lapor-map:moved" {visible: [ids]} after every pan or zoom,
// "lapor-map:pick" {latitude, longitude} when a pin is placed.
"use strict";

(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var controllers = new WeakMap();

  function pair(text) {
    var parts = (text || "").split(",").map(Number);
    return parts.length === 2 && parts.every(isFinite) ? parts : null;
  }

  function hazardIcon(sprite, hazard) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "map-pin-icon");
    svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS(SVG, "use");
    use.setAttribute("href", sprite + "#" + String(hazard || "lainnya").replace(/[^a-z_]/g, ""));
    svg.appendChild(use);
    return svg;
  }

  function pinIcon(classes, content) {
    var pin = document.createElement("span");
    pin.className = "map-pin-body";
    if (content) pin.appendChild(content);
    return L.divIcon({ className: "map-pin " + classes, html: pin, iconSize: [34, 34], iconAnchor: [17, 17], popupAnchor: [0, -16] });
  }

  function statusClass(text) {
    return String(text || "").replace(/[^a-z_-]/g, "");
  }

  function popupContent(item) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement(item.url ? "a" : "strong");
    if (item.url) title.href = item.url;
    title.textContent = item.title;
    box.appendChild(title);
    (item.detail ? [item.detail] : []).concat(item.lines || []).forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }

  function init(element) {
    if (controllers.has(element)) return controllers.get(element);
    if (!window.L) return null;
    var data = element.dataset;
    var map = L.map(element, { zoomControl: false }).setView(pair(data.mapCenter) || [0, 0], Number(data.mapZoom) || 10);
    L.control.zoom({ zoomInTitle: data.mapZoomIn || "+", zoomOutTitle: data.mapZoomOut || "-" }).addTo(map);
    map.attributionControl.setPrefix(false);
    var note = element.parentNode.querySelector("[data-map-note]");
    if (data.mapTiles) {
      L.tileLayer(data.mapTiles, { attribution: data.mapAttribution || "", maxZoom: 19 })
        .on("tileerror", function () { if (note) note.hidden = false; })
        .addTo(map);
    }
    element.classList.toggle("map-no-tiles", !data.mapTiles);
    var layer = L.layerGroup().addTo(map);
    var markers = {};
    var fitted = false;

    function dispatch(name, detail) {
      element.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }));
    }

    function visibleIds() {
      var bounds = map.getBounds();
      return Object.keys(markers).filter(function (id) { return bounds.contains(markers[id].getLatLng()); });
    }

    var controller = {
      map: map,
      element: element,
      // Replaces the markers; an open popup stays open if its item is still there. The view fits
      // the markers the first time only, so live refreshes never move the map under someone's hand.
      setMarkers: function (items, fit) {
        var open = Object.keys(markers).filter(function (id) { return markers[id].isPopupOpen(); })[0];
        layer.clearLayers();
        markers = {};
        (items || []).forEach(function (item) {
          if (item.lat == null || item.lon == null) return;
          var classes = "map-pin-" + statusClass(item.kind) + " map-pin-status-" + statusClass(item.status);
          var marker = L.marker([item.lat, item.lon], {
            icon: pinIcon(classes, hazardIcon(data.mapSprite || "", item.hazard)),
            title: item.title, alt: item.title, riseOnHover: true,
          });
          marker.bindPopup(popupContent(item));
          marker.on("popupopen", function () { dispatch("lapor-map:select", { id: item.id }); });
          markers[item.id] = marker;
          layer.addLayer(marker);
        });
        var ids = Object.keys(markers);
        if ((fit || fit === undefined) && !fitted && ids.length) {
          fitted = true;
          if (ids.length === 1) map.setView(markers[ids[0]].getLatLng(), 14);
          else map.fitBounds(L.featureGroup(ids.map(function (id) { return markers[id]; })).getBounds(), { padding: [24, 24], maxZoom: 14 });
        }
        if (open && markers[open]) markers[open].openPopup();
        dispatch("lapor-map:moved", { visible: visibleIds() });
      },
      openMarker: function (id) {
        var marker = markers[id];
        if (!marker) return false;
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 13));
        marker.openPopup();
        return true;
      },
      visibleIds: visibleIds,
      load: function (url) {
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (body) { controller.setMarkers(body.markers || []); });
      },
      // Outlines are context, not content: they never take clicks meant for a marker, and a map
      // without them (not imported, offline) still works.
      outline: function (url) {
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
          .then(function (response) { return response.ok ? response.json() : { features: [] }; })
          .then(function (body) {
            var outlines = L.geoJSON(body, {
              interactive: false,
              style: function () { return { className: "map-boundary", color: "#57534e", weight: 1.5, dashArray: "5 4", fill: false }; },
              onEachFeature: function (feature, shape) {
                var name = feature.properties && feature.properties.name;
                if (name) shape.bindTooltip(name, { permanent: true, direction: "center", className: "map-boundary-label" });
              },
            }).addTo(map);
            outlines.bringToBack();
            dispatch("lapor-map:outlined", { count: (body.features || []).length });
          })
          .catch(function () { /* the markers matter; outlines are a nicety */ });
      },
    };
    controllers.set(element, controller);
    map.on("moveend", function () { dispatch("lapor-map:moved", { visible: visibleIds() }); });
    // The element may change size (a phone turned, a column appearing): Leaflet must know.
    if (window.ResizeObserver) new ResizeObserver(function () { map.invalidateSize(); }).observe(element);

    if (data.mapMarkers) controller.setMarkers(JSON.parse(data.mapMarkers));
    if (data.mapSource) controller.load(data.mapSource);
    if (data.mapBoundaries) controller.outline(data.mapBoundaries);
    if (data.mapPick !== undefined) {
      pick(element, document.querySelector(data.mapLatitude), document.querySelector(data.mapLongitude));
    }
    dispatch("lapor-map:ready", { controller: controller });
    return controller;
  }

  // Click (or drag the pin) to set the two inputs; typing in them moves the pin. The inputs stay
  // the accessible way to give a position, the map is the quick one.
  function pick(element, latitudeInput, longitudeInput) {
    var controller = init(element);
    if (!controller || !latitudeInput || !longitudeInput) return null;
    var map = controller.map;
    var pin = null;

    function place(latlng) {
      if (pin) { pin.setLatLng(latlng); return; }
      var title = element.dataset.mapPickTitle || "";
      pin = L.marker(latlng, { draggable: true, autoPan: true, title: title, alt: title, icon: pinIcon("map-pin-pick") }).addTo(map);
      pin.on("dragend", function () { write(pin.getLatLng()); });
    }

    function write(latlng) {
      latitudeInput.value = latlng.lat.toFixed(6);
      longitudeInput.value = latlng.lng.toFixed(6);
      [latitudeInput, longitudeInput].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      element.dispatchEvent(new CustomEvent("lapor-map:pick", { bubbles: true, detail: { latitude: latlng.lat, longitude: latlng.lng } }));
    }

    function read() {
      var lat = parseFloat(latitudeInput.value), lon = parseFloat(longitudeInput.value);
      if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
      return L.latLng(lat, lon);
    }

    map.on("click", function (event) { place(event.latlng); write(event.latlng); });
    [latitudeInput, longitudeInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var latlng = read();
        if (latlng) { place(latlng); map.panTo(latlng); }
      });
    });
    var start = read();
    if (start) { place(start); map.setView(start, Math.max(map.getZoom(), 14)); }
    return { map: map, place: place, clear: function () { if (pin) { pin.remove(); pin = null; } } };
  }

  function initAll(root) {
    var scope = root || document;
    if (scope.matches && scope.matches("[data-map]")) init(scope);
    if (scope.querySelectorAll) scope.querySelectorAll("[data-map]").forEach(init);
  }

  window.LaporMap = { init: init, initAll: initAll, pick: pick, get: function (element) { return controllers.get(element); } };
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  else initAll(document);
})();
