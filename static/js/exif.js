// Reads the GPS position from a JPEG's EXIF data, before the photo is shrunk (shrinking on a
// canvas drops all metadata). Returns {latitude, longitude} or null; never throws.
"use strict";

(function (global) {
  var EXIF_HEADER = 0x45786966; // "Exif"
  var GPS_IFD_POINTER = 0x8825;
  var TAG = { latRef: 1, lat: 2, lonRef: 3, lon: 4 };

  function gpsPosition(buffer) {
    try {
      var view = new DataView(buffer);
      if (view.getUint16(0) !== 0xffd8) return null;
      var offset = 2;
      while (offset + 10 <= view.byteLength) {
        var marker = view.getUint16(offset);
        if (marker === 0xffda || (marker & 0xff00) !== 0xff00) return null; // image data starts: no EXIF
        if (marker === 0xffe1 && view.getUint32(offset + 4) === EXIF_HEADER) return fromTiff(view, offset + 10);
        offset += 2 + view.getUint16(offset + 2);
      }
    } catch (outOfRange) {
      return null;
    }
    return null;
  }

  function fromTiff(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function u16(at) { return view.getUint16(tiff + at, little); }
    function u32(at) { return view.getUint32(tiff + at, little); }
    function entries(ifd, visit) {
      var count = u16(ifd);
      for (var i = 0; i < count; i++) visit(ifd + 2 + i * 12);
    }
    var gpsIfd = null;
    entries(u32(4), function (entry) { if (u16(entry) === GPS_IFD_POINTER) gpsIfd = u32(entry + 8); });
    if (gpsIfd === null) return null;
    var tags = {};
    entries(gpsIfd, function (entry) {
      var tag = u16(entry), type = u16(entry + 2), count = u32(entry + 4);
      if (type === 2) tags[tag] = String.fromCharCode(view.getUint8(tiff + entry + 8));
      if (type === 5 && count === 3) {
        var at = u32(entry + 8);
        tags[tag] = [0, 1, 2].map(function (k) { return u32(at + k * 8) / u32(at + k * 8 + 4); });
      }
    });
    if (!tags[TAG.lat] || !tags[TAG.lon]) return null;
    var latitude = degrees(tags[TAG.lat]) * (tags[TAG.latRef] === "S" ? -1 : 1);
    var longitude = degrees(tags[TAG.lon]) * (tags[TAG.lonRef] === "W" ? -1 : 1);
    if (!isFinite(latitude) || !isFinite(longitude) || (latitude === 0 && longitude === 0)) return null;
    return { latitude: latitude, longitude: longitude };
  }

  function degrees(parts) { return parts[0] + parts[1] / 60 + parts[2] / 3600; }

  global.LaporExif = { gpsPosition: gpsPosition };
})(typeof self !== "undefined" ? self : window);
