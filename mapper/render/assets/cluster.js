/* mapper's marker clustering: two engines behind one interface.
 *
 * Loaded before mapper.js, which picks one:
 *   window.mapperUi.markerCluster(map, opts): Leaflet.markercluster, for rich maps (animated,
 *     one L.Marker per incident, fine up to a few thousand);
 *   window.mapperUi.gridCluster(map, opts): mapper's own grid clustering for compact maps: it
 *     bins the shown points into square screen cells on every view change and puts only the
 *     cells in view into the DOM, so 100,000 incidents cost a few hundred elements and one pass
 *     over typed arrays per view, instead of markercluster's tree of 100,000 markers.
 *
 * opts: pin(rec) -> the record's L.Marker (made once, reused), pick(rec, latlng) for a click
 * on a pin, list(recs, latlng) for a stack too big to spread, maxZoom, cats (the categories,
 * in the order of rec.c).
 *
 * A cluster shows what it holds: a ring split like a pie chart by the categories of its
 * members, largest share first, round a disc edged in the colour of the dominant category (the
 * one with most members; on a tie, the first in the taxonomy), with the member count.
 * Both return: show(key, recs) (the points one category shows now), batch(fn) (one redraw for
 * every show() inside fn), reveal(rec, done) (bring the record's pin into view, then call
 * done(found)), busy() (an animation is running), layer (what was added to the map).
 */
