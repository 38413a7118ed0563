"""The map in a real headless Chromium with all network blocked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mapper.config import RenderConfig
from mapper.render import MapSummary, render_map

from .conftest import (
    ARTIFACTS,
    KYIV,
    XSS_IMG,
    XSS_SCRIPT,
    _hostile,
    _incidents,
    _taxonomy,
)

pytestmark = pytest.mark.browser

SUMMARY = MapSummary(
    articles=8, incidents=7, date_from="2024-01-15", date_to="2024-03-05", generated="2024-03-06"
)
POPUP = ".leaflet-popup-content"


# Rich maps use markercluster; compact ones (above render.cluster_threshold) mapper's own grid
# clustering, canvas areas and details unpacked after the first draw. Both must behave alike.
MODES = {"rich": RenderConfig(), "compact": RenderConfig(cluster_threshold=2)}


@pytest.fixture(scope="module", params=sorted(MODES))
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory, mode: str) -> Path:
    out = tmp_path_factory.mktemp(f"map-{mode}") / "incident_map.html"
    return render_map(_incidents(), _taxonomy(), MODES[mode], out, summary=SUMMARY)


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory, mode: str) -> Path:
    out = tmp_path_factory.mktemp(f"xss-{mode}") / "incident_map.html"
    return render_map([*_incidents()[:1], _hostile()], _taxonomy(), MODES[mode], out)


def clean(m: Any) -> None:
    assert m.errors == [], m.errors
    assert m.outside == [], f"requests outside the page: {m.outside}"
    assert m.dialogs == []


def zoom_to(m: Any, lat: float, lon: float, zoom: int) -> None:
    # `void`: returning the map would make playwright serialise all of Leaflet's state.
    m.eval(f"void window.mapper.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    # markercluster animates a zoom change even when Leaflet does not; let it finish.
    m.page.wait_for_function("() => !window.mapper.engine.busy()")


def pins(m: Any, category: str) -> int:
    return m.eval(f"document.querySelectorAll('.mapper-pin.mapper-c-{category}').length")


def layer_shown(m: Any, category: str) -> int:
    return m.eval(f"window.mapper.layers.find(l => l.cat.id === '{category}').shown.length")


def areas_shown(m: Any, category: str) -> int:
    """Area circles a category draws now (SVG in rich maps, one canvas path in compact ones)."""
    return m.eval(
        f"(() => {{ const l = window.mapper.layers.find(l => l.cat.id === '{category}');"
        " return window.mapper.map.hasLayer(l) ? l.areaGroups.length : 0; })()"
    )


def screen_point(m: Any, lat: float, lon: float) -> list[float]:
    return m.eval(
        f"(() => {{ const p = window.mapper.map.latLngToContainerPoint([{lat}, {lon}]);"
        " return [p.x, p.y]; })()"
    )


def test_renders_offline_and_keeps_a_screenshot(open_map, map_file, mode):
    m = open_map(map_file)
    assert m.eval("typeof L === 'object' && window.mapper.map instanceof L.Map")
    count = "(s => document.querySelectorAll(s).length)"
    assert m.eval(f"{count}('.leaflet-mapper-basemap-pane path')") > 100  # country outlines
    areas = "svg path.mapper-area" if mode == "rich" else "canvas"
    assert m.eval(f"{count}('.leaflet-overlay-pane {areas}')") > 0
    assert (
        m.eval(f"{count}('.leaflet-marker-pane .mapper-pin, .leaflet-marker-pane .marker-cluster')")
        > 0
    )
    if mode == "rich":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        m.page.screenshot(path=str(ARTIFACTS / "incident_map.png"))
    clean(m)


def test_layer_control_lists_one_overlay_per_category(open_map, map_file):
    m = open_map(map_file)
    labels = m.eval(
        "[...document.querySelectorAll('.leaflet-control-layers-overlays .mapper-label')]"
        ".map(e => e.textContent)"
    )
    present = {i.category for i in _incidents()}
    assert labels == [c.label for c in _taxonomy().categories if c.id in present]
    overlays = m.eval(
        "[...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".map(e => e.textContent.trim())"
    )
    assert overlays[-1] == "Heat map"
    clean(m)


def test_unticking_a_category_hides_its_markers(open_map, map_file):
    m = open_map(map_file)
    zoom_to(m, 50.2, 33.4, 6)
    assert pins(m, "airstrike_shelling") == 1 and pins(m, "armed_conflict") == 1
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Airstrikes").locator(
        "input"
    ).uncheck()
    assert pins(m, "airstrike_shelling") == 0
    assert pins(m, "armed_conflict") == 1
    flow = "document.querySelectorAll('.mapper-flow').length"
    assert areas_shown(m, "military_cooperation") == 1 and m.eval(flow) == 1
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Arms transfers").locator(
        "input"
    ).uncheck()
    assert areas_shown(m, "military_cooperation") == 0 and m.eval(flow) == 0
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Airstrikes").locator(
        "input"
    ).check()
    assert pins(m, "airstrike_shelling") == 1
    clean(m)


def test_clicking_a_marker_opens_its_popup_with_the_facts(open_map, map_file):
    m = open_map(map_file)
    zoom_to(m, 50.45, 30.52, 8)
    m.page.locator(".mapper-pin.mapper-c-airstrike_shelling").click()
    popup = m.page.locator(POPUP)
    popup.wait_for()
    text = popup.inner_text()
    for expected in ("Missile strike on Kyiv", "Killed", "3", "Injured", "12", "3 killed"):
        assert expected in text
    assert "Why this place: the only Kyiv" in text and "precision: city" in text
    assert m.eval(f"[...document.querySelectorAll('{POPUP} mark')].map(e => e.textContent)") == [
        "Kyiv",
        "kyiv",
    ]
    links = m.eval(f"[...document.querySelectorAll('{POPUP} a')].map(a => a.href)")
    assert links == ["https://news.example.org/kyiv"]
    assert m.eval(f"document.querySelectorAll('{POPUP} .mapper-sources li').length") == 2
    clean(m)


def test_legend_and_summary_are_visible(open_map, map_file):
    m = open_map(map_file)
    legend = m.page.locator("#mapper-legend")
    assert legend.is_visible()
    for label in ("Airstrikes and shelling", "Earthquakes", "Wildfires"):
        assert label in legend.inner_text()
    summary = m.page.locator("#mapper-summary").inner_text()
    assert "7 incidents from 8 articles" in summary and "2024-01-15" in summary
    clean(m)


def test_attribution_control_links_every_data_source(open_map, map_file):
    from mapper.attribution import DATA_SOURCES

    m = open_map(map_file)
    links = m.eval(
        "[...document.querySelectorAll('.leaflet-control-attribution a')]"
        ".map(a => [a.textContent, a.getAttribute('href')])"
    )
    for source in DATA_SOURCES:
        assert [source.name, source.url] in links
        assert [source.license, source.license_url] in links
    assert m.page.locator(".leaflet-control-attribution").is_visible()
    clean(m)


def test_areas_for_countries_pins_for_cities_and_arrowed_flows(open_map, map_file, mode):
    m = open_map(map_file)
    assert areas_shown(m, "earthquake") == 1
    if mode == "rich":
        assert m.eval("document.querySelectorAll('.mapper-area.mapper-c-earthquake').length") == 1
    assert m.eval("window.mapper.layers.find(l => l.cat.id === 'earthquake').shown.length") == 0
    assert layer_shown(m, "wildfire") == 1
    assert m.eval("document.querySelector('.mapper-flow').getAttribute('marker-end')") == (
        "url(#mapper-arrow-military_cooperation)"
    )
    # Clicking inside the Turkey area lists the incident there.
    zoom_to(m, 39.06, 35.18, 6)
    m.page.mouse.click(640, 400)
    m.page.locator(POPUP).wait_for()
    assert "Earthquake in Turkey" in m.page.locator(POPUP).inner_text()
    assert "Magnitude" in m.page.locator(POPUP).inner_text()
    clean(m)


def test_incidents_at_the_same_place_spiderfy(open_map, map_file):
    m = open_map(map_file)
    zoom_to(m, 48.85, 2.35, 9)
    assert pins(m, "protest_unrest") == 0
    x, y = screen_point(m, 48.85341, 2.3488)
    under = f"document.elementFromPoint({x}, {y})"
    assert m.eval(f"{under}.closest('.marker-cluster').textContent") == "2"
    m.page.mouse.click(x, y)
    m.page.wait_for_function(
        "() => document.querySelectorAll('.mapper-pin.mapper-c-protest_unrest').length === 2"
    )
    m.page.locator(".mapper-pin.mapper-c-protest_unrest").first.click()
    m.page.locator(POPUP).wait_for()
    assert "rally in Paris" in m.page.locator(POPUP).inner_text() or "Farmers" in (
        m.page.locator(POPUP).inner_text()
    )
    clean(m)


def test_time_filter_hides_incidents_out_of_range(open_map, map_file):
    m = open_map(map_file)
    assert layer_shown(m, "wildfire") == 1 and layer_shown(m, "protest_unrest") == 2
    m.eval(
        """(() => {
        const from = document.querySelector('#mapper-time input[aria-label="From date"]');
        from.value = String(Date.UTC(2024, 1, 15) / 86400000);
        from.dispatchEvent(new Event('input', {bubbles: true}));
        const undated = document.querySelector('#mapper-time input[type=checkbox]');
        undated.click();
    })()"""
    )
    m.page.wait_for_function(
        "() => window.mapper.layers.find(l => l.cat.id === 'wildfire').shown.length === 0"
    )
    assert layer_shown(m, "airstrike_shelling") == 1
    assert layer_shown(m, "protest_unrest") == 0  # one too early, one undated
    assert "2024-02-15" in m.page.locator("#mapper-time").inner_text()
    clean(m)


def test_search_finds_a_place_and_opens_its_popup(open_map, map_file):
    m = open_map(map_file)
    m.page.locator(".mapper-search input").fill("kharkiv")
    m.page.locator(".mapper-results button").first.click()
    m.page.locator(POPUP).wait_for()
    assert "Clashes near Kharkiv" in m.page.locator(POPUP).inner_text()
    assert pins(m, "armed_conflict") == 1
    # One of two incidents at one spot: its stack is spread out and its own popup opens.
    m.page.locator(".mapper-search input").fill("second rally")
    m.page.locator(".mapper-results button", has_text="Second rally").click()
    m.page.wait_for_function(
        "() => document.querySelector('.leaflet-popup-content')"
        " && document.querySelector('.leaflet-popup-content').innerText.includes('Second rally')"
    )
    m.page.wait_for_function("() => !window.mapper.engine.busy()")
    assert pins(m, "protest_unrest") == 2
    clean(m)


def test_heat_layer_is_off_by_default_and_can_be_shown(open_map, map_file):
    m = open_map(map_file)
    assert m.eval("window.mapper.map.hasLayer(window.mapper.heat)") is False
    m.page.locator(".leaflet-control-layers-overlays label", has_text="Heat map").locator(
        "input"
    ).check()
    assert m.eval("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1
    clean(m)


def test_hostile_article_text_is_inert(open_map, hostile_file):
    m = open_map(hostile_file)
    zoom_to(m, -33.9, 18.4, 8)
    m.page.locator(".mapper-pin.mapper-c-other").click()
    popup = m.page.locator(POPUP)
    popup.wait_for()
    text = popup.inner_text()
    assert XSS_SCRIPT in text and XSS_IMG in text
    assert m.eval(f"document.querySelectorAll('{POPUP} img, {POPUP} script').length") == 0
    assert m.eval("document.querySelectorAll('a[href^=javascript], a[href^=data]').length") == 0
    assert m.eval(f"document.querySelectorAll('{POPUP} a').length") == 0
    m.page.locator(".mapper-search input").fill("title")
    m.page.locator(".mapper-results li").first.wait_for()
    assert XSS_SCRIPT in m.page.locator(".mapper-results").inner_text()
    m.page.wait_for_timeout(200)
    assert m.eval("window.__xss") is None
    clean(m)


def test_compact_clusters_split_by_zooming_and_big_stacks_list(open_map, tmp_path):
    """Grid clustering: a click on a cluster of nearby incidents zooms in until they split; a
    stack at one spot too big to spread out opens one list popup."""
    near = [
        replace(_incidents()[0], incident_id=f"near-{i}", place=replace(KYIV, lat=50.4 + i / 100))
        for i in range(3)
    ]
    stack = [replace(_incidents()[2], incident_id=f"stack-{i:03d}") for i in range(200)]
    out = render_map([*near, *stack], _taxonomy(), MODES["compact"], tmp_path / "grid.html")
    m = open_map(out)
    zoom_to(m, 50.42, 30.52, 5)
    x, y = screen_point(m, 50.41, 30.5238)
    cluster = f"document.elementFromPoint({x}, {y}).closest('.marker-cluster')"
    assert m.eval(f"{cluster}.textContent") == "3"
    m.page.mouse.click(x, y)
    m.page.wait_for_function(
        "() => document.querySelectorAll('.mapper-pin.mapper-c-airstrike_shelling').length === 3"
    )
    assert m.eval("window.mapper.map.getZoom()") > 5
    zoom_to(m, 48.85, 2.35, 9)
    x, y = screen_point(m, 48.85341, 2.3488)
    m.page.mouse.click(x, y)
    m.page.locator(POPUP).wait_for()
    assert "200 incidents here" in m.page.locator(POPUP).inner_text()
    assert "and 100 more" in m.page.locator(POPUP).inner_text()
    clean(m)


def test_embed_variant_fills_its_frame(open_map, tmp_path):
    # The snippet's wrapper sizes the frame (tests/render/test_map_report.py).
    config = RenderConfig(embed_width=640, embed_height=400)
    out = render_map(_incidents(), _taxonomy(), config, tmp_path / "embed.html", embed=True)
    m = open_map(out, 640, 400)
    box = m.page.locator("#mapper-map").bounding_box()
    assert (box["width"], box["height"]) == (640, 400)
    clean(m)
