"""The map as report authors and phone readers use it, in headless Chromium, network blocked.

Two sizes throughout: a desktop window (1400x900) and a phone (390x844). Screenshots land in
tests/artifacts/report-*.png.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mapper.cli import main
from mapper.config import RenderConfig
from mapper.export import write_geojson
from mapper.render import MapSummary, render_map, render_png, write_iframe_snippet
from mapper.render.map import build_html, data_as_of
from mapper.render.png import page_hash, parse_bbox

from .conftest import ARTIFACTS, XSS_IMG, XSS_SCRIPT, _incidents, _taxonomy, chromium_path
from .pngread import decode_png

DESKTOP = (1400, 900)
PHONE = (390, 844)
SIZES = {"desktop": DESKTOP, "phone": PHONE}
POPUP = ".leaflet-popup-content"
CONFIG = RenderConfig(
    title="Weekly incident report",
    subtitle=f"Eastern Europe desk {XSS_SCRIPT}",
    source=f"Wire services {XSS_IMG}",
)
# Dated incidents of the shared sample, most severe first, then newest (the list's order).
LIST_ORDER = [
    "Earthquake in Turkey",  # 4
    "Missile strike on Kyiv",  # 3
    "Clashes near Kharkiv",  # 2, 2024-02-20
    "Wildfire near Lima",  # 2, 2024-02-01
    "Arms shipment from North Korea to Russia",  # 1, 2024-03-05
    "Farmers protest in Paris",  # 1, 2024-02-10
    "Second rally in Paris",  # 1, undated
]
browser_test = pytest.mark.browser


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "incident_map.html"
    return render_map(_incidents(), _taxonomy(), CONFIG, out)


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return SIZES[request.param]


def clean(m: Any) -> None:
    assert m.errors == [], m.errors
    assert m.outside == [], f"requests outside the page: {m.outside}"
    assert m.dialogs == []


def shot(m: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    m.page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"))


def reload(m: Any, fragment: str) -> None:
    """Load the map afresh with ``fragment`` as its hash (not a same-page hash change)."""
    m.page.goto("about:blank")
    m.page.goto(m.url + fragment)
    m.page.wait_for_function("() => window.mapper && window.mapper.ready === true")


def shown(m: Any, category: str) -> int:
    return m.eval(
        f"(() => {{ const l = window.mapper.layers.find(l => l.cat.id === '{category}');"
        " return window.mapper.map.hasLayer(l) ? l.visible().length : 0; })()"
    )


# The share of the map, sampled on a 10 px grid, whose topmost element is a control.
COVERAGE = """(() => {
  const box = document.getElementById('mapper-map').getBoundingClientRect();
  let hit = 0, all = 0;
  for (let y = box.top + 5; y < box.bottom; y += 10) {
    for (let x = box.left + 5; x < box.right; x += 10) {
      all++;
      const e = document.elementFromPoint(x, y);
      if (e && e.closest('.leaflet-control')) hit++;
    }
  }
  return hit / all;
})()"""

# Pairs of visible controls whose boxes overlap, for the title and date panels.
OVERLAPS = """(() => {
  const visible = [...document.querySelectorAll('.leaflet-control')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).display !== 'none';
  });
  const out = [];
  for (const id of ['mapper-summary', 'mapper-time']) {
    const a = document.getElementById(id).getBoundingClientRect();
    for (const other of visible) {
      if (other.id === id) continue;
      const b = other.getBoundingClientRect();
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        out.push(id + ' / ' + (other.id || other.className));
      }
    }
  }
  return out;
})()"""


# ---- responsive controls -------------------------------------------------------------------


@browser_test
def test_desktop_lists_each_category_once_with_icon_colour_and_count(open_map, report_file):
    m = open_map(report_file, *DESKTOP)
    present = [c for c in _taxonomy().categories if c.id in {i.category for i in _incidents()}]
    # Once on the whole page: the layer control is the legend, there is no second list.
    labels = m.eval("[...document.querySelectorAll('.mapper-label')].map(e => e.textContent)")
    assert labels == [c.label for c in present]
    rows = m.eval(
        """[...document.querySelectorAll('#mapper-legend .leaflet-control-layers-overlays label')]
        .filter(l => l.querySelector('.mapper-label')).map(l => {
          const icon = l.querySelector('.mapper-legend-icon');
          return [l.querySelector('.mapper-label').textContent,
                  icon.querySelector('i').className, getComputedStyle(icon).backgroundColor,
                  l.querySelector('.mapper-count').textContent];
        })"""
    )
    counts = {c.id: sum(i.category == c.id for i in _incidents()) for c in present}

    def rgb(colour: str) -> str:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgb({r}, {g}, {b})"

    assert rows[0] == ["Armed conflict", "fa-solid fa-crosshairs", "rgb(178, 24, 43)", "1"]
    assert [r[2] for r in rows] == [rgb(c.colour) for c in present]
    assert [r[3] for r in rows] == [str(counts[c.id]) for c in present]
    assert m.page.locator("#mapper-legend .leaflet-control-layers-list").is_visible()
    assert "circle: area" in m.page.locator("#mapper-legend").inner_text()
    assert m.eval(OVERLAPS) == []
    shot(m, "desktop")
    clean(m)


@browser_test
def test_phone_folds_layers_and_legend_into_one_toggle(open_map, report_file):
    m = open_map(report_file, *PHONE)
    toggle = m.page.locator("#mapper-legend .leaflet-control-layers-toggle")
    assert toggle.is_visible()
    assert not m.page.locator("#mapper-legend .leaflet-control-layers-list").is_visible()
    assert not m.page.locator(".mapper-time input[type=range]").first.is_visible()
    coverage = m.eval(COVERAGE)
    assert coverage <= 0.25, f"controls cover {coverage:.0%} of the map"
    assert m.eval(OVERLAPS) == []
    shot(m, "phone")
    # One tap opens the merged list; the close button folds it again.
    toggle.click()
    legend = m.page.locator("#mapper-legend .leaflet-control-layers-list")
    assert legend.is_visible()
    assert "Earthquakes" in legend.inner_text() and "pin: exact place" in legend.inner_text()
    box = m.page.locator("#mapper-legend").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
    shot(m, "phone-legend")
    m.page.locator("#mapper-legend .mapper-close").click()
    assert not legend.is_visible() and toggle.is_visible()
    clean(m)


# ---- embed and print -----------------------------------------------------------------------


def _host_page(tmp_path: Path, snippet: Path, width: int) -> Path:
    host = tmp_path / f"host-{width}.html"
    host.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>"
        f"<div id='box' style='width:{width}px'>{snippet.read_text(encoding='utf-8')}</div>"
        "</body></html>",
        encoding="utf-8",
    )
    return host


@browser_test
@pytest.mark.parametrize("width", [360, 1000])
def test_embed_snippet_fills_its_container_at_a_fixed_ratio(browser, tmp_path, width):
    config = RenderConfig(embed_width=960, embed_height=600)
    out = render_map(_incidents(), _taxonomy(), config, tmp_path / "incident_map.html", embed=True)
    host = _host_page(tmp_path, write_iframe_snippet(out, config=config), width)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    outside: list[str] = []
    allowed = {host.resolve().as_uri(), out.resolve().as_uri()}

    def route(r: Any) -> None:
        if r.request.url in allowed or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("body[data-mapper-ready='1']").wait_for()
    # The sandboxed frame has no origin: moving the map still works (the hash may not follow).
    page.frames[1].evaluate("void window.mapper.map.setZoom(3, {animate: false})")
    page.wait_for_timeout(300)
    assert page.frames[1].evaluate("window.mapper.map.getZoom()") == 3
    box = page.locator("iframe").bounding_box()
    assert box["width"] == width
    assert abs(box["height"] - width * 600 / 960) <= 1
    inner = frame.locator("#mapper-map").bounding_box()
    assert (inner["width"], inner["height"]) == (box["width"], pytest.approx(box["height"], abs=1))
    assert outside == [] and errors == []
    context.close()


@browser_test
def test_embed_legend_is_not_clipped_at_960x600(open_map, tmp_path):
    many = [*_incidents()]
    out = render_map(many, _taxonomy(), RenderConfig(), tmp_path / "embed.html", embed=True)
    m = open_map(out, 960, 600)
    section = m.page.locator("#mapper-legend .leaflet-control-layers-list")
    assert section.is_visible()
    box = m.page.locator("#mapper-legend").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 600 and box["x"] + box["width"] <= 960
    # Every row inside the map and nothing to scroll to.
    assert m.eval(
        "(() => { const s = document.querySelector('#mapper-legend section');"
        " return s.scrollHeight <= s.clientHeight + 1; })()"
    )
    lists = m.page.locator("#mapper-list").bounding_box()
    assert lists["y"] + lists["height"] <= 600
    # The credits wrap to two lines here: they stay clear of the date panel and the scale.
    credits = m.page.locator(".leaflet-control-attribution").bounding_box()
    for selector in ("#mapper-time", ".leaflet-control-scale"):
        panel = m.page.locator(selector).bounding_box()
        assert panel["y"] + panel["height"] <= credits["y"] + 0.5, selector
    assert m.eval(OVERLAPS) == []
    shot(m, "embed-960x600")
    clean(m)


@browser_test
def test_print_hides_controls_and_keeps_title_legend_and_credits(open_map, report_file, size):
    m = open_map(report_file, *size)
    m.page.emulate_media(media="print")
    hidden = m.eval(
        """['.leaflet-control-zoom', '.mapper-search', '#mapper-time', '#mapper-list',
            '#mapper-legend .leaflet-control-layers-toggle',
            '#mapper-legend .leaflet-control-layers-selector']
        .map(s => [s, getComputedStyle(document.querySelector(s)).display])"""
    )
    assert all(display == "none" for _, display in hidden), hidden
    for selector in ("#mapper-summary", "#mapper-legend .leaflet-control-layers-list"):
        assert m.page.locator(selector).is_visible(), selector
    assert m.page.locator(".leaflet-control-attribution").is_visible()
    text = m.page.locator("#mapper-legend").inner_text()
    assert "Wildfires" in text and "arrow: from origin" in text
    assert "Source: Wire services" in m.page.locator("#mapper-summary").inner_text()
    # An unticked category is not printed as if it were on the map.
    m.page.emulate_media(media="screen")
    if size == PHONE:
        m.page.locator("#mapper-legend .leaflet-control-layers-toggle").click()
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Wildfires").locator(
        "input"
    ).uncheck()
    m.page.emulate_media(media="print")
    assert "Wildfires" not in m.page.locator("#mapper-legend").inner_text()
    assert m.eval(OVERLAPS) == []
    legend = m.page.locator("#mapper-legend").bounding_box()
    credits = m.page.locator(".leaflet-control-attribution").bounding_box()
    assert legend["y"] + legend["height"] <= credits["y"] and legend["y"] >= 0
    shot(m, f"print-{size[0]}")
    pdf = m.page.pdf(width=f"{size[0]}px", height=f"{size[1]}px")
    assert pdf.startswith(b"%PDF")
    clean(m)


# ---- --png ---------------------------------------------------------------------------------


def white_pixels(data: bytes, skip_bottom: int) -> int:
    """Pixels brighter than the basemap's land and sea: the panels' white, above the credits."""
    width, height, _, rows = decode_png(data)
    step = len(rows[0]) // width
    count = 0
    for row in rows[: height - skip_bottom]:
        for i in range(0, len(row), step):
            if row[i] > 250 and row[i + 1] > 250 and row[i + 2] > 250:
                count += 1
    return count


def test_bbox_is_checked():
    assert parse_bbox("22, 44,41,53.5") == (22.0, 44.0, 41.0, 53.5)
    assert page_hash((22.0, 44.0, 41.0, 53.5)) == "#bare&b=22,44,41,53.5"
    assert page_hash(None) == "#bare"
    for bad in ("22,44,41", "a,b,c,d", "41,44,22,53", "22,60,41,53", "0,0,200,10", "nan,0,1,1"):
        with pytest.raises(ValueError):
            parse_bbox(bad)


@browser_test
def test_png_shows_the_map_without_controls(open_map, tmp_path):
    if chromium_path() is None:
        pytest.skip("--png needs chromium/chromium-browser/google-chrome on PATH")
    out = render_map(_incidents(), _taxonomy(), CONFIG, tmp_path / "map.html")
    # The open South Pacific: sea and a few island labels, whose white halo gives a few dozen
    # white pixels at most; a control panel gives thousands.
    bbox = (-170.0, -55.0, -130.0, -20.0)
    png = render_png(out, tmp_path / "map.png", width=640, height=400, bbox=bbox)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-png-bare.png").write_bytes(png.read_bytes())
    data = png.read_bytes()
    assert struct.unpack(">II", data[16:24]) == (640, 400)
    assert white_pixels(data, skip_bottom=60) < 60
    # The same page with its controls has white panels: the check above can fail.
    m = open_map(out, 640, 400)
    m.page.screenshot(path=str(tmp_path / "with-controls.png"))
    assert white_pixels((tmp_path / "with-controls.png").read_bytes(), skip_bottom=60) > 2000
    # Bare, the credits stay and the view is the box asked for.
    reload(m, page_hash(bbox))
    visible = m.eval(
        "[...document.querySelectorAll('.leaflet-control')]"
        ".filter(e => getComputedStyle(e).display !== 'none').map(e => e.className)"
    )
    assert visible == ["leaflet-control-attribution leaflet-control"]
    view = m.eval(
        "(() => { const b = window.mapper.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    slack = 0.1  # degrees: the fit is computed in pixels
    assert view[0] <= bbox[0] + slack and view[1] <= bbox[1] + slack
    assert view[2] >= bbox[2] - slack and view[3] >= bbox[3] - slack
    assert view[2] - view[0] < 4 * (bbox[2] - bbox[0])
    clean(m)


def test_render_png_size_and_bbox_flags(tmp_path):
    if chromium_path() is None:
        pytest.skip("--png needs chromium/chromium-browser/google-chrome on PATH")
    geojson = write_geojson(_incidents(), tmp_path / "incidents.geojson")
    png = tmp_path / "m.png"
    args = [
        "render",
        "--input",
        str(geojson),
        "--out",
        str(tmp_path / "m.html"),
        "--png",
        str(png),
        "--width",
        "500",
        "--height",
        "320",
        "--bbox",
        "20,40,45,56",
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (500, 320)
    bad = CliRunner().invoke(main, [*args[:-1], "45,40,20,56"])
    assert bad.exit_code == 2 and "--bbox" in bad.output and "minlon < maxlon" in bad.output
    alone = CliRunner().invoke(main, ["render", "--input", str(geojson), "--width", "500"])
    assert alone.exit_code == 2 and "go with --png" in alone.output


# ---- for reports ---------------------------------------------------------------------------


def test_subtitle_source_and_data_as_of_are_data_not_markup(incidents, taxonomy):
    html = build_html(incidents, taxonomy, CONFIG)
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    data = re.search(r'<script type="application/json" id="mapper-data">(.*?)</script>', html)
    assert data and "Eastern Europe desk \\u003cscript\\u003e" in data.group(1)
    # The newest article date: a source of the Kyiv strike, dated after every incident.
    assert data_as_of(incidents) == "2024-03-05"
    assert data_as_of([]) is None
    given = MapSummary(articles=1, incidents=1, data_as_of="2024-04-01")
    assert '"asOf":"2024-04-01"' in build_html(incidents, taxonomy, CONFIG, summary=given)
    # Same incidents in another order: the same bytes.
    assert build_html(incidents[::-1], taxonomy, CONFIG) == html


@browser_test
def test_summary_shows_subtitle_source_and_data_as_of(open_map, report_file, size):
    m = open_map(report_file, *size)
    text = m.page.locator("#mapper-summary").inner_text()
    assert f"Eastern Europe desk {XSS_SCRIPT}" in text
    assert "Data as of 2024-03-05" in text
    if size == DESKTOP:
        assert f"Source: Wire services {XSS_IMG}" in text
    assert m.eval("window.__xss") is None
    clean(m)


@browser_test
def test_incident_list_is_sorted_and_follows_the_map(open_map, report_file, size):
    m = open_map(report_file, *size)
    rows = m.page.locator("#mapper-list .mapper-list-title")
    assert rows.count() == 0  # collapsed, and built only when opened
    m.page.locator("#mapper-list summary").click()
    rows.first.wait_for()
    assert rows.all_inner_texts() == LIST_ORDER
    assert "(7)" in m.page.locator("#mapper-list summary").inner_text()
    # A row opens its incident's popup.
    m.page.locator("#mapper-list button", has_text="Clashes near Kharkiv").click()
    m.page.locator(POPUP).wait_for()
    assert "Clashes near Kharkiv" in m.page.locator(POPUP).inner_text()
    m.page.keyboard.press("Escape")
    # Unticked categories and the date filter hide rows.
    if size == PHONE:
        m.page.locator("#mapper-legend .leaflet-control-layers-toggle").click()
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Earthquakes").locator(
        "input"
    ).uncheck()
    if size == PHONE:
        m.page.locator("#mapper-legend .mapper-close").click()
    m.page.wait_for_function("() => document.querySelectorAll('.mapper-list-title').length === 6")
    assert "Earthquake in Turkey" not in rows.all_inner_texts()
    m.eval(
        """(() => {
        const from = document.querySelector('#mapper-time input[aria-label="From date"]');
        from.value = String(Date.UTC(2024, 1, 15) / 86400000);
        from.dispatchEvent(new Event('input', {bubbles: true}));
    })()"""
    )
    m.page.wait_for_function("() => document.querySelectorAll('.mapper-list-title').length === 4")
    # Closed, the list still counts what the map shows.
    m.page.locator("#mapper-list summary").click()
    m.eval(
        """(() => {
        const undated = document.querySelector('#mapper-time input[type=checkbox]');
        undated.click();
    })()"""
    )
    m.page.wait_for_function(
        "() => document.querySelector('#mapper-list summary').textContent.includes('(3)')"
    )
    m.page.locator("#mapper-list summary").click()
    m.page.wait_for_function("() => document.querySelectorAll('.mapper-list-title').length === 3")
    m.eval("document.querySelector('#mapper-time input[type=checkbox]').click()")
    m.page.wait_for_function("() => document.querySelectorAll('.mapper-list-title').length === 4")
    assert rows.all_inner_texts() == [
        "Missile strike on Kyiv",
        "Clashes near Kharkiv",
        "Arms shipment from North Korea to Russia",
        "Second rally in Paris",
    ]
    shot(m, f"list-{size[0]}")
    clean(m)


@browser_test
def test_timeline_counts_incidents_per_day_and_filters(open_map, report_file, size):
    m = open_map(report_file, *size)
    if size == PHONE:
        m.page.locator("#mapper-time summary").click()
    bars = m.page.locator(".mapper-timeline rect")
    # 2024-01-15 to 2024-03-05: 51 days, one bar each; six dated incidents.
    assert bars.count() == 51
    counts = m.eval(
        "[...document.querySelectorAll('.mapper-timeline rect')].map(r => +r.dataset.count)"
    )
    assert sum(counts) == 6 and counts[0] == 1 and counts[-1] == 1
    # Click the bar of 2024-03-01: only the Kyiv strike (and the undated rally) remain.
    bar = bars.nth(46)
    assert bar.locator("title").text_content() == "2024-03-01: 1 incident"
    bar.click()
    m.page.wait_for_function(
        "() => window.mapper.layers.find(l => l.cat.id === 'wildfire').visible().length === 0"
    )
    assert shown(m, "airstrike_shelling") == 1 and shown(m, "armed_conflict") == 0
    assert "2024-03-01 \u2013 2024-03-01" in m.page.locator("#mapper-time").inner_text()
    on = m.eval("document.querySelectorAll('.mapper-timeline .mapper-bar-on').length")
    assert on == 1
    # Dragging across bars keeps the days between: from bar 5 (2024-01-20) to 36 (02-20).
    chart = m.page.locator(".mapper-timeline").bounding_box()
    y = chart["y"] + chart["height"] / 2

    def bar_x(i: int) -> float:
        return chart["x"] + (i + 0.5) * chart["width"] / 51

    m.page.mouse.move(bar_x(5), y)
    m.page.mouse.down()
    m.page.mouse.move(bar_x(36), y, steps=4)
    m.page.mouse.up()
    m.page.wait_for_function(
        "() => window.mapper.layers.find(l => l.cat.id === 'armed_conflict').visible().length === 1"
    )
    assert "2024-01-20 \u2013 2024-02-20" in m.page.locator("#mapper-time").inner_text()
    assert shown(m, "earthquake") == 0 and shown(m, "wildfire") == 1
    m.page.locator(".mapper-time-all").click()
    m.page.wait_for_function(
        "() => window.mapper.layers.find(l => l.cat.id === 'earthquake').visible().length === 1"
    )
    shot(m, f"timeline-{size[0]}")
    clean(m)


@browser_test
def test_permalink_keeps_view_and_filters(open_map, report_file, size):
    m = open_map(report_file, *size)
    m.eval("void window.mapper.map.setView([49.5, 31.0], 6, {animate: false})")
    if size == PHONE:
        m.page.locator("#mapper-legend .leaflet-control-layers-toggle").click()
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Wildfires").locator(
        "input"
    ).uncheck()
    m.eval(
        """(() => {
        const to = document.querySelector('#mapper-time input[aria-label="To date"]');
        to.value = String(Date.UTC(2024, 2, 2) / 86400000);
        to.dispatchEvent(new Event('input', {bubbles: true}));
        const undated = document.querySelector('#mapper-time input[type=checkbox]');
        undated.click();
    })()"""
    )
    m.page.wait_for_function("() => location.hash.includes('u=0') && location.hash.includes('d=')")
    link = m.eval("location.hash")
    assert link.startswith("#v=6/49.5000/31.0000&c=")
    assert (
        "c=armed_conflict,airstrike_shelling,protest_unrest,military_cooperation,earthquake&"
        in link
    )
    assert "d=2024-01-15..2024-03-02" in link and link.endswith("&u=0")
    # Another reader opens the link: same view, same categories, same dates.
    again = open_map(report_file, *size)
    reload(again, link)
    assert again.eval("window.mapper.map.getZoom()") == 6
    centre = again.eval("[window.mapper.map.getCenter().lat, window.mapper.map.getCenter().lng]")
    assert centre == pytest.approx([49.5, 31.0], abs=1e-3)
    wildfire = again.page.locator(".leaflet-control-layers-overlays label", has_text="Wildfires")
    assert not wildfire.locator("input").is_checked()
    assert shown(again, "wildfire") == 0 and shown(again, "earthquake") == 1
    assert shown(again, "military_cooperation") == 0  # 2024-03-05 is past the end
    assert shown(again, "protest_unrest") == 1  # the undated rally is hidden
    assert "2024-01-15 \u2013 2024-03-02" in again.page.locator("#mapper-time").inner_text()
    # A malformed hash is ignored, not an error.
    reload(again, "#v=x/1&c=<b>&d=2024-13-99..1&u=7")
    assert shown(again, "earthquake") == 1 and shown(again, "protest_unrest") == 2
    clean(m)
    clean(again)


@browser_test
def test_compact_map_lists_after_unpacking_details(open_map, tmp_path):
    # Above render.cluster_threshold titles arrive gzipped after the first draw.
    config = RenderConfig(cluster_threshold=2, subtitle="compact")
    out = render_map(_incidents(), _taxonomy(), config, tmp_path / "compact.html")
    m = open_map(out, *DESKTOP)
    assert m.eval("JSON.parse(document.getElementById('mapper-data').textContent).compact")
    m.page.locator("#mapper-list summary").click()
    rows = m.page.locator("#mapper-list .mapper-list-title")
    rows.first.wait_for()
    assert rows.all_inner_texts() == LIST_ORDER
    m.page.locator("#mapper-list button", has_text="Wildfire near Lima").click()
    m.page.locator(POPUP).wait_for()
    assert "Wildfire near Lima" in m.page.locator(POPUP).inner_text()
    assert m.page.locator(".mapper-timeline rect").count() == 51
    clean(m)