(function () {
  "use strict";

  var COLOUR_RE = /^#[0-9a-fA-F]{6}$/;
  var ID_RE = /^[a-z][a-z0-9_]*$/;
  var NO_COLOUR = "#777777";

  function colourOf(cat) {
    return cat && COLOUR_RE.test(cat.colour) ? cat.colour : NO_COLOUR;
  }

  // counts[ci]: members of category ci. Returns the L.DivIcon of a cluster of n members.
  function clusterIcon(n, counts, cats) {
    var order = [];
    for (var ci = 0; ci < counts.length; ci++) if (counts[ci]) order.push(ci);
    order.sort(function (a, b) { return counts[b] - counts[a] || a - b; });
    var top = cats[order[0]];
    var stops = [], at = 0;
    order.forEach(function (ci) {
      var next = at + 100 * counts[ci] / n;
      stops.push(colourOf(cats[ci]) + " " + at.toFixed(2) + "% " + next.toFixed(2) + "%");
      at = next;
    });
    var size = n < 10 ? 34 : n < 100 ? 40 : 46;
    var pie = document.createElement("div");
    pie.className = "mapper-cluster-pie";
    pie.style.background = "conic-gradient(" + stops.join(", ") + ")";
    var span = document.createElement("span");
    span.textContent = String(n);
    pie.appendChild(span);
    var id = top && ID_RE.test(top.id) ? top.id : "none";
    pie.setAttribute("data-mapper-cat", id);
    pie.title = n + " incidents, most of them: " + (top ? top.label : "uncategorised");
    return L.divIcon({
      html: pie, className: "marker-cluster mapper-cluster mapper-c-" + id, iconSize: [size, size],
    });
  }

  // A cluster whose members all sit at one spot cannot split by zooming: spread it at once.
  function sameSpot(bounds) {
    return bounds.getNorthEast().equals(bounds.getSouthWest());
  }

  function markerCluster(map, opts) {
    var group = L.markerClusterGroup({
      maxClusterRadius: 45, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
      animate: true, removeOutsideVisibleBounds: true, zoomToBoundsOnClick: false,
      iconCreateFunction: function (cluster) {
        var counts = opts.cats.map(function () { return 0; });
        cluster.getAllChildMarkers().forEach(function (m) { if (m.rec) counts[m.rec.c]++; });
        return clusterIcon(cluster.getChildCount(), counts, opts.cats);
      },
    });
    group.on("clusterclick", function (e) {
      if (sameSpot(e.layer.getBounds()) || map.getZoom() >= map.getMaxZoom()) {
        e.layer.spiderfy();
      } else {
        e.layer.zoomToBounds();
      }
    });
    group.on("click", function (e) {
      if (e.layer && e.layer.rec) opts.pick(e.layer.rec, e.layer.getLatLng());
    });
    map.addLayer(group);

    var wanted = new Map();
    var inGroup = new Set();
    var pending = 0;

    // Bring the group in line with what the categories want, in one addLayers call: far
    // faster than one call per category while the map is first drawn.
    function flush() {
      var want = new Set();
      wanted.forEach(function (recs) {
        for (var i = 0; i < recs.length; i++) want.add(opts.pin(recs[i]));
      });
      var gone = [], fresh = [];
      inGroup.forEach(function (m) { if (!want.has(m)) gone.push(m); });
      want.forEach(function (m) { if (!inGroup.has(m)) fresh.push(m); });
      if (gone.length) group.removeLayers(gone);
      if (fresh.length) group.addLayers(fresh);
      inGroup = want;
    }

    return {
      layer: group,
      show: function (key, recs) {
        wanted.set(key, recs);
        if (!pending) flush();
      },
      batch: function (fn) {
        pending++;
        try { fn(); } finally { if (--pending === 0) flush(); }
      },
      reveal: function (rec, done) {
        var marker = rec.marker;
        if (!marker || !inGroup.has(marker)) {
          done(false);
          return;
        }
        group.zoomToShowLayer(marker, function () { done(true); });
      },
      busy: function () { return !!group._inZoomAnimation; },
    };
  }

  // ---- grid clustering ----------------------------------------------------------------------

  var CELL = 60;            // cell size in screen pixels
  var SPREAD_MAX = 150;     // larger stacks at one spot open a list popup instead
  var ROW = 4194304;        // 2^22 cells per row: more than the world has at zoom 18
  var MAX_LAT = 85.0511287798;

  // World pixel coordinates at zoom 0 (256 px world), the spherical Mercator Leaflet's
  // default EPSG:3857 CRS uses; at zoom z multiply by crs.scale(z) / 256.
  function worldX(lon) { return 256 * (lon / 360 + 0.5); }
  function worldY(lat) {
    var s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI / 180);
    return 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
  }

  // Points around `center` (layer pixels) for n pins: a ring for a few, else a spiral whose
  // turns stay a pin apart.
  function spreadPoints(center, n) {
    var pts = [];
    var i, angle;
    if (n <= 8) {
      var radius = Math.max(28, 30 * n / (2 * Math.PI));
      for (i = 0; i < n; i++) {
        angle = Math.PI / 6 + 2 * Math.PI * i / n;
        pts.push(center.add([radius * Math.cos(angle), radius * Math.sin(angle)]));
      }
      return pts;
    }
    var r = 22;
    angle = 0;
    for (i = 0; i < n; i++) {
      pts.push(center.add([r * Math.cos(angle), r * Math.sin(angle)]));
      angle += 30 / r;                      // ~30 px along the curve between pins
      r += 30 / (2 * Math.PI) * (30 / r);   // one pin's width further out per turn
    }
    return pts;
  }

  function gridCluster(map, opts) {
    var group = L.featureGroup().addTo(map);     // what is drawn for the current view
    var spread = L.featureGroup().addTo(map);    // legs and pins of a spread-out stack
    var wanted = new Map();
    var recs = [], xs = new Float64Array(0), ys = new Float64Array(0), cs = new Uint16Array(0);
    var ncats = opts.cats.length;
    var dirty = false, pending = 0;
    var spreading = null;                         // {key, zoom, marker, recs}

    function collect() {
      recs = [];
      wanted.forEach(function (list) {
        for (var i = 0; i < list.length; i++) recs.push(list[i]);
      });
      xs = new Float64Array(recs.length);
      ys = new Float64Array(recs.length);
      cs = new Uint16Array(recs.length);
      for (var i = 0; i < recs.length; i++) {
        var r = recs[i];
        cs[i] = r.c;
        if (r.wx === undefined) {
          r.wx = worldX(r.lon);
          r.wy = worldY(r.lat);
        }
        xs[i] = r.wx;
        ys[i] = r.wy;
      }
      dirty = false;
    }

    function cellKey(i, k) {
      return Math.floor(xs[i] * k / CELL) * ROW + Math.floor(ys[i] * k / CELL);
    }

    function scaleAt(zoom) { return map.options.crs.scale(zoom) / 256; }

    // Bin the points in (and just around) the view into cells; one pass, no allocation per
    // point beyond the first member of each cell.
    function bin(zoom) {
      var k = scaleAt(zoom);
      var view = map.getPixelBounds(map.getCenter(), zoom);
      // A margin around the view, so a short pan does not show empty ground until it ends.
      var size = view.getSize();
      var padX = Math.max(CELL, size.x / 4), padY = Math.max(CELL, size.y / 4);
      var x0 = (view.min.x - padX) / k, x1 = (view.max.x + padX) / k;
      var y0 = (view.min.y - padY) / k, y1 = (view.max.y + padY) / k;
      var cells = new Map();
      var list = [];
      for (var i = 0; i < xs.length; i++) {
        var x = xs[i], y = ys[i];
        if (x < x0 || x > x1 || y < y0 || y > y1) continue;
        var key = cellKey(i, k);
        var c = cells.get(key);
        if (c === undefined) {
          c = { key: key, n: 0, sx: 0, sy: 0, first: i, same: true, k: new Uint32Array(ncats) };
          cells.set(key, c);
          list.push(c);
        } else if (c.same) {
          c.same = recs[i].lat === recs[c.first].lat && recs[i].lon === recs[c.first].lon;
        }
        c.n++;
        c.k[cs[i]]++;
        c.sx += x;
        c.sy += y;
      }
      return { list: list, k: k };
    }

    function members(key, zoom) {
      var k = scaleAt(zoom);
      var out = [];
      for (var i = 0; i < xs.length; i++) if (cellKey(i, k) === key) out.push(recs[i]);
      return out;
    }

    // New points (a category toggled, the time filter moved) fold any spread-out stack.
    function sync() {
      if (!dirty) return;
      collect();
      collapse();
    }

    function draw() {
      // map._loaded: Leaflet's own flag for "the view is set"; before that there is no bounds.
      if (pending || !map._loaded) return;
      var zoom = map.getZoom();
      sync();
      if (spreading && spreading.zoom !== zoom) collapse();
      group.clearLayers();
      var binned = bin(zoom);
      binned.list.forEach(function (c) {
        if (c.n === 1) {
          var pin = opts.pin(recs[c.first]);
          pin.setLatLng([recs[c.first].lat, recs[c.first].lon]);
          group.addLayer(pin);
          return;
        }
        var at = c.same ? L.latLng(recs[c.first].lat, recs[c.first].lon)
          : map.unproject([c.sx / c.n * binned.k, c.sy / c.n * binned.k], zoom);
        var marker = L.marker(at, { icon: clusterIcon(c.n, c.k, opts.cats) });
        marker.cell = c;
        if (spreading && spreading.key === c.key) {
          marker.setOpacity(0.3);
          spreading.marker = marker;
        }
        group.addLayer(marker);
      });
    }

    function collapse() {
      if (!spreading) return;
      spread.clearLayers();
      spreading.recs.forEach(function (r) { r.marker.setLatLng([r.lat, r.lon]); });
      if (spreading.marker) spreading.marker.setOpacity(1);
      spreading = null;
    }

    function spreadOut(marker, list) {
      collapse();
      var center = map.latLngToLayerPoint(marker.getLatLng());
      var pts = spreadPoints(center, list.length);
      spreading = { key: marker.cell.key, zoom: map.getZoom(), marker: marker, recs: list };
      marker.setOpacity(0.3);
      list.forEach(function (r, i) {
        var at = map.layerPointToLatLng(pts[i]);
        spread.addLayer(L.polyline([marker.getLatLng(), at], {
          color: "#222", weight: 1.5, opacity: 0.5, interactive: false,
        }));
        var pin = opts.pin(r);
        pin.setLatLng(at);
        spread.addLayer(pin);
      });
    }

    function clusterClick(marker) {
      var zoom = map.getZoom();
      var list = members(marker.cell.key, zoom);
      if (marker.cell.same || zoom >= map.getMaxZoom()) {
        if (list.length > SPREAD_MAX) opts.list(list, marker.getLatLng());
        else spreadOut(marker, list);
        return;
      }
      var bounds = L.latLngBounds(list.map(function (r) { return [r.lat, r.lon]; }));
      // At least one level deeper, or the click would do nothing.
      var target = Math.min(map.getMaxZoom(), Math.max(zoom + 1, map.getBoundsZoom(bounds)));
      map.setView(bounds.getCenter(), target);
    }

    function onClick(e) {
      L.DomEvent.stop(e);
      if (e.layer.rec) opts.pick(e.layer.rec, e.layer.getLatLng());
      else if (e.layer.cell) clusterClick(e.layer);
    }
    group.on("click", onClick);
    spread.on("click", onClick);
    map.on("moveend", draw);
    map.on("click zoomstart", collapse);

    return {
      layer: group,
      show: function (key, list) {
        wanted.set(key, list);
        dirty = true;
        draw();
      },
      batch: function (fn) {
        pending++;
        try { fn(); } finally { if (--pending === 0) draw(); }
      },
      reveal: function (rec, done) {
        sync();
        var i = recs.indexOf(rec);
        if (i < 0) { done(false); return; }
        // The shallowest zoom, from the current one, where the record's cell holds nothing but
        // its own spot: then it is drawn alone, or in a stack that a click spreads out.
        var zoom = Math.max(map.getZoom(), 1), max = map.getMaxZoom();
        for (; zoom < max; zoom++) {
          var k = scaleAt(zoom), key = cellKey(i, k), apart = true;
          for (var j = 0; j < xs.length && apart; j++) {
            apart = cellKey(j, k) !== key || (recs[j].lat === rec.lat && recs[j].lon === rec.lon);
          }
          if (apart) break;
        }
        map.setView([rec.lat, rec.lon], zoom, { animate: false });
        if (!rec.marker || !group.hasLayer(rec.marker)) {
          // Still stacked at the deepest zoom: spread the stack.
          var home = cellKey(i, scaleAt(zoom));
          group.eachLayer(function (m) {
            if (m.cell && m.cell.key === home) clusterClick(m);
          });
        }
        done(true);
      },
      busy: function () { return false; },
    };
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.markerCluster = markerCluster;
  window.mapperUi.gridCluster = gridCluster;
})();
