// Delivers one report to the JSON API: the fields first, then each photo, all under the report's
// idempotency key, so that any step can be retried without creating a second report or photo.
// Plain script usable from a page and from the service worker (no DOM use here).
"use strict";

(function (global) {
  function DeliveryError(kind, detail) {
    this.kind = kind; // "invalid" (the server refused the content), "network" or "server" (try later)
    this.detail = detail || {};
  }

  // Form fields are strings; the API takes these as JSON numbers (reports/validation.py JSON_NUMBERS,
  // kept equal by tests/test_report_schema_agreement.py). Converted here, at sending, so that reports
  // kept in the outbox by an older page are sent right too.
  var NUMBER_FIELDS = ["latitude", "longitude", "accuracy_m", "dead", "missing", "injured", "displaced",
    "affected_families", "affected_people", "infants", "elderly", "pregnant", "disabled",
    "houses_heavily_damaged", "houses_moderately_damaged", "houses_lightly_damaged"];

  function asJson(fields) {
    var body = {};
    Object.keys(fields).forEach(function (name) {
      var value = fields[name];
      var number = typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      // A value that is not a number stays text: the server names the field in its answer.
      body[name] = NUMBER_FIELDS.indexOf(name) >= 0 && isFinite(number) ? number : value;
    });
    return JSON.stringify(body);
  }

  function fetchTransport(url, options) {
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (ignored) { body = null; }
        return { status: response.status, body: body };
      });
    });
  }

  function send(transport, url, options) {
    return transport(url, options).catch(function (error) {
      throw new DeliveryError("network", { message: String(error) });
    }).then(function (response) {
      if (response.status >= 200 && response.status < 300) return response;
      if (response.status === 422 || response.status === 400 || response.status === 413) {
        throw new DeliveryError("invalid", { status: response.status, errors: (response.body && response.body.errors) || {},
          message: response.body && response.body.detail });
      }
      throw new DeliveryError("server", { status: response.status });
    });
  }

  // entry: {key, fields, photos: [Blob], code (set once created), photosSent (count), csrfToken}.
  // csrfToken, the page's CSRF token, lets the server credit the report to the signed-in officer;
  // without it (or with a stale one) the report is still accepted, as anyone's.
  // onStep(entry) is called after each step so a caller can persist progress.
  // options.fromOutbox: the report waited on the phone; X-Client-Name tells the server so, and that
  // the report comes from this app's own form rather than from another system.
  function deliver(entry, options) {
    options = options || {};
    var transport = options.transport || fetchTransport;
    var onStep = options.onStep || function () { return Promise.resolve(); };
    var headers = { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": entry.key,
      "X-Client-Name": options.fromOutbox ? "lapor-bencana-outbox" : "lapor-bencana-form" };
    if (entry.csrfToken) headers["x-csrftoken"] = entry.csrfToken;
    var created = entry.code ? Promise.resolve() : send(transport, "/api/v1/reports", {
      method: "POST",
      headers: headers,
      body: asJson(entry.fields),
      credentials: "same-origin",
    }).then(function (response) {
      entry.code = response.body.code;
      entry.photosSent = 0;
      return onStep(entry);
    });
    return created.then(function () { return sendPhotos(entry, transport, onStep, options.onPhoto); })
      .then(function () { return entry; });
  }

  function sendPhotos(entry, transport, onStep, onPhoto) {
    var photos = entry.photos || [];
    entry.photosRejected = entry.photosRejected || 0;
    function next() {
      if ((entry.photosSent || 0) >= photos.length) return Promise.resolve();
      var index = entry.photosSent || 0;
      var body = new FormData();
      body.append("photo", photos[index], "foto-" + (index + 1) + ".jpg");
      if (onPhoto) onPhoto(index, photos.length);
      return send(transport, "/api/v1/reports/" + entry.code + "/photos", {
        method: "POST",
        headers: { "Accept": "application/json", "Idempotency-Key": entry.key },
        body: body,
        credentials: "same-origin",
        photoIndex: index,
      }).catch(function (error) {
        // A photo the server cannot use is skipped; the report itself is already safe.
        if (error.kind !== "invalid") throw error;
        entry.photosRejected += 1;
      }).then(function () {
        entry.photosSent = index + 1;
        return onStep(entry);
      }).then(next);
    }
    return next();
  }

  global.LaporDelivery = { deliver: deliver, DeliveryError: DeliveryError, fetchTransport: fetchTransport };
})(typeof self !== "undefined" ? self : window);
