/* mapper's timeline: a small histogram of incidents per day inside the date panel.
 *
 * Loaded before controls.js, which calls window.mapperUi.timeline(parent, opts) with the
 * records, the first and last day (day numbers), isoDay, shown(rec) (is its category on the
 * map) and pick(from, to). Clicking a bar keeps that day (or bin); dragging across bars keeps
 * the days between. Long spans are binned so that there are at most MAX_BARS bars.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MAX_BARS = 90;
  var WIDTH = 220, HEIGHT = 36;

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function timeline(parent, opts) {
    var lo = opts.lo, hi = opts.hi;
    var span = hi - lo + 1;
    var binDays = Math.max(1, Math.ceil(span / MAX_BARS));
    var bins = Math.ceil(span / binDays);
    var barW = WIDTH / bins;

    var svg = svgEl("svg", {
      "class": "mapper-timeline", viewBox: "0 0 " + WIDTH + " " + HEIGHT, width: WIDTH,
      height: HEIGHT, role: "img",
    });
    var what = binDays === 1 ? "per day" : "per " + binDays + " days";
    svg.setAttribute("aria-label", "Incidents " + what + "; click or drag to filter by date");
    parent.appendChild(svg);
    var bars = [];
    for (var b = 0; b < bins; b++) {
      var bar = svgEl("rect", { x: (b * barW).toFixed(2), width: Math.max(barW - 1, 0.5).toFixed(2) });
      bar.appendChild(svgEl("title", {}));
      svg.appendChild(bar);
      bars.push(bar);
    }

    function first(bin) { return lo + bin * binDays; }
    function last(bin) { return Math.min(hi, lo + (bin + 1) * binDays - 1); }

    // Heights from the incidents of the categories on the map, whatever the dates kept.
    function count() {
      var counts = new Array(bins).fill(0);
      opts.records.forEach(function (r) {
        if (r.day !== null && opts.shown(r)) counts[Math.floor((r.day - lo) / binDays)]++;
      });
      var top = Math.max.apply(null, counts.concat([1]));
      counts.forEach(function (n, i) {
        var h = n ? Math.max(2, Math.round((HEIGHT - 2) * n / top)) : 0;
        bars[i].setAttribute("y", String(HEIGHT - h));
        bars[i].setAttribute("height", String(h));
        bars[i].setAttribute("data-count", String(n));
        var when = binDays === 1 ? opts.isoDay(first(i)) :
          opts.isoDay(first(i)) + " \u2013 " + opts.isoDay(last(i));
        bars[i].firstChild.textContent = when + ": " + n + (n === 1 ? " incident" : " incidents");
      });
    }

    // Kept bars drawn dark, the others light.
    function mark(from, to) {
      bars.forEach(function (bar, i) {
        var kept = last(i) >= from && first(i) <= to;
        bar.setAttribute("class", kept ? "mapper-bar mapper-bar-on" : "mapper-bar");
      });
    }

    function binAt(e) {
      var box = svg.getBoundingClientRect();
      var x = (e.clientX - box.left) / (box.width || WIDTH);
      return Math.max(0, Math.min(bins - 1, Math.floor(x * bins)));
    }

    var down = null;
    svg.addEventListener("pointerdown", function (e) {
      down = binAt(e);
      if (svg.setPointerCapture && e.pointerId !== undefined) {
        try { svg.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events */ }
      }
      mark(first(down), last(down));
      e.preventDefault();
    });
    svg.addEventListener("pointermove", function (e) {
      if (down === null) return;
      var at = binAt(e);
      mark(first(Math.min(down, at)), last(Math.max(down, at)));
    });
    svg.addEventListener("pointerup", function (e) {
      if (down === null) return;
      var at = binAt(e);
      var a = Math.min(down, at), z = Math.max(down, at);
      down = null;
      opts.pick(first(a), last(z));
    });
    L.DomEvent.disableClickPropagation(svg);

    // Layers come and go in bursts (all of them at load): count once after a burst.
    var timer = null;
    function recount() {
      clearTimeout(timer);
      timer = setTimeout(count, 30);
    }
    count();
    mark(lo, hi);
    return { mark: mark, count: recount, binDays: binDays };
  }

  window.mapperUi = window.mapperUi || {};
  window.mapperUi.timeline = timeline;
})();
