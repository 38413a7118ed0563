/* mapper's permalink: the view and the filters kept in the URL hash, and restored on load.
 *
 * The hash is a list of key=value pairs joined with "&":
 *   v=ZOOM/LAT/LON       the view
 *   c=id,id              the categories shown (absent: all; empty: none)
 *   d=FROM..TO           the dates kept (ISO days)
 *   u=0                  undated incidents hidden
 *   b=W,S,E,N            a bounding box to fit, used instead of v (mapper render --png --bbox)
 *   bare                 no controls but the attribution (mapper render --png)
 * Anything else, or a malformed value, is ignored. Loaded before mapper.js, which calls
 * window.mapperUi.permalink.read() before drawing and .watch(map, ctx) once drawn.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var NUM = "(-?\\d+(?:\\.\\d+)?)";
  var VIEW_RE = new RegExp("^" + NUM + "/" + NUM + "/" + NUM + "$");
  var BBOX_RE = new RegExp("^" + [NUM, NUM, NUM, NUM].join(",") + "$");
  var DAYS_RE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;
  var ID_RE = /^[a-z][a-z0-9_]*$/;

  function dayOf(iso) {
    var t = Date.parse(iso + "T00:00:00Z");
    return isNaN(t) ? null : Math.round(t / DAY);
  }

  function isoOf(day) {
    return new Date(day * DAY).toISOString().slice(0, 10);
  }

  function decode(text) {
    try {
      return decodeURIComponent(text);
    } catch (e) {
      return null;
    }
  }

  function read(hash) {
    var state = { view: null, bbox: null, cats: null, from: null, to: null, undated: null,
      bare: false };
    String(hash === undefined ? location.hash : hash).replace(/^#/, "").split("&")
      .forEach(function (part) {
        var eq = part.indexOf("=");
        var key = eq < 0 ? part : part.slice(0, eq);
        var value = decode(eq < 0 ? "" : part.slice(eq + 1));
        if (value === null) return;
        var m;
        if (key === "v" && (m = VIEW_RE.exec(value))) {
          var z = +m[1], lat = +m[2], lon = +m[3];
          if (z >= 0 && z <= 30 && Math.abs(lat) <= 90 && Math.abs(lon) <= 540) {
            state.view = { zoom: z, lat: lat, lon: lon };
          }
        } else if (key === "b" && (m = BBOX_RE.exec(value))) {
          var w = +m[1], s = +m[2], e = +m[3], n = +m[4];
          if (w < e && s < n && s >= -90 && n <= 90) state.bbox = [[s, w], [n, e]];
        } else if (key === "c") {
          // Empty: no category; a list without one valid id is ignored.
          var ids = value.split(",").filter(function (id) { return ID_RE.test(id); });
          if (!value || ids.length) state.cats = value ? ids : [];
        } else if (key === "d" && (m = DAYS_RE.exec(value))) {
          var a = dayOf(m[1]), b = dayOf(m[2]);
          if (a !== null && b !== null && a <= b) {
            state.from = a;
            state.to = b;
          }
        } else if (key === "u" && (value === "0" || value === "1")) {
          state.undated = value === "1";
        } else if (key === "bare") {
          state.bare = true;
        }
      });
    return state;
  }

  // ctx: layers, cats, filter, time ({lo, hi} or null); the hash follows the map from now on.
  function watch(map, ctx) {
    var timer = null;
    function write() {
      var c = map.getCenter();
      var parts = ["v=" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4)];
      var shown = ctx.layers.filter(function (l) { return map.hasLayer(l); });
      if (shown.length !== ctx.layers.length) {
        parts.push("c=" + shown.map(function (l) { return l.cat.id; }).join(","));
      }
      var f = ctx.filter, t = ctx.time;
      if (t && f.from !== null && (f.from !== t.lo || f.to !== t.hi)) {
        parts.push("d=" + isoOf(f.from) + ".." + isoOf(f.to));
      }
      if (!f.undated) parts.push("u=0");
      try {
        history.replaceState(null, "", "#" + parts.join("&"));
      } catch (e) {
        // A sandboxed frame without an origin may refuse; the map works without.
      }
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(write, 200);
    }
    map.on("moveend overlayadd overlayremove mapperfilter", later);
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.permalink = { read: read, watch: watch, dayOf: dayOf };
})();
