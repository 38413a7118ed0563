/* mapper's basemap labels: country, capital and city names drawn over the offline outlines.
 *
 * The basemap GeoJSON carries "labels": rows [name, lat, lon, kind, zoom] (kind 0 country,
 * 1 capital, 2 city; zoom: the first zoom that may show the label), most important first (see
 * mapper/render/labels.py). On every view the rows are walked in that order and a label is
 * placed only when its box overlaps no label placed before it, so countries and capitals win
 * and cities fill the space that is left. Names are set with textContent, never as HTML.
 *
 * Loaded before mapper.js, which calls window.mapperUi.basemapLabels(map, rows, base): the
 * labels are shown while the layer `base` (the offline outlines) is on the map.
 */
(function () {
  "use strict";

  // Set on each label and used to measure it, so the boxes match what is drawn.
  var FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
  var FONTS = ["600 11px " + FAMILY, "600 12px " + FAMILY, "11px " + FAMILY];
  var CLASSES = ["mapper-place-country", "mapper-place-capital", "mapper-place-city"];
  var HEIGHT = [14, 15, 14];  // line box, px
  var PAD = 11;               // a capital's or city's dot and the gap before its name, px
                              // (the dot is centred 4 px into the box: mapper.css)
  var GAP = 3;                // clear space kept around each label, px
  var MAX_LABELS = 400;       // per view: more would only be clutter
  var MARGIN = 40;            // points this far outside the view may still have a name in it

  // Country names in capitals, as atlases set them.
  function text(row) {
    return row[3] === 0 ? row[0].toUpperCase() : row[0];
  }

  var measure = null;
  function textWidth(text, kind) {
    if (!measure) measure = document.createElement("canvas").getContext("2d");
    measure.font = FONTS[kind];
    return Math.ceil(measure.measureText(text).width);
  }

  var LabelLayer = L.Layer.extend({
    initialize: function (rows) {
      this._rows = rows.filter(function (r) {
        return Array.isArray(r) && typeof r[0] === "string" && isFinite(r[1]) && isFinite(r[2]);
      });
      this._widths = new Map();
    },

    onAdd: function (map) {
      this._pane = map.getPane("mapper-labels") || map.createPane("mapper-labels");
      this._pane.style.zIndex = 420;  // over areas (400), under flows (450) and pins (600)
      this._pane.style.pointerEvents = "none";
      this._root = L.DomUtil.create("div", "mapper-places", this._pane);
      var layer = this;
      map.whenReady(function () { if (layer._map) layer._place(); });
    },

    onRemove: function () {
      L.DomUtil.remove(this._root);
      this._root = null;
      this.placed = [];
    },

    getEvents: function () {
      return { zoomstart: this._hide, moveend: this._place, resize: this._place };
    },

    _hide: function () {
      if (this._root) this._root.style.display = "none";
    },

    _width: function (row) {
      var key = row[3] + "|" + row[0];
      var w = this._widths.get(key);
      if (w === undefined) {
        w = textWidth(text(row), row[3]);
        this._widths.set(key, w);
      }
      return w;
    },

    // Where a label may go, in container pixels, best first: a country's name centred on its
    // label point, else one or two lines above or below it; a city's name right of its dot, else left
    // of it (the dot then sits at the name's end: the "end" flag).
    _boxes: function (row, p) {
      var kind = row[3], w = this._width(row), h = HEIGHT[kind];
      var y0 = p.y - h / 2, y1 = p.y + h / 2;
      if (kind === 0) {
        var x0 = p.x - w / 2, x1 = p.x + w / 2;
        return [0, -1, 1, -2, 2].map(function (lines) {
          return { x0: x0, y0: y0 + lines * h, x1: x1, y1: y1 + lines * h };
        });
      }
      return [
        { x0: p.x - 4, y0: y0, x1: p.x - 4 + PAD + w, y1: y1 },
        { x0: p.x + 4 - PAD - w, y0: y0, x1: p.x + 4, y1: y1, end: true },
      ];
    },

    _free: function (box, placed) {
      for (var j = 0; j < placed.length; j++) {
        var b = placed[j].box;
        if (!(box.x1 + GAP < b.x0 || box.x0 - GAP > b.x1 ||
          box.y1 + GAP < b.y0 || box.y0 - GAP > b.y1)) return false;
      }
      return true;
    },

    _place: function () {
      var map = this._map;
      if (!map || !this._root || !map._loaded) return;
      var zoom = map.getZoom();
      var size = map.getSize();
      var world = map.options.crs.scale(zoom);  // the world's width in pixels at this zoom
      // The panels over the map count as placed: a name under one could not be read.
      var placed = this._panels(map);
      var panels = placed.length;
      var rows = this._rows;
      var shown = [];
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        if (row[4] > zoom) continue;
        var p = map.latLngToContainerPoint([row[1], row[2]]);
        // Across the antimeridian the same place is a world's width away.
        if (p.x < -MARGIN) p.x += world;
        else if (p.x > size.x + MARGIN) p.x -= world;
        if (p.x >= -MARGIN && p.x <= size.x + MARGIN && p.y >= -MARGIN && p.y <= size.y + MARGIN) {
          shown.push({ row: row, p: p });
        }
      }
      // Country names keep off the capitals' dots, so that a capital and its country's name
      // both find room where they can.
      var dots = [];
      shown.forEach(function (item) {
        if (item.row[3] !== 1) return;
        var p = item.p;
        dots.push({ box: { x0: p.x - 4, y0: p.y - 4, x1: p.x + 4, y1: p.y + 4 } });
      });
      for (var j = 0; j < shown.length && placed.length - panels < MAX_LABELS; j++) {
        var boxes = this._boxes(shown[j].row, shown[j].p);
        var country = shown[j].row[3] === 0;
        for (var k = 0; k < boxes.length; k++) {
          var b = boxes[k];
          var inside = b.x0 >= 0 && b.y0 >= 0 && b.x1 <= size.x && b.y1 <= size.y;
          if (inside && this._free(b, placed) && (!country || this._free(b, dots))) {
            placed.push({ row: shown[j].row, box: b });
            break;
          }
        }
      }
      this._draw(placed.slice(panels));
    },

    _panels: function (map) {
      var origin = map.getContainer().getBoundingClientRect();
      var boxes = [];
      var controls = map.getContainer().querySelectorAll(".leaflet-control");
      for (var i = 0; i < controls.length; i++) {
        var r = controls[i].getBoundingClientRect();
        if (!r.width || !r.height) continue;
        boxes.push({ box: {
          x0: r.left - origin.left, y0: r.top - origin.top,
          x1: r.right - origin.left, y1: r.bottom - origin.top,
        } });
      }
      return boxes;
    },

    _draw: function (placed) {
      var map = this._map;
      var root = this._root;
      var frag = document.createDocumentFragment();
      placed.forEach(function (item) {
        var row = item.row, kind = row[3];
        var node = document.createElement("div");
        node.className = "mapper-place " + CLASSES[kind] + (item.box.end ? " mapper-place-end" : "");
        node.style.font = FONTS[kind];
        node.style.lineHeight = HEIGHT[kind] + "px";
        node.textContent = text(row);
        var at = map.containerPointToLayerPoint([item.box.x0, item.box.y0]);
        L.DomUtil.setPosition(node, at);
        frag.appendChild(node);
      });
      root.textContent = "";
      root.appendChild(frag);
      root.style.display = "";
      this.placed = placed.map(function (item) {
        return { name: item.row[0], kind: item.row[3], box: item.box };
      });
    },
  });

  // Shown while `base` is on the map, so online tiles (which carry their own names) get none.
  function basemapLabels(map, rows, base) {
    var layer = new LabelLayer(rows || []);
    base.on("add", function () { map.addLayer(layer); });
    base.on("remove", function () { map.removeLayer(layer); });
    if (map.hasLayer(base)) map.addLayer(layer);
    return layer;
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.basemapLabels = basemapLabels;
})();
