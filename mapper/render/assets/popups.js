/* mapper's popups: an incident's details as DOM nodes, all text set with textContent.
 *
 * Loaded before mapper.js, which calls window.mapperUi.popups(ctx) once the details are loaded:
 * ctx gives the categories, places, sources, fact labels, props(rec) (a record's merged
 * columns) and radiusKm(place).
 */
(function () {
  "use strict";

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

  function safeHref(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // Text with every occurrence of `name` wrapped in <mark>, built from text nodes.
  function highlighted(parent, text, name) {
    var hay = text.toLowerCase();
    var needle = (name || "").toLowerCase();
    if (!needle || hay.length !== text.length) {
      hay = text;
      needle = name || "";
    }
    var at = 0;
    var found = needle ? hay.indexOf(needle) : -1;
    while (found >= 0) {
      add(parent, text.slice(at, found));
      add(parent, el("mark", null, text.slice(found, found + needle.length)));
      at = found + needle.length;
      found = hay.indexOf(needle, at);
    }
    add(parent, text.slice(at));
    return parent;
  }

  function popups(ctx) {
    var cats = ctx.cats;
    var places = ctx.places;
    var sources = ctx.sources;
    var labels = ctx.labels;
    var radiusKm = ctx.radiusKm;

    function fmt(v) {
      return typeof v === "number" ? v.toLocaleString("en-US") : String(v);
    }

    function popupBody(rec) {
      var p = ctx.props(rec);
      var cat = cats[rec.c];
      var place = places[p.p];
      var root = el("div", "mapper-popup");
      add(root, el("h3", "mapper-popup-title", p.t || "Untitled incident"));
      var meta = add(root, el("p", "mapper-meta"));
      add(meta, el("span", "mapper-badge mapper-c-" + cat.id, cat.label));
      add(meta, " " + (p.d || "date not reported"));
      if (p.n) add(meta, el("span", "mapper-new", "new"));
      var sev = add(root, el("p", "mapper-severity"));
      add(sev, el("strong", null, "Severity: "));
      add(sev, p.s ? p.s + "/5" : "unknown");
      if (p.r) add(sev, " \u2014 " + p.r);
      var facts = p.f || {};
      var keys = Object.keys(labels).filter(function (k) { return facts[k] != null; });
      if (keys.length) {
        var table = add(root, el("table", "mapper-facts"));
        keys.forEach(function (k) {
          var row = add(table, el("tr"));
          add(row, el("th", null, labels[k]));
          add(row, el("td", null, fmt(facts[k])));
        });
      } else {
        add(root, el("p", "mapper-nofacts", "No figures reported."));
      }
      if (p.e) highlighted(add(root, el("blockquote", "mapper-evidence")), p.e, place[0]);
      var where = add(root, el("p", "mapper-place"));
      add(where, el("strong", null, "Place: "));
      add(where, place[0] + (place[4] ? " (" + place[4] + ")" : ""));
      var how = " \u00b7 precision: " + place[3];
      if (rec.area) how += ", drawn as an area of radius " + Math.round(radiusKm(place)) + " km";
      add(where, how);
      if (p.w) {
        add(where, el("br"));
        add(where, "Why this place: " + p.w);
      }
      if (p.o != null && p.x != null) {
        add(root, el("p", "mapper-flowtext", "Flow: " + places[p.o][0] + " \u2192 " +
          places[p.x][0]));
      }
      if (p.fs && p.ls && p.fs !== p.ls) {
        add(root, el("p", "mapper-seen", "Reported from " + p.fs + " to " + p.ls));
      }
      var srcs = p.src || [];
      if (srcs.length) {
        add(root, el("h4", null, srcs.length === 1 ? "Source" : "Sources (" + srcs.length + ")"));
        var list = add(root, el("ul", "mapper-sources"));
        srcs.forEach(function (i) {
          var s = sources[i];
          var item = add(list, el("li"));
          var text = s[0] || s[2] || s[1] || "untitled";
          var href = safeHref(s[1]);
          if (href) {
            var a = add(item, el("a", null, text));
            a.href = href;
            a.target = "_blank";
            a.rel = "noopener noreferrer";
          } else {
            add(item, el("span", null, text));
          }
          var extra = [s[0] ? s[2] : "", s[3]].filter(Boolean).join(", ");
          if (extra) add(item, " \u2014 " + extra);
        });
      }
      add(root, el("p", "mapper-id", "id " + p.id));
      return root;
    }

    function listBody(recs) {
      if (recs.length === 1) return popupBody(recs[0]);
      var root = el("div", "mapper-popup mapper-popup-list");
      add(root, el("h3", "mapper-popup-title", recs.length + " incidents here"));
      recs.slice(0, 100).forEach(function (rec) {
        var item = add(root, el("details"));
        var p = ctx.props(rec);
        var label = (p.t || "Untitled incident") + (p.d ? " (" + p.d + ")" : "");
        add(item, el("summary", null, label));
        add(item, popupBody(rec));
      });
      if (recs.length > 100) add(root, el("p", null, "and " + (recs.length - 100) + " more"));
      return root;
    }

    return { one: popupBody, list: listBody };
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.popups = popups;
})();
