/* mapper's severity scale, and areas for compact maps.
 *
 * window.mapperUi.severity: how severity 0-5 shows, for pins and areas alike, so that an area
 * is as visible as a pin of the same severity: pin size, the opacity of a pin's body (also in
 * mapper.css, .mapper-s-N) and of an area's outline, the outline's weight, the area's fill.
 * Severity 0 (nothing known of harm) is dashed, on pins and areas.
 * window.mapperUi.areaStyle(s): Leaflet path options for an area of severity s.
 *
 * A rich map draws each area as its own L.circle. With thousands of them, creating, projecting
 * and stroking one path each is what the first frame waits for; in compact maps a category's
 * circles are filled with one path per severity and stroked with one path per severity, on
 * Leaflet's canvas renderer (so panning, zooming and clicks work as for any canvas path).
 *
 * Loaded before mapper.js, which calls new window.mapperUi.CircleSet(circles, options) with
 * circles [{lat, lon, m (radius in metres), s (severity)}] and path options.
 */
(function () {
  "use strict";

  var SEVERITY = {
    pinSize: [18, 23, 28, 34, 39, 44],        // px, 0-5
    opacity: [0.75, 0.8, 0.85, 1, 1, 1],      // pin body and area outline
    weight: [1.5, 2, 2.5, 3, 3.5, 4],         // area outline, px
    fill: [0.12, 0.17, 0.22, 0.28, 0.34, 0.4],  // area fill opacity
  };
  var DASH = "6 4";

  function level(s) {
    return Math.max(0, Math.min(5, Math.round(s) || 0));
  }

  function areaStyle(s) {
    s = level(s);
    return {
      opacity: SEVERITY.opacity[s], weight: SEVERITY.weight[s], fillOpacity: SEVERITY.fill[s],
      dashArray: s === 0 ? DASH : null,
    };
  }

  var EQUATOR_M = 40075016.686;
  var RAD = Math.PI / 180;

  var CircleSet = L.Path.extend({
    // "nonzero": overlapping circles of one category add up to their union, not holes.
    options: { fill: true, fillRule: "nonzero" },

    initialize: function (circles, options) {
      L.setOptions(this, options);
      this._circles = circles;
    },

    // Circles in layer pixels; the radius is the metres-per-pixel scale at the centre's
    // latitude, as for Leaflet's own circles in spherical Mercator.
    _project: function () {
      var map = this._map;
      var world = map.options.crs.scale(map.getZoom());
      var bounds = new L.Bounds();
      this._circles.forEach(function (c) {
        var p = map.latLngToLayerPoint([c.lat, c.lon]);
        var cos = Math.max(Math.cos(c.lat * RAD), 0.01);
        c.x = p.x;
        c.y = p.y;
        c.r = Math.max(1, c.m * world / (EQUATOR_M * cos));
        bounds.extend([c.x - c.r, c.y - c.r]);
        bounds.extend([c.x + c.r, c.y + c.r]);
      });
      this._pxBounds = bounds.isValid() ? bounds : undefined;
    },

    _update: function () {
      if (this._map) this._updatePath();
    },

    _empty: function () {
      return !this._circles.length;
    },

    // Called by the canvas renderer while it draws (renderer._drawing); uses its context.
    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || this._empty()) return;
      var ctx = renderer._ctx;
      var o = this.options;
      var view = renderer._bounds;
      var shown = this._circles.filter(function (c) {
        return c.x + c.r >= view.min.x && c.x - c.r <= view.max.x &&
          c.y + c.r >= view.min.y && c.y - c.r <= view.max.y;
      });
      if (!shown.length) return;
      var bySeverity = [[], [], [], [], [], []];
      shown.forEach(function (c) { bySeverity[level(c.s)].push(c); });
      function trace(list) {
        ctx.beginPath();
        list.forEach(function (c) {
          ctx.moveTo(c.x + c.r, c.y);
          ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI, false);
        });
      }
      ctx.fillStyle = o.fillColor || o.color;
      ctx.strokeStyle = o.color;
      // Fills first, lightest first, then the outlines over them, so no fill hides an outline.
      bySeverity.forEach(function (list, s) {
        if (!list.length) return;
        trace(list);
        ctx.globalAlpha = SEVERITY.fill[s];
        ctx.fill(o.fillRule);
      });
      bySeverity.forEach(function (list, s) {
        if (!list.length) return;
        trace(list);
        ctx.setLineDash(s === 0 ? DASH.split(" ").map(Number) : []);
        ctx.globalAlpha = SEVERITY.opacity[s];
        ctx.lineWidth = SEVERITY.weight[s];
        ctx.stroke();
      });
      ctx.setLineDash([]);
    },

    _containsPoint: function (p) {
      var tolerance = this._clickTolerance();
      return this._circles.some(function (c) {
        var dx = p.x - c.x, dy = p.y - c.y, r = c.r + tolerance;
        return dx * dx + dy * dy <= r * r;
      });
    },
  });

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.CircleSet = CircleSet;
  window.mapperUi.severity = SEVERITY;
  window.mapperUi.areaStyle = areaStyle;
})();
