/* mapper's map controls: summary, search, layers with the legend, incident list, time filter.
 *
 * Loaded before mapper.js, which calls window.mapperUi.controls(map, data, ctx). Text goes
 * into the page with textContent only.
 */
(function () {
  "use strict";

  function panel(position, cls, build) {
    var Ctl = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var div = L.DomUtil.create("div", "leaflet-control mapper-panel " + cls);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        build(div);
        return div;
      },
    });
    return new Ctl();
  }

  function summary(map, data, ctx) {
    var el = ctx.el, add = ctx.add, s = data.summary;
    panel("topleft", "mapper-summary", function (div) {
      div.id = "mapper-summary";
      add(div, el("h1", "mapper-title", data.title || "Incident map"));
      if (data.subtitle) add(div, el("p", "mapper-subtitle", data.subtitle));
      var facts = s.incidents + (s.incidents === 1 ? " incident" : " incidents") + " from " +
        s.articles + (s.articles === 1 ? " article" : " articles");
      add(div, el("p", null, facts));
      if (s.from) {
        add(div, el("p", null, s.from === s.to ? "Date: " + s.from : "Dates: " + s.from +
          " \u2013 " + s.to));
      }
      if (s.asOf) add(div, el("p", "mapper-asof", "Data as of " + s.asOf));
      if (data.source) add(div, el("p", "mapper-source", "Source: " + data.source));
      if (s.generated) add(div, el("p", "mapper-generated", "Generated " + s.generated));
    }).addTo(map);
  }

  // Show one incident: its pin revealed from its cluster, or its area fitted, then its popup.
  function showRecord(map, ctx, rec) {
    var layer = ctx.layers[rec.c];
    if (!map.hasLayer(layer)) map.addLayer(layer);
    if (!rec.area && layer.shown.indexOf(rec) >= 0) {
      ctx.reveal(rec, function () {
        ctx.openAt(rec.marker ? rec.marker.getLatLng() : [rec.lat, rec.lon], [rec]);
      });
    } else {
      var radius = rec.area ? ctx.radiusKm(ctx.places[rec.p]) * 1000 : 20000;
      map.fitBounds(L.latLng(rec.lat, rec.lon).toBounds(radius * 2.2));
      ctx.openAt([rec.lat, rec.lon], [rec]);
    }
  }

  function search(map, ctx) {
    var el = ctx.el, add = ctx.add;
    panel("topleft", "mapper-search", function (div) {
      var input = add(div, el("input"));
      input.type = "search";
      input.placeholder = "Search places and titles";
      input.setAttribute("aria-label", "Search places and titles");
      var list = add(div, el("ul", "mapper-results"));
      var found = [];
      var timer = null;
      function show(rec) {
        showRecord(map, ctx, rec);
      }
      function run() {
        list.textContent = "";
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        found = [];
        if (!words.length || input.value.trim().length < 2) return;
        for (var i = 0; i < ctx.records.length && found.length < 12; i++) {
          var text = ctx.searchText(ctx.records[i]);
          var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
          if (hit) found.push(ctx.records[i]);
        }
        if (!found.length) add(list, el("li", "mapper-noresult", "No match"));
        found.forEach(function (r) {
          var p = ctx.props(r);
          var item = add(list, el("li"));
          var button = add(item, el("button", null, (p.t || "Untitled") + " \u2014 " +
            ctx.places[r.p][0] + (p.d ? " (" + p.d + ")" : "")));
          button.type = "button";
          L.DomEvent.on(button, "click", function () { show(r); });
        });
      }
      // Titles are details: a compact map may still be unpacking them.
      L.DomEvent.on(input, "input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { ctx.loadDetails().then(run); }, 150);
      });
      L.DomEvent.on(input, "keydown", function (e) {
        if (e.key === "Enter" && found.length) show(found[0]);
      });
    }).addTo(map);
  }

  // The date sliders and, from timeline.js, a histogram of incidents per day that filters too.
  // Returns {lo, hi, set(from, to, undated)} (day numbers), or null when nothing is dated.
  function timeFilter(map, ctx, narrow) {
    var el = ctx.el, add = ctx.add, f = ctx.filter;
    var days = ctx.records.map(function (r) { return r.day; })
      .filter(function (d) { return d !== null; });
    if (!days.length) return null;
    // A loop, not Math.min.apply: 100,000 arguments overflow the call stack.
    var lo = days[0], hi = days[0];
    days.forEach(function (d) {
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    });
    var undated = ctx.records.length - days.length;
    var api = { lo: lo, hi: hi, set: null };
    panel("bottomleft", "mapper-time", function (div) {
      div.id = "mapper-time";
      // Open on a wide map, one line on a phone.
      var box = add(div, el("details", "mapper-time-box"));
      box.open = !narrow;
      var head = add(box, el("summary"));
      add(head, el("strong", null, "Dates"));
      var label = add(head, el("span", "mapper-time-label"));
      var chart = window.mapperUi.timeline ? window.mapperUi.timeline(box, {
        records: ctx.records, lo: lo, hi: hi, isoDay: ctx.isoDay,
        shown: function (rec) { return map.hasLayer(ctx.layers[rec.c]); },
        pick: function (a, b) { set(a, b, null); apply(); },
      }) : null;
      function slider(value, name) {
        var input = add(box, el("input"));
        input.type = "range";
        input.min = String(lo);
        input.max = String(hi);
        input.step = "1";
        input.value = String(value);
        input.setAttribute("aria-label", name);
        input.disabled = lo === hi;
        return input;
      }
      var from = slider(lo, "From date");
      var to = slider(hi, "To date");
      var row = add(box, el("div", "mapper-time-row"));
      var check = null;
      if (undated) {
        var wrap = add(row, el("label", "mapper-undated"));
        check = add(wrap, el("input"));
        check.type = "checkbox";
        check.checked = true;
        add(wrap, " undated (" + undated + ")");
      }
      var all = add(row, el("button", "mapper-time-all", "All dates"));
      all.type = "button";
      var timer = null;
      function update(moved) {
        var a = +from.value, b = +to.value;
        if (a > b) {
          if (moved === from) to.value = String(a);
          else from.value = String(b);
        }
        f.from = +from.value;
        f.to = +to.value;
        f.undated = check ? check.checked : true;
        label.textContent = " " + ctx.isoDay(f.from) + " \u2013 " + ctx.isoDay(f.to);
        all.disabled = f.from === lo && f.to === hi && f.undated;
        if (chart) chart.mark(f.from, f.to);
      }
      // Sets the range (clamped) without redrawing the map; undated null leaves it as is.
      function set(a, b, withUndated) {
        from.value = String(Math.max(lo, Math.min(hi, a)));
        to.value = String(Math.max(lo, Math.min(hi, b)));
        if (check && withUndated !== null && withUndated !== undefined) {
          check.checked = !!withUndated;
        }
        update(null);
      }
      function apply() {
        ctx.applyFilter();
        map.fire("mapperfilter");
      }
      [from, to, check].forEach(function (input) {
        if (!input) return;
        L.DomEvent.on(input, "input change", function () {
          update(input);
          clearTimeout(timer);
          timer = setTimeout(apply, 120);
        });
      });
      L.DomEvent.on(all, "click", function () { set(lo, hi, true); apply(); });
      if (chart) map.on("overlayadd overlayremove", chart.count);
      update(null);
      api.set = set;
    }).addTo(map);
    return api;
  }

  // The layer control is the legend too: each category once, with its icon, colour and count,
  // then the key to the symbols. Below 600 px it collapses into one toggle button.
  function layersAndLegend(map, ctx, narrow) {
    var el = ctx.el, add = ctx.add;
    // Not Leaflet's collapsed mode, which opens on hover: phones have none, and a pointer
    // that crosses the toggle should not cover the map.
    var control = L.control.layers(ctx.baseLayers, ctx.overlays, {
      collapsed: false, position: "topright",
    }).addTo(map);
    var box = control.getContainer();
    box.id = "mapper-legend";
    box.classList.add("mapper-legend");
    var link = box.querySelector(".leaflet-control-layers-toggle");
    link.title = "Layers and legend";
    link.setAttribute("aria-label", "Layers and legend");
    var section = box.querySelector(".leaflet-control-layers-list");
    section.insertBefore(el("h2", "mapper-legend-head", "Layers and legend"), section.firstChild);
    var keys = add(section, el("ul", "mapper-keys"));
    [["mapper-key-pin", "pin: exact place (city or point)"],
      ["mapper-key-area", "circle: area (admin region, country, region)"],
      ["mapper-key-flow", "arrow: from origin to destination"],
      ["mapper-key-size", "bigger, darker: more severe (0\u20135)"]].forEach(function (k) {
      var item = add(keys, el("li"));
      add(item, el("span", "mapper-key " + k[0]));
      add(item, k[1]);
    });
    if (narrow) {
      // A tap on the toggle opens it (Leaflet's handler); the map or the close button closes.
      control.collapse();
      map.on("click", function () { control.collapse(); });
      var close = section.insertBefore(el("button", "mapper-close", "\u00d7"), section.firstChild);
      close.type = "button";
      close.setAttribute("aria-label", "Close layers and legend");
      L.DomEvent.on(close, "click", function (e) {
        L.DomEvent.stop(e);
        control.collapse();
      });
    }
    return control;
  }
  // Leaflet's attribution control takes HTML: build it from DOM nodes, so names stay text and
  // only http(s) addresses become links. Each credit: {name, url, license, licenseUrl}.
  function credits(list) {
    var box = document.createElement("span");
    function text(value) {
      box.appendChild(document.createTextNode(String(value)));
    }
    function link(label, url) {
      var ok = typeof url === "string" && /^https?:\/\//.test(url);
      var node = document.createElement(ok ? "a" : "span");
      node.textContent = String(label);
      if (ok) {
        node.href = url;
        node.target = "_blank";
        node.rel = "noopener noreferrer";
      }
      box.appendChild(node);
    }
    (list || []).forEach(function (c, i) {
      if (i) text(" | ");
      link(c.name, c.url);
      text(" (");
      link(c.license, c.licenseUrl);
      text(")");
    });
    return box.innerHTML;
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.credits = credits;
  window.mapperUi.controls = function (map, data, ctx) {
    // The sources of every place and outline, always shown (see mapper/attribution.py).
    map.attributionControl.addAttribution(credits(data.attribution));
    summary(map, data, ctx);
    L.control.zoom({ position: "topleft" }).addTo(map);
    new L.Control.FullScreen({ position: "topleft", forceSeparateButton: true }).addTo(map);
    search(map, ctx);
    // Narrow maps (phones, small embeds) fold the bulky panels away.
    var narrow = map.getSize().x < 600;
    document.body.classList.toggle("mapper-narrow", narrow);
    var layers = layersAndLegend(map, ctx, narrow);
    if (window.mapperUi.incidentList) {
      // On a phone under the search box: beside the title it would overlap it.
      window.mapperUi.incidentList(map, ctx, function (rec) { showRecord(map, ctx, rec); },
        narrow ? "topleft" : "topright");
    }
    L.control.scale({ position: "bottomleft" }).addTo(map);
    var time = timeFilter(map, ctx, narrow);
    // Credits that wrap across the bottom of a small map would cover the date panel and the
    // scale: lift those above them.
    var lift = function () {
      var credits = map.attributionControl.getContainer();
      var corner = map.getContainer().querySelector(".leaflet-bottom.leaflet-left");
      if (!corner) return;
      corner.style.bottom = "";
      var under = credits.getBoundingClientRect().left < corner.getBoundingClientRect().right + 10;
      corner.style.bottom = narrow || under ? credits.offsetHeight + "px" : "";
    };
    map.on("resize baselayerchange", lift);
    var box = map.getContainer().querySelector(".mapper-time-box");
    if (box) box.addEventListener("toggle", lift);
    lift();
    return { time: time, layers: layers, narrow: narrow };
  };
})();
