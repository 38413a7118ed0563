/* mapper's areas for compact maps: all of one category's area circles as one canvas layer.
 *
 * A rich map draws each area as its own L.circle. With thousands of them, creating, projecting
 * and stroking one path each is what the first frame waits for; here a category's circles are
 * filled with one path per fill opacity and stroked with one dashed path, on Leaflet's canvas
 * renderer (so panning, zooming and clicks work as for any canvas path).
 *
 * Loaded before mapper.js, which calls new window.mapperUi.CircleSet(circles, options) with
 * circles [{lat, lon, m (radius in metres), alpha (fill opacity)}] and path options.
 */
(function () {
  "use strict";

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
      var byAlpha = new Map();
      shown.forEach(function (c) {
        if (!byAlpha.has(c.alpha)) byAlpha.set(c.alpha, []);
        byAlpha.get(c.alpha).push(c);
      });
      function trace(list) {
        ctx.beginPath();
        list.forEach(function (c) {
          ctx.moveTo(c.x + c.r, c.y);
          ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI, false);
        });
      }
      ctx.fillStyle = o.fillColor || o.color;
      byAlpha.forEach(function (list, alpha) {
        trace(list);
        ctx.globalAlpha = alpha;
        ctx.fill(o.fillRule);
      });
      trace(shown);
      ctx.setLineDash(o._dashArray || []);
      ctx.globalAlpha = o.opacity;
      ctx.lineWidth = o.weight;
      ctx.strokeStyle = o.color;
      ctx.stroke();
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
})();
