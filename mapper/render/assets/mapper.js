/* mapper's incident map: draws the data embedded in #mapper-data with Leaflet.
 *
 * The data holds, per category, columns to draw with (place, severity, day, flow ends) and
 * details that only popups and search read (see mapper/render/data.py). In compact maps the
 * details sit gzipped in #mapper-details and are unpacked after the first draw.
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

  // One record per incident: what drawing and filtering need, read from the columns once.
  function makeRecords(data, areas) {
    var places = data.places;
    var all = [];
    var byCat = data.categories.map(function (cat, ci) {
      var cols = data.layers[cat.id];
      var o = cols.o || [], x = cols.x || [];
      var recs = new Array(cols.p.length);
      for (var i = 0; i < recs.length; i++) {
        var place = places[cols.p[i]];
        var rec = {
          c: ci, i: i, p: cols.p[i], s: cols.s[i] || 0, day: cols.day[i],
          o: o[i] === undefined ? null : o[i], x: x[i] === undefined ? null : x[i],
          lat: place[1], lon: place[2], area: areas.has(place[3]), marker: null, props: null,
        };
        recs[i] = rec;
        all.push(rec);
      }
      return recs;
    });
    return { all: all, byCat: byCat };
  }

  function start(data) {
    timings.data = performance.now();
    var cats = data.categories;
    var places = data.places;
    var compact = !!data.compact;
    var mapDiv = document.getElementById("mapper-map");
    // The view and filters from the URL hash (permalink.js); "bare" hides the controls.
    var state = window.mapperUi.permalink.read();
    if (state.bare) document.body.classList.add("mapper-bare");
    document.title = data.title || "Incident map";
    categoryStyles(cats);

    var map = L.map(mapDiv, {
      maxZoom: data.maxZoom, minZoom: 1, zoomControl: false, worldCopyJump: true,
      zoomSnap: state.bbox ? 0 : 1,  // a bounding box is shown exactly
    });
    map.createPane("mapper-basemap").style.zIndex = 150;
    map.createPane("mapper-flows").style.zIndex = 450;
    var basemap = JSON.parse(document.getElementById("mapper-basemap").textContent);
    var outlines = L.geoJSON(basemap, {
      pane: "mapper-basemap", interactive: false,
      style: { color: "#9a9a9a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 },
    });
    var baseLayers = {};
    (data.tiles || []).forEach(function (t) {
      baseLayers[asHtml(t.name)] = L.tileLayer(t.url, {
        // Credited while shown: linked when mapper knows the provider's sources.
        attribution: t.credits.length ? window.mapperUi.credits(t.credits) : asHtml(t.attribution),
        maxZoom: data.maxZoom, maxNativeZoom: t.maxZoom,
        r: "",
      });
    });
    baseLayers[asHtml("Country outlines (offline)")] = outlines;
    window.mapperUi.basemapLabels(map, basemap.labels, outlines);
    map.addLayer(baseLayers[Object.keys(baseLayers)[0]]);

    var areaRenderer = compact ? L.canvas({ padding: 0.3 }) : L.svg({ padding: 0.3 });
    var flowRenderer = L.svg({ pane: "mapper-flows" });

    var filter = { from: null, to: null, undated: true };
    function passes(rec) {
      if (rec.day === null) return filter.undated;
      return (filter.from === null || rec.day >= filter.from) &&
        (filter.to === null || rec.day <= filter.to);
    }

    // ---- details: popups and search read them; compact maps unpack them after the draw -----
    var details = data.details || null;
    var detailsLoaded = null;
    function loadDetails() {
      if (!detailsLoaded) {
        // Compact maps carry them gzipped in their own element, read only now.
        detailsLoaded = details ? Promise.resolve() : unpack(
          document.getElementById("mapper-details").textContent
        ).then(function (d) {
          details = d;
          timings.details = performance.now();
        });
      }
      return detailsLoaded;
    }

    // A record's properties as popups read them: the drawing columns plus its details row.
    function props(rec) {
      if (!rec.props && details) {
        var p = { p: rec.p, s: rec.s, o: rec.o, x: rec.x };
        var cols = details.layers[cats[rec.c].id] || {};
        Object.keys(cols).forEach(function (k) {
          var v = cols[k][rec.i];
          if (v !== null && v !== undefined) p[k] = v;
        });
        rec.props = p;
      }
      return rec.props || { p: rec.p, s: rec.s, o: rec.o, x: rec.x };
    }

    var popupUi = null;
    function showAt(latlng, recs) {
      if (!popupUi) {
        popupUi = window.mapperUi.popups({
          cats: cats, places: places, sources: details.sources, labels: data.factLabels,
          props: props, radiusKm: radiusKm,
        });
      }
      L.popup({ maxWidth: 380, minWidth: 260, maxHeight: 420, autoPanPadding: [30, 30] })
        .setLatLng(latlng).setContent(popupUi.list(recs)).openOn(map);
    }

    function openAt(latlng, recs) {
      loadDetails().then(function () { showAt(latlng, recs); });
    }

    // ---- pins and clustering ----------------------------------------------------------------
    var icons = {};
    function iconFor(cat, s) {
      var key = cat.id + "/" + s;
      if (!icons[key]) {
        var size = window.mapperUi.severity.pinSize[s] || 18;
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

    // Made when first drawn: a compact map never builds markers for pins nobody zooms to.
    function pin(rec) {
      if (!rec.marker) {
        var title = (details && props(rec).t) || places[rec.p][0];
        rec.marker = L.marker([rec.lat, rec.lon], {
          icon: iconFor(cats[rec.c], rec.s), title: title,
        });
        rec.marker.rec = rec;
      }
      return rec.marker;
    }

    var engine = window.mapperUi[compact ? "gridCluster" : "markerCluster"](map, {
      pin: pin,
      pick: function (rec, latlng) { openAt(latlng, [rec]); },
      list: function (recs, latlng) { openAt(latlng, recs); },
      maxZoom: data.maxZoom, cats: cats,
    });

    function radiusKm(place) {
      return Math.max(place[5] || 0, data.minAreaKm || 25);
    }

    // ---- per-category layers ----------------------------------------------------------------
    var CategoryLayer = L.Layer.extend({
      initialize: function (cat, recs) {
        this.cat = cat;
        this.recs = recs;
        this.shown = [];  // the records drawn as pins (or inside clusters) now
        this.areas = L.layerGroup();
        this.areaGroups = [];  // {lat, lon, m, s, recs} per place with areas shown
        this.flows = L.layerGroup();
      },
      onAdd: function (m) {
        this.refresh();
        m.addLayer(this.areas);
        m.addLayer(this.flows);
      },
      onRemove: function (m) {
        this.shown = [];
        engine.show(this.cat.id, this.shown);
        m.removeLayer(this.areas);
        m.removeLayer(this.flows);
      },
      visible: function () {
        return this.recs.filter(passes);
      },
      refresh: function () {
        var keep = this.visible();
        this.shown = keep.filter(function (r) { return !r.area; });
        engine.show(this.cat.id, this.shown);
        this.drawAreas(keep);
        this.drawFlows(keep);
      },
      // One circle per place, however many of the category's incidents it holds.
      drawAreas: function (keep) {
        var cat = this.cat;
        var byPlace = new Map();
        keep.forEach(function (r) {
          if (!r.area) return;
          if (!byPlace.has(r.p)) byPlace.set(r.p, []);
          byPlace.get(r.p).push(r);
        });
        this.areaGroups = [];
        var groups = this.areaGroups;
        byPlace.forEach(function (recs, p) {
          var place = places[p];
          var top = recs.reduce(function (m, r) { return Math.max(m, r.s); }, 0);
          groups.push({
            lat: place[1], lon: place[2], m: radiusKm(place) * 1000, s: top, recs: recs,
          });
        });
        this.areas.clearLayers();
        var style = {
          renderer: areaRenderer, color: cat.colour, fillColor: cat.colour,
          className: "mapper-area mapper-c-" + cat.id,
        };
        if (compact) {
          if (groups.length) {
            var set = new window.mapperUi.CircleSet(groups, style);
            this.areas.addLayer(set.on("click", areaClick));
          }
          return;
        }
        var layer = this.areas;
        groups.forEach(function (g) {
          var options = L.extend({ radius: g.m }, style, window.mapperUi.areaStyle(g.s));
          options.className += " mapper-s-" + g.s;
          var circle = L.circle([g.lat, g.lon], options);
          circle.on("click", areaClick);
          layer.addLayer(circle);
        });
      },
      drawFlows: function (keep) {
        var cat = this.cat;
        this.flows.clearLayers();
        var layer = this.flows;
        keep.forEach(function (r) {
          if (r.o === null || r.x === null) return;
          var line = L.polyline(arc(places[r.o], places[r.x]), {
            renderer: flowRenderer, color: cat.colour, weight: 2 + 0.5 * r.s,
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

    var records = makeRecords(data, new Set(data.areaPrecisions || []));
    var layers = [];
    var overlays = {};
    cats.forEach(function (cat, ci) {
      var layer = new CategoryLayer(cat, records.byCat[ci]);
      layers.push(layer);
      var icon = ICON_RE.test(cat.icon) ? cat.icon : "circle";
      var name = '<span class="mapper-legend-icon mapper-c-' + cat.id + '">' +
        '<i class="fa-solid fa-' + icon + '"></i></span>' +
        '<span class="mapper-label">' + asHtml(cat.label) + "</span>" +
        ' <span class="mapper-count">' + cat.count + "</span>";
      overlays[name] = layer;
    });

    // Every shown area under the click, of every category, in one popup.
    function areaClick(e) {
      L.DomEvent.stop(e);
      var hits = [];
      layers.forEach(function (layer) {
        if (!map.hasLayer(layer)) return;
        layer.areaGroups.forEach(function (g) {
          if (map.distance([g.lat, g.lon], e.latlng) <= g.m) hits = hits.concat(g.recs);
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
        layer.visible().forEach(function (r) { pts.push([r.lat, r.lon, 0.3 + 0.14 * r.s]); });
      });
      heat.setLatLngs(pts);
    }
    overlays[asHtml("Heat map")] = heat;
    map.on("overlayadd overlayremove", refreshHeat);

    function applyFilter() {
      engine.batch(function () {
        layers.forEach(function (layer) { if (map.hasLayer(layer)) layer.refresh(); });
      });
      refreshHeat();
    }

    // Search text, built at the first search: titles are details.
    function searchText(rec) {
      if (rec.text === undefined) {
        var place = places[rec.p];
        rec.text = ((props(rec).t || "") + " " + place[0] + " " + place[4]).toLowerCase();
      }
      return rec.text;
    }

    var ui = window.mapperUi.controls(map, data, {
      el: el, add: add, isoDay: isoDay, records: records.all, layers: layers, cats: cats,
      places: places, filter: filter, applyFilter: applyFilter, openAt: openAt,
      reveal: engine.reveal, loadDetails: loadDetails, props: props, searchText: searchText,
      radiusKm: radiusKm, baseLayers: baseLayers, overlays: overlays,
    });

    // Plain min/max: 100,000 LatLngBounds.extend calls would each allocate a LatLng.
    var south = 90, north = -90, west = 180, east = -180;
    function extend(lat, lon) {
      if (lat < south) south = lat;
      if (lat > north) north = lat;
      if (lon < west) west = lon;
      if (lon > east) east = lon;
    }
    records.all.forEach(function (r) {
      extend(r.lat, r.lon);
      if (r.o !== null) extend(places[r.o][1], places[r.o][2]);
    });
    var bounds = records.all.length ? L.latLngBounds([south, west], [north, east]) : null;
    // Keep incidents clear of the panels at the corners, within reason on small maps.
    var size = map.getSize();
    var padX = Math.min(260, size.x * 0.2), padY = Math.min(120, size.y * 0.2);
    if (ui.time && state.from !== null) ui.time.set(state.from, state.to, state.undated);
    else if (ui.time && state.undated !== null) ui.time.set(ui.time.lo, ui.time.hi, state.undated);
    if (state.bbox) {
      map.fitBounds(state.bbox);
      // A screenshot's window may be sized after the page loads: fit the box again then.
      map.on("resize", function () { map.fitBounds(state.bbox, { animate: false }); });
    } else if (state.view) map.setView([state.view.lat, state.view.lon], state.view.zoom);
    else if (bounds) {
      map.fitBounds(bounds, {
        paddingTopLeft: [padX, 40], paddingBottomRight: [padX, padY], maxZoom: 7,
      });
    }
    else map.setView([20, 0], 2);

    timings.records = performance.now();
    // Clustered in one batch: one pass over all markers rather than one per category.
    engine.batch(function () {
      layers.forEach(function (layer) {
        if (!state.cats || state.cats.indexOf(layer.cat.id) >= 0) map.addLayer(layer);
      });
    });
    timings.clustered = performance.now();

    // For tests and the bench: the map, its layers and what a record shows in its popup.
    window.mapper = {
      map: map, layers: layers, engine: engine, cluster: engine.layer, heat: heat, ready: false,
      timings: timings, loadDetails: loadDetails, props: props,
    };
    // Ready once the browser has painted the markers: two frames after they were added.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        timings.ready = performance.now();
        window.mapper.ready = true;
        document.body.setAttribute("data-mapper-ready", "1");
        window.mapperUi.permalink.watch(map, { layers: layers, filter: filter, time: ui.time });
        setTimeout(loadDetails, 50);
      });
    });
  }

  // Milliseconds since navigation at each stage, read by bench/bench_map.py.
  var timings = { script: performance.now() };
  start(JSON.parse(document.getElementById("mapper-data").textContent));
})();
