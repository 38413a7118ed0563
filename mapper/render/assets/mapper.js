/* mapper's incident map: draws the data embedded in #mapper-data with Leaflet.
 *
 * Every string from an article is put into the page with textContent (or as an attribute
 * through the DOM), never parsed as HTML. Links are made only for http(s) URLs.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var ID_RE = /^[a-z][a-z0-9_]*$/;
  var COLOUR_RE = /^#[0-9a-fA-F]{6}$/;
  var ICON_RE = /^[a-z0-9-]+$/;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(parent, child) {
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    return child;
  }

  // Leaflet's layer control and attribution insert names as HTML: give them escaped text.
  function asHtml(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span.innerHTML;
  }

  function dayOf(date) {
    if (typeof date !== "string") return null;
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date);
    if (!m) return null;
    var t = Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1);
    return isNaN(t) ? null : Math.floor(t / DAY);
  }

  function isoDay(day) {
    return new Date(day * DAY).toISOString().slice(0, 10);
  }

  function unpack(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function categoryStyles(cats) {
    var rules = [];
    cats.forEach(function (c) {
      if (!ID_RE.test(c.id) || !COLOUR_RE.test(c.colour)) return;
      rules.push(".mapper-c-" + c.id + "{--mapper-colour:" + c.colour + "}");
    });
    var style = el("style");
    style.textContent = rules.join("\n");
    document.head.appendChild(style);
  }

  function start(data, body) {
    timings.data = performance.now();
    var cats = data.categories;
    var places = body.places;
    var compact = !!data.compact;
    var mapDiv = document.getElementById("mapper-map");
    if (data.size) {
      mapDiv.style.width = data.size[0] + "px";
      mapDiv.style.height = data.size[1] + "px";
    }
    document.title = data.title || "Incident map";
    categoryStyles(cats);

    var map = L.map(mapDiv, {
      maxZoom: data.maxZoom, minZoom: 1, zoomControl: false, worldCopyJump: true,
    });
    map.createPane("mapper-basemap").style.zIndex = 150;
    map.createPane("mapper-flows").style.zIndex = 450;
    var basemap = JSON.parse(document.getElementById("mapper-basemap").textContent);
    var outlines = L.geoJSON(basemap, {
      pane: "mapper-basemap", interactive: false, attribution: "Outlines: Natural Earth",
      style: { color: "#9a9a9a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 },
    });
    var baseLayers = {};
    (data.tiles || []).forEach(function (t) {
      baseLayers[asHtml(t.name)] = L.tileLayer(t.url, {
        attribution: asHtml(t.attribution), maxZoom: data.maxZoom, maxNativeZoom: t.maxZoom,
        r: "",
      });
    });
    baseLayers[asHtml("Country outlines (offline)")] = outlines;
    map.addLayer(baseLayers[Object.keys(baseLayers)[0]]);

    var areaRenderer = compact ? L.canvas({ padding: 0.3 }) : L.svg({ padding: 0.3 });
    var flowRenderer = L.svg({ pane: "mapper-flows" });
    var cluster = L.markerClusterGroup({
      maxClusterRadius: 45, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
      animate: !compact, removeOutsideVisibleBounds: true, zoomToBoundsOnClick: false,
    });
    // Incidents at one spot never separate by zooming: spread them at once (no jitter).
    cluster.on("clusterclick", function (e) {
      var b = e.layer.getBounds();
      if (b.getNorthEast().equals(b.getSouthWest()) || map.getZoom() >= map.getMaxZoom()) {
        e.layer.spiderfy();
      } else {
        e.layer.zoomToBounds();
      }
    });
    map.addLayer(cluster);

    var filter = { from: null, to: null, undated: true };
    function passes(rec) {
      if (rec.day === null) return filter.undated;
      return (filter.from === null || rec.day >= filter.from) &&
        (filter.to === null || rec.day <= filter.to);
    }

    var popups = window.mapperUi.popups(data, body, radiusKm);
    var popupBody = popups.one;
    var listBody = popups.list;

    // In compact maps popup-only properties arrive after the first draw (see data.py).
    // Unpacked once, after the first draw or at the first popup, whichever comes first.
    var details = null;
    function loadDetails() {
      if (!details) {
        details = data.details ? unpack(data.details).then(function (extra) {
          layers.forEach(function (layer) {
            var rows = extra[layer.cat.id] || [];
            layer.recs.forEach(function (rec, i) { Object.assign(rec.props, rows[i]); });
          });
        }) : Promise.resolve();
      }
      return details;
    }

    function openAt(latlng, recs) {
      loadDetails().then(function () { showAt(latlng, recs); });
    }

    function showAt(latlng, recs) {
      L.popup({ maxWidth: 380, minWidth: 260, maxHeight: 420, autoPanPadding: [30, 30] })
        .setLatLng(latlng).setContent(listBody(recs)).openOn(map);
    }

    // ---- records and per-category layers --------------------------------------------------
    var icons = {};
    function iconFor(cat, s) {
      var key = cat.id + "/" + s;
      if (!icons[key]) {
        var size = 20 + 3 * s;
        var icon = ICON_RE.test(cat.icon) ? cat.icon : "circle";
        icons[key] = L.divIcon({
          className: "mapper-pin mapper-c-" + cat.id + " mapper-s-" + s,
          html: '<div class="mapper-pin-body"><i class="fa-solid fa-' + icon + '"></i></div>',
          iconSize: [size, size],
          iconAnchor: [size / 2, size / 2 + 0.71 * size],
        });
      }
      return icons[key];
    }

    function radiusKm(place) {
      return Math.max(place[5] || 0, data.minAreaKm || 25);
    }

    var AREAS = { admin1: 1, country: 1, region: 1 };
    var records = [];
    var CategoryLayer = L.Layer.extend({
      initialize: function (cat, recs) {
        this.cat = cat;
        this.recs = recs;
        this.shown = [];
        this.areas = L.layerGroup();
        this.flows = L.layerGroup();
      },
      onAdd: function (m) {
        if (initial) initial.push(this);
        else this.refresh();
        m.addLayer(this.areas);
        m.addLayer(this.flows);
      },
      onRemove: function (m) {
        cluster.removeLayers(this.shown);
        this.shown = [];
        m.removeLayer(this.areas);
        m.removeLayer(this.flows);
      },
      visible: function () {
        return this.recs.filter(passes);
      },
      refresh: function () {
        var keep = this.visible();
        var markers = keep.filter(function (r) { return r.marker; })
          .map(function (r) { return r.marker; });
        var want = new Set(markers);
        var had = new Set(this.shown);
        cluster.removeLayers(this.shown.filter(function (m) { return !want.has(m); }));
        cluster.addLayers(markers.filter(function (m) { return !had.has(m); }));
        this.shown = markers;
        this.drawAreas(keep);
        this.drawFlows(keep);
      },
      drawAreas: function (keep) {
        var cat = this.cat;
        var groups = new Map();
        keep.forEach(function (r) {
          if (!r.area) return;
          if (!groups.has(r.props.p)) groups.set(r.props.p, []);
          groups.get(r.props.p).push(r);
        });
        this.areas.clearLayers();
        var layer = this.areas;
        groups.forEach(function (recs, p) {
          var place = places[p];
          var top = recs.reduce(function (m, r) { return Math.max(m, r.props.s || 0); }, 0);
          var circle = L.circle([place[1], place[2]], {
            radius: radiusKm(place) * 1000, renderer: areaRenderer, color: cat.colour,
            weight: 1.5, dashArray: "6 4", fillColor: cat.colour, fillOpacity: 0.08 + 0.05 * top,
            className: "mapper-area mapper-c-" + cat.id,
          });
          circle.recs = recs;
          circle.on("click", areaClick);
          layer.addLayer(circle);
        });
      },
      drawFlows: function (keep) {
        var cat = this.cat;
        this.flows.clearLayers();
        var layer = this.flows;
        keep.forEach(function (r) {
          if (r.props.o == null || r.props.x == null) return;
          var line = L.polyline(arc(places[r.props.o], places[r.props.x]), {
            renderer: flowRenderer, color: cat.colour, weight: 2 + 0.5 * (r.props.s || 0),
            opacity: 0.9, className: "mapper-flow mapper-c-" + cat.id,
          });
          line.on("add", function () { arrowHead(line, cat); });
          line.on("click", function (e) { L.DomEvent.stop(e); openAt(e.latlng, [r]); });
          layer.addLayer(line);
        });
      },
    });

    // A gentle arc from origin to destination, so opposite flows do not overlap.
    function arc(a, b) {
      var lat1 = a[1], lon1 = a[2], lat2 = b[1], lon2 = b[2];
      if (lon2 - lon1 > 180) lon2 -= 360;
      if (lon1 - lon2 > 180) lon2 += 360;
      var mlat = (lat1 + lat2) / 2 - (lon2 - lon1) * 0.15;
      var mlon = (lon1 + lon2) / 2 + (lat2 - lat1) * 0.15;
      var pts = [];
      for (var i = 0; i <= 24; i++) {
        var t = i / 24, u = 1 - t;
        pts.push([u * u * lat1 + 2 * u * t * mlat + t * t * lat2,
          u * u * lon1 + 2 * u * t * mlon + t * t * lon2]);
      }
      return pts;
    }

    var SVG = "http://www.w3.org/2000/svg";
    function arrowHead(line, cat) {
      var svg = line._path && line._path.ownerSVGElement;
      if (!svg) return;
      var id = "mapper-arrow-" + cat.id;
      if (!svg.querySelector("#" + id)) {
        var defs = svg.querySelector("defs") || svg.insertBefore(
          document.createElementNS(SVG, "defs"), svg.firstChild);
        var marker = document.createElementNS(SVG, "marker");
        [["id", id], ["viewBox", "0 0 10 10"], ["refX", "8"], ["refY", "5"],
          ["markerWidth", "5"], ["markerHeight", "5"], ["orient", "auto-start-reverse"]]
          .forEach(function (kv) { marker.setAttribute(kv[0], kv[1]); });
        var head = document.createElementNS(SVG, "path");
        head.setAttribute("d", "M0,0 L10,5 L0,10 z");
        head.setAttribute("fill", cat.colour);
        marker.appendChild(head);
        defs.appendChild(marker);
      }
      line._path.setAttribute("marker-end", "url(#" + id + ")");
    }

    var layers = [];
    var overlays = {};
    // While the map is first drawn, layers are collected and clustered in one batch: one
    // addLayers call over all markers is far faster than one per category.
    var initial = [];
    cats.forEach(function (cat, ci) {
      var recs = body.layers[cat.id].features.map(function (f) {
        var place = places[f.properties.p];
        var rec = {
          c: ci, props: f.properties, lat: f.geometry.coordinates[1],
          lon: f.geometry.coordinates[0], day: dayOf(f.properties.d),
          area: !!AREAS[place[3]], marker: null,
          text: ((f.properties.t || "") + " " + place[0] + " " + place[4]).toLowerCase(),
        };
        if (!rec.area) {
          rec.marker = L.marker([rec.lat, rec.lon], {
            icon: iconFor(cat, f.properties.s || 0), title: f.properties.t || place[0],
          });
          rec.marker.rec = rec;
        }
        records.push(rec);
        return rec;
      });
      var layer = new CategoryLayer(cat, recs);
      layers.push(layer);
      var name = '<span class="mapper-swatch mapper-c-' + cat.id + '"></span>' +
        '<span class="mapper-label">' + asHtml(cat.label) + "</span>" +
        ' <span class="mapper-count">' + cat.count + "</span>";
      overlays[name] = layer;
    });

    cluster.on("click", function (e) {
      if (e.layer && e.layer.rec) openAt(e.layer.getLatLng(), [e.layer.rec]);
    });

    function areaClick(e) {
      L.DomEvent.stop(e);
      var hits = [];
      layers.forEach(function (layer) {
        if (!map.hasLayer(layer)) return;
        layer.areas.eachLayer(function (c) {
          if (map.distance(c.getLatLng(), e.latlng) <= c.getRadius()) {
            hits = hits.concat(c.recs);
          }
        });
      });
      if (hits.length) openAt(e.latlng, hits);
    }

    var heat = L.heatLayer([], { radius: 20, blur: 16, maxZoom: 9, minOpacity: 0.3 });
    function refreshHeat() {
      if (!map.hasLayer(heat)) return;
      var pts = [];
      layers.forEach(function (layer) {
        if (!map.hasLayer(layer)) return;
        layer.visible().forEach(function (r) {
          pts.push([r.lat, r.lon, 0.3 + 0.14 * (r.props.s || 0)]);
        });
      });
      heat.setLatLngs(pts);
    }
    overlays[asHtml("Heat map")] = heat;
    map.on("overlayadd overlayremove", refreshHeat);

    function applyFilter() {
      layers.forEach(function (layer) { if (map.hasLayer(layer)) layer.refresh(); });
      refreshHeat();
    }

    window.mapperUi.controls(map, data, {
      el: el, add: add, isoDay: isoDay, records: records, layers: layers, cats: cats,
      places: places, filter: filter, applyFilter: applyFilter, openAt: openAt,
      cluster: cluster, radiusKm: radiusKm, baseLayers: baseLayers, overlays: overlays,
    });

    var bounds = L.latLngBounds([]);
    records.forEach(function (r) {
      bounds.extend([r.lat, r.lon]);
      if (r.props.o != null) bounds.extend([places[r.props.o][1], places[r.props.o][2]]);
    });
    // Keep incidents clear of the panels at the corners, within reason on small maps.
    var size = map.getSize();
    var padX = Math.min(260, size.x * 0.2), padY = Math.min(120, size.y * 0.2);
    if (bounds.isValid()) {
      map.fitBounds(bounds, {
        paddingTopLeft: [padX, 40], paddingBottomRight: [padX, padY], maxZoom: 7,
      });
    }
    else map.setView([20, 0], 2);

    timings.records = performance.now();
    layers.forEach(function (layer) { map.addLayer(layer); });
    var all = [];
    initial.forEach(function (layer) {
      var keep = layer.visible();
      layer.shown = keep.filter(function (r) { return r.marker; })
        .map(function (r) { return r.marker; });
      for (var i = 0; i < layer.shown.length; i++) all.push(layer.shown[i]);
      layer.drawAreas(keep);
      layer.drawFlows(keep);
    });
    initial = null;
    cluster.addLayers(all);
    timings.clustered = performance.now();

    window.mapper = {
      map: map, layers: layers, cluster: cluster, heat: heat, ready: false, timings: timings,
    };
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        timings.ready = performance.now();
        window.mapper.ready = true;
        document.body.setAttribute("data-mapper-ready", "1");
        setTimeout(loadDetails, 50);
      });
    });
  }

  // Milliseconds since navigation at each stage, read by bench/bench_map.py.
  var timings = { script: performance.now() };
  var data = JSON.parse(document.getElementById("mapper-data").textContent);
  if (data.packed) {
    unpack(data.packed).then(function (body) { start(data, body); });
  } else {
    start(data, data);
  }
})();
