// The report form with JavaScript: location from the phone, photos shrunk before upload, and
// sending through the JSON API with a progress bar. Without this file the form still posts.
"use strict";

(function () {
  var form = document.querySelector("[data-report-form]");
  if (!form) return;
  var LONGEST_SIDE = 1600;
  var MAX_PHOTOS = Number(form.dataset.maxPhotos || 5);
  var messages = form.dataset;
  var photos = []; // {blob, url}
  var photoInput = form.querySelector("[data-photo-input]");
  var photoList = form.querySelector("[data-photo-list]");
  var statusBox = document.querySelector("[data-form-status]");
  var keyInput = form.querySelector("[data-idempotency-key]");

  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // A key of this page's own: a form served from the offline cache must not reuse an old one.
  keyInput.value = newKey();

  function showStatus(text) {
    statusBox.textContent = text;
    statusBox.hidden = !text;
  }

  function setFieldError(name, text) {
    var slot = document.getElementById(name + "-error");
    if (slot) slot.textContent = text || "";
    var input = form.elements[name];
    if (input && input.setAttribute) {
      if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    }
  }

  // --- Location ---------------------------------------------------------------------------
  var locateBox = form.querySelector("[data-geolocation]");
  var locationStatus = form.querySelector("[data-location-status]");
  function setPosition(latitude, longitude, accuracy, source) {
    form.querySelector("[data-latitude]").value = latitude.toFixed(6);
    form.querySelector("[data-longitude]").value = longitude.toFixed(6);
    form.querySelector("[data-accuracy]").value = accuracy == null ? "" : Math.round(accuracy);
    form.querySelector("[data-location-source]").value = source;
    setFieldError("latitude", "");
    setFieldError("village_code", "");
  }
  if ("geolocation" in navigator) {
    locateBox.hidden = false;
    form.querySelector("[data-locate]").addEventListener("click", function () {
      locationStatus.textContent = messages.msgLocating;
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        setPosition(c.latitude, c.longitude, c.accuracy, "perangkat");
        locationStatus.textContent = messages.msgLocated.replace("{m}", Math.round(c.accuracy));
      }, function (error) {
        locationStatus.textContent = error.code === error.PERMISSION_DENIED ? messages.msgLocationDenied
          : messages.msgLocationFailed;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  // --- Photos -----------------------------------------------------------------------------
  function shrink(file) {
    if (!self.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.82); });
    }).catch(function () {
      // A format this browser cannot draw (HEIC on some phones): the server decodes it instead.
      return file;
    });
  }

  function renderPhotos() {
    photoList.textContent = "";
    photos.forEach(function (photo, index) {
      var item = document.createElement("li");
      var image = document.createElement("img");
      image.src = photo.url;
      image.alt = messages.msgPhoto.replace("{n}", index + 1);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button";
      remove.textContent = messages.msgRemovePhoto;
      remove.setAttribute("aria-label", messages.msgRemovePhoto + " " + (index + 1));
      remove.addEventListener("click", function () {
        URL.revokeObjectURL(photo.url);
        photos.splice(index, 1);
        renderPhotos();
      });
      item.append(image, remove);
      photoList.append(item);
    });
    setFieldError("photos", "");
  }

  photoInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(photoInput.files);
    photoInput.value = ""; // photos live in `photos`; the input may pick the same file again
    var room = MAX_PHOTOS - photos.length;
    if (files.length > room) {
      setFieldError("photos", messages.msgTooManyPhotos);
      files = files.slice(0, Math.max(room, 0));
    }
    files.reduce(function (chain, file) {
      return chain.then(function () {
        return file.arrayBuffer().then(function (buffer) {
          var gps = LaporExif.gpsPosition(buffer);
          var latitude = form.querySelector("[data-latitude]");
          if (gps && !latitude.value) {
            setPosition(gps.latitude, gps.longitude, null, "foto");
            locationStatus.textContent = messages.msgLocationFromPhoto;
          }
          return shrink(file);
        }).then(function (blob) {
          photos.push({ blob: blob, url: URL.createObjectURL(blob) });
          renderPhotos();
        });
      });
    }, Promise.resolve());
  });

  // --- Sending ----------------------------------------------------------------------------
  var progressBox = form.querySelector("[data-progress]");
  var progressBar = progressBox.querySelector("progress");
  var progressLabel = progressBox.querySelector("[data-progress-label]");
  var submitButton = form.querySelector("[data-submit]");

  function collectFields() {
    var fields = {};
    var skip = { _csrf_token: true, csrf_token: true, idempotency_key: true, kecamatan: true, photos: true };
    new FormData(form).forEach(function (value, name) {
      if (!skip[name] && typeof value === "string" && value.trim() !== "") fields[name] = value.trim();
    });
    return fields;
  }

  // XMLHttpRequest, not fetch: only it reports upload progress.
  function xhrTransport(totalBytes, sentBefore) {
    return function (url, options) {
      return new Promise(function (resolve, reject) {
        var request = new XMLHttpRequest();
        request.open(options.method, url);
        Object.keys(options.headers || {}).forEach(function (name) { request.setRequestHeader(name, options.headers[name]); });
        if (options.photoIndex !== undefined) {
          request.upload.addEventListener("progress", function (event) {
            var done = sentBefore(options.photoIndex) + (event.lengthComputable ? event.loaded : 0);
            progressBar.value = Math.min(99, Math.round((done / totalBytes) * 100));
          });
        }
        request.addEventListener("load", function () {
          var body = null;
          try { body = JSON.parse(request.responseText); } catch (ignored) { body = null; }
          resolve({ status: request.status, body: body });
        });
        request.addEventListener("error", function () { reject(new Error("network")); });
        request.addEventListener("timeout", function () { reject(new Error("timeout")); });
        request.timeout = 120000;
        request.send(options.body);
      });
    };
  }

  function showInvalid(detail) {
    var errors = detail.errors || {};
    Object.keys(errors).forEach(function (name) {
      setFieldError(name === "photo" ? "photos" : name, errors[name]);
    });
    showStatus(errors["Idempotency-Key"] || detail.message || messages.msgCheckFields);
    var first = form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }

  // What the server would refuse anyway, checked here so that a report kept offline can be sent later.
  function missingBasics(fields) {
    var problems = {};
    if (!fields.hazard) problems.hazard = messages.msgHazardRequired;
    if (!fields.village_code && !fields.latitude) problems.village_code = messages.msgPlaceRequired;
    return Object.keys(problems).length ? problems : null;
  }

  function keepForLater(entry) {
    var problems = missingBasics(entry.fields);
    if (problems) {
      showInvalid({ errors: problems });
      return Promise.resolve();
    }
    return LaporQueue.enqueue(entry).then(function () {
      form.reset();
      photos.splice(0, photos.length);
      renderPhotos();
      keyInput.value = newKey();
      waitingKey = entry.key;
      showStatus(messages.msgSavedOffline);
      statusBox.classList.replace("notice-warn", "notice-ok");
      statusBox.setAttribute("data-testid", "saved-offline");
      // The form was scrolled to its button: the answer is above, out of sight, unless brought there.
      statusBox.focus();
      statusBox.scrollIntoView({ block: "center" });
      if (window.LaporApp) LaporApp.queued();
    });
  }

  // The report kept last from this page: once the outbox has delivered it (from this page, another
  // tab or the service worker), the notice turns into its tracking code and link.
  var waitingKey = null;

  function showDelivered() {
    if (!waitingKey) return;
    LaporQueue.sent().then(function (reports) {
      var delivered = reports.filter(function (report) { return report.key === waitingKey; })[0];
      if (!delivered) return;
      waitingKey = null;
      var link = document.createElement("a");
      link.href = "/laporan/" + delivered.code;
      link.textContent = delivered.code.slice(0, 4) + "-" + delivered.code.slice(4);
      link.setAttribute("data-delivered-code", delivered.code);
      var parts = messages.msgDelivered.split("{code}");
      statusBox.textContent = "";
      statusBox.append(parts[0], link, parts.slice(1).join(""));
      statusBox.setAttribute("data-testid", "delivered");
    });
  }
  window.addEventListener("lapor-outbox-changed", showDelivered);
  if (LaporQueue.channel) LaporQueue.channel.addEventListener("message", showDelivered);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // A new report: the notice now speaks of it (the earlier one is listed under "Laporan saya").
    waitingKey = null;
    showStatus("");
    statusBox.classList.replace("notice-ok", "notice-warn");
    statusBox.removeAttribute("data-testid");
    var blobs = photos.map(function (photo) { return photo.blob; });
    var sizes = blobs.map(function (blob) { return blob.size; });
    var total = Math.max(1, sizes.reduce(function (a, b) { return a + b; }, 0));
    function sentBefore(index) { return sizes.slice(0, index).reduce(function (a, b) { return a + b; }, 0); }
    var csrfInput = form.querySelector("input[name=_csrf_token]");
    var entry = { key: keyInput.value, fields: collectFields(), photos: blobs, csrfToken: csrfInput ? csrfInput.value : null };

    submitButton.disabled = true;
    progressBox.hidden = false;
    progressBar.value = 0;
    progressLabel.textContent = messages.msgSending;
    LaporDelivery.deliver(entry, {
      transport: xhrTransport(total, sentBefore),
      onPhoto: function (index, count) {
        progressLabel.textContent = messages.msgSendingPhoto.replace("{n}", index + 1).replace("{total}", count);
      },
    }).then(function (delivered) {
      progressBar.value = 100;
      return LaporQueue.remember(delivered.code, entry.fields, entry.key).then(function () {
        var query = delivered.photosRejected ? "?baru=1&foto_ditolak=" + delivered.photosRejected : "?baru=1";
        window.location.assign("/laporan/" + delivered.code + query);
      });
    }).catch(function (error) {
      submitButton.disabled = false;
      progressBox.hidden = true;
      if (error.kind === "invalid") return showInvalid(error.detail);
      // No signal, or the server did not answer well: the report waits on the phone, same key.
      return keepForLater(entry);
    });
  });
})();
