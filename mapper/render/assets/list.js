/* mapper's incident list: the incidents the map shows, most severe first, then newest.
 *
 * Loaded before controls.js, which calls window.mapperUi.incidentList(map, ctx, show, position). The
 * list is collapsed until opened and built only then (titles are details, which a compact map
 * unpacks after its first draw). It follows the map: rows of hidden categories and of dates
 * outside the time filter leave the list; a click on a row opens that incident's popup.
 * Text goes into the page with textContent only.
 */
(function () {
  "use strict";

  // Rows drawn at once; the rest are counted, so 100,000 incidents stay one quick list.
  var MAX_ROWS = 200;

  function byImportance(a, b) {
    if (a.s !== b.s) return b.s - a.s;
    var da = a.day === null ? -Infinity : a.day, db = b.day === null ? -Infinity : b.day;
    if (da !== db) return db - da;
    if (a.c !== b.c) return a.c - b.c;
    return a.i - b.i;
  }

  function incidentList(map, ctx, show, position) {
    var el = ctx.el, add = ctx.add;
    var sorted = null;  // every record, in list order: sorted once, at the first opening
    var box = null, body = null;

    function visible() {
      var on = ctx.layers.map(function (layer) { return map.hasLayer(layer); });
      var kept = new Set();
      ctx.layers.forEach(function (layer, ci) {
        if (on[ci]) layer.visible().forEach(function (r) { kept.add(r); });
      });
      return sorted.filter(function (r) { return kept.has(r); });
    }

    function row(rec) {
      var p = ctx.props(rec);
      var cat = ctx.cats[rec.c];
      var item = el("li", "mapper-list-row");
      var button = add(item, el("button"));
      button.type = "button";
      add(button, el("span", "mapper-list-sev mapper-c-" + cat.id, String(rec.s)));
      var text = add(button, el("span", "mapper-list-text"));
      add(text, el("span", "mapper-list-title", p.t || "Untitled incident"));
      add(text, el("span", "mapper-list-meta", ctx.places[rec.p][0] + " \u00b7 " +
        (p.d || "undated") + " \u00b7 " + cat.label));
      button.setAttribute("aria-label", "Severity " + rec.s + ": " + (p.t || "Untitled incident"));
      L.DomEvent.on(button, "click", function () { show(rec); });
      return item;
    }

    function shownCount() {
      var n = 0;
      ctx.layers.forEach(function (layer) {
        if (map.hasLayer(layer)) n += layer.visible().length;
      });
      return n;
    }

    function draw() {
      // Closed, only the count follows the map.
      if (!box.open) {
        count.textContent = " (" + shownCount() + ")";
        return;
      }
      ctx.loadDetails().then(function () {
        if (!sorted) sorted = ctx.records.slice().sort(byImportance);
        var rows = visible();
        body.textContent = "";
        var list = add(body, el("ol", "mapper-list-rows"));
        rows.slice(0, MAX_ROWS).forEach(function (r) { add(list, row(r)); });
        if (!rows.length) add(body, el("p", "mapper-list-none", "No incident matches the filters."));
        if (rows.length > MAX_ROWS) {
          add(body, el("p", "mapper-list-more", "and " + (rows.length - MAX_ROWS) +
            " more: filter or untick categories to list them"));
        }
        count.textContent = " (" + rows.length + ")";
      });
    }

    var count = null;
    var Ctl = L.Control.extend({
      options: { position: position || "topright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "leaflet-control mapper-panel mapper-list");
        div.id = "mapper-list";
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        box = add(div, el("details"));
        var head = add(box, el("summary", null, "Incident list"));
        count = add(head, el("span", "mapper-list-count", " (" + ctx.records.length + ")"));
        body = add(box, el("div", "mapper-list-body"));
        box.addEventListener("toggle", draw);
        return div;
      },
    });
    new Ctl().addTo(map);
    map.on("overlayadd overlayremove mapperfilter", draw);
    return { redraw: draw };
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.incidentList = incidentList;
})();
