"""How the map looks, in a real headless Chromium with all network blocked (issue 15).

Basemap labels render offline and do not overlap; clusters carry the colour of their dominant
category; an area is drawn at least as visibly as a pin of the same severity; pin size spans
severity 0-5. Checked at a desktop (1400x900) and a phone (390x844) viewport, on the DOM and on
the pixels of a screenshot. Screenshots are kept in tests/artifacts for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mapper.config import RenderConfig
from mapper.events.taxonomy import load_taxonomy
from mapper.models import Incident, Place
from mapper.render import render_map

from .conftest import ARTIFACTS
from .pngread import decode_png

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1400, 900), "phone": (390, 844)}
MODES = {"rich": RenderConfig(), "compact": RenderConfig(cluster_threshold=2)}

# Places of my own choosing (GeoNames/Natural Earth facts), not taken from any evaluation text.
WARSAW = Place("geonames:756135", "Warsaw", 52.22977, 21.01178, "city", "city", "PL")
PRUSZKOW = Place("geonames:759123", "Pruszkow", 52.17072, 20.81214, "city", "city", "PL")
PIASECZNO = Place("geonames:759734", "Piaseczno", 52.08128, 21.02392, "city", "city", "PL")
LINZ = Place("geonames:2772400", "Linz", 48.30639, 14.28611, "city", "city", "AT")
BAVARIA = Place(
    "csc:DE-BY", "Bavaria", 48.9, 11.4, "admin1", "admin1", "DE", admin1="DE-BY", extent_km=120
)
MUNICH = Place("geonames:2867714", "Munich", 48.13743, 11.57549, "city", "city", "DE")
NUREMBERG = Place("geonames:2861650", "Nuremberg", 49.45421, 11.07752, "city", "city", "DE")


def _incident(n: int, category: str, place: Place, severity: int, title: str) -> Incident:
    return Incident(
        incident_id=f"look-{n}",
        category=category,
        place=place,
        severity=severity,
        date=f"2024-05-{n + 1:02d}",
        title=title,
        article_ids=(f"look-a{n}",),
    )


def _incidents() -> list[Incident]:
    return [
        # Three near Warsaw cluster at country zoom: two floods, one accident.
        _incident(0, "flood_storm", WARSAW, 2, "River bursts its banks in the capital"),
        _incident(1, "flood_storm", PRUSZKOW, 1, "Streets under water after a night of rain"),
        _incident(2, "accident", PIASECZNO, 1, "Tram derails near the station"),
        # A severity-3 area and a severity-3 pin of one category, apart enough not to cluster.
        _incident(3, "wildfire", BAVARIA, 3, "Forest fires spread across the state"),
        _incident(4, "wildfire", LINZ, 3, "Blaze at a timber yard"),
        # Severity extremes for the marker scale.
        _incident(5, "other", MUNICH, 0, "Council debates a new bridge"),
        _incident(6, "earthquake", NUREMBERG, 5, "Strong tremor felt downtown"),
    ]


@pytest.fixture(scope="module")
def taxonomy() -> Any:
    return load_taxonomy("default")


@pytest.fixture(scope="module", params=sorted(MODES))
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory, taxonomy: Any, mode: str) -> Path:
    out = tmp_path_factory.mktemp(f"look-{mode}") / "incident_map.html"
    return render_map(_incidents(), taxonomy, MODES[mode], out)


def clean(m: Any) -> None:
    assert m.errors == [], m.errors
    assert m.outside == [], f"requests outside the page: {m.outside}"


def view(m: Any, lat: float, lon: float, zoom: int) -> None:
    m.eval(f"void window.mapper.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    m.page.wait_for_function("() => !window.mapper.engine.busy()")
    # markercluster fades clusters in; labels are placed on moveend. Wait for both to show.
    m.page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-marker-icon')]"
        ".every(e => getComputedStyle(e).opacity === '1')"
    )
    m.page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")


# ---- pixels -------------------------------------------------------------------------------


def pixels(m: Any, box: dict[str, float]) -> list[tuple[int, int, int]]:
    """The RGB pixels of the screenshot inside ``box`` (x, y, width, height in CSS px)."""
    clip = {k: box[k] for k in ("x", "y", "width", "height")}
    width, _, bpp, rows = decode_png(m.page.screenshot(clip=clip))
    return [tuple(row[i : i + 3]) for row in rows for i in range(0, width * bpp, bpp)]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) <= tolerance


# ---- labels -------------------------------------------------------------------------------

PLACED = (
    "[...document.querySelectorAll('.mapper-place')].map(e => {"
    " const r = e.getBoundingClientRect();"
    " return {text: e.textContent, cls: e.className, x: r.x, y: r.y, width: r.width,"
    " height: r.height}; })"
)


def apart(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two boxes (x, y, width, height) that do not overlap (half a pixel of rounding allowed)."""
    return (
        a["x"] + a["width"] <= b["x"] + 0.5
        or b["x"] + b["width"] <= a["x"] + 0.5
        or a["y"] + a["height"] <= b["y"] + 0.5
        or b["y"] + b["height"] <= a["y"] + 0.5
    )


def visible_label(m: Any, labels: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    """A label of that kind whose middle is not under a control or a marker."""
    for label in labels:
        if kind not in label["cls"]:
            continue
        x, y = label["x"] + label["width"] / 2, label["y"] + label["height"] / 2
        under = m.eval(
            f"(() => {{ const e = document.elementFromPoint({x}, {y});"
            " return !!e && !e.closest('.leaflet-control, .leaflet-marker-icon'); })()"
        )
        if under:
            return label
    return None


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_labels_render_offline_without_overlap(open_map, map_file, mode, viewport):
    m = open_map(map_file, *VIEWPORTS[viewport])
    view(m, 51.5, 20.0, 5)
    labels = m.eval(PLACED)
    texts = {label["text"] for label in labels}
    assert "POLAND" in texts, texts
    assert sum("mapper-place-country" in label["cls"] for label in labels) >= 3
    if viewport == "desktop":
        assert {"Warsaw", "Berlin"} <= texts, texts  # capitals at zoom 5
        assert sum("mapper-place-capital" in label["cls"] for label in labels) >= 5
        assert sum("mapper-place-city" in label["cls"] for label in labels) >= 3
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert apart(a, b), (a["text"], b["text"])
    panels = m.eval(
        "[...document.querySelectorAll('.leaflet-control')].map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {text: 'panel', x: r.x, y: r.y, width: r.width, height: r.height}; })"
        ".filter(r => r.width && r.height)"
    )
    for label in labels:
        for panel in panels:
            assert apart(label, panel), (label["text"], panel)
    # On the screenshot: a country name is dark text in a light halo, not hidden.
    label = visible_label(m, labels, "mapper-place-country")
    assert label is not None
    seen = pixels(m, label)
    dark = sum(1 for p in seen if sum(p) < 3 * 150)
    light = sum(1 for p in seen if sum(p) > 3 * 225)
    assert dark >= 15 and light >= 15, (label["text"], dark, light)
    if mode == "rich":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        m.page.screenshot(path=str(ARTIFACTS / f"map_look_labels_{viewport}.png"))
    clean(m)


def test_labels_give_way_by_rank_and_grow_with_zoom(open_map, map_file):
    m = open_map(map_file, *VIEWPORTS["desktop"])
    view(m, 51.5, 20.0, 3)
    far = m.eval(PLACED)
    assert far and all("mapper-place-city" not in label["cls"] for label in far)
    view(m, 51.9, 20.5, 8)
    near = m.eval(PLACED)
    assert sum("mapper-place-city" in label["cls"] for label in near) >= 5
    # Labels follow the view: placed again after a pan, none left outside it.
    view(m, 50.06, 19.94, 8)
    moved = m.eval(PLACED)
    assert "Krakow" in {label["text"] for label in moved} or "Kraków" in {
        label["text"] for label in moved
    }
    assert all(label["x"] >= 0 and label["x"] + label["width"] <= 1400 for label in moved)
    clean(m)


# ---- clusters -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_clusters_carry_the_dominant_category_colour(open_map, map_file, taxonomy, viewport):
    m = open_map(map_file, *VIEWPORTS[viewport])
    view(m, 51.7, 21.5, 4)
    found = m.eval(
        "[...document.querySelectorAll('.mapper-cluster')].map(e => {"
        " const pie = e.querySelector('.mapper-cluster-pie');"
        " const span = pie.querySelector('span'); const r = e.getBoundingClientRect();"
        " return {n: span.textContent, cat: pie.dataset.mapperCat,"
        " border: getComputedStyle(span).borderTopColor, bg: pie.style.background,"
        " x: r.x, y: r.y, width: r.width, height: r.height}; })"
    )
    x, y = m.eval(
        "(() => { const p = window.mapper.map.latLngToContainerPoint([52.2, 20.95]);"
        " return [p.x, p.y]; })()"
    )
    cluster = min(
        found, key=lambda c: abs(c["x"] + c["width"] / 2 - x) + abs(c["y"] + c["height"] / 2 - y)
    )
    assert cluster["n"] == "3", found
    flood, accident = taxonomy.get("flood_storm"), taxonomy.get("accident")
    assert cluster["cat"] == "flood_storm"
    assert cluster["border"] == "rgb({}, {}, {})".format(*hex_rgb(flood.colour))
    assert "conic-gradient" in cluster["bg"]
    # The pie's first slice (two of three members, from 12 o'clock clockwise) is the flood
    # colour, the last (from 8 o'clock) the accident colour: read both off the screenshot.
    cx, cy, size = (
        cluster["x"] + cluster["width"] / 2,
        cluster["y"] + cluster["height"] / 2,
        cluster["width"],
    )
    ring = 0.41 * size
    east = pixels(m, {"x": cx + ring - 1, "y": cy - 1, "width": 2, "height": 2})
    north_west = pixels(
        m, {"x": cx - ring * 0.87 - 1, "y": cy - ring * 0.5 - 1, "width": 2, "height": 2}
    )
    assert close(east[0], hex_rgb(flood.colour)), east
    assert close(north_west[0], hex_rgb(accident.colour)), north_west
    clean(m)


# ---- severity -----------------------------------------------------------------------------


def test_an_area_is_at_least_as_visible_as_a_pin_of_its_severity(open_map, map_file, mode):
    m = open_map(map_file, *VIEWPORTS["desktop"])
    view(m, 49.8, 15.5, 6)
    pin = m.eval(
        "(() => { const b = document.querySelector('.mapper-pin.mapper-c-wildfire"
        " .mapper-pin-body'); const s = getComputedStyle(b);"
        " return {opacity: +s.opacity, border: parseFloat(s.borderTopWidth)}; })()"
    )
    assert pin["opacity"] == 1.0
    if mode == "rich":
        area = m.eval(
            "(() => { const p = document.querySelector('path.mapper-area.mapper-c-wildfire');"
            " return {cls: p.getAttribute('class'), opacity: +p.getAttribute('stroke-opacity'),"
            " fill: +p.getAttribute('fill-opacity'), width: +p.getAttribute('stroke-width'),"
            " dash: p.getAttribute('stroke-dasharray')}; })()"
        )
        assert "mapper-s-3" in area["cls"]
        assert area["opacity"] >= pin["opacity"]
        assert area["width"] >= pin["border"]
        assert area["dash"] is None
        assert area["fill"] >= 0.25
    # Both renderers: the outline is the category's colour at full strength on screen.
    colour = hex_rgb(load_taxonomy("default").get("wildfire").colour)
    edge = m.eval(
        "(() => { const l = window.mapper.layers.find(l => l.cat.id === 'wildfire');"
        " const g = l.areaGroups[0]; const map = window.mapper.map;"
        " const c = map.latLngToContainerPoint([g.lat, g.lon]);"
        " const e = map.latLngToContainerPoint([g.lat, g.lon + g.m / 111320 /"
        " Math.cos(g.lat * Math.PI / 180)]); return [c.x, c.y, e.x - c.x]; })()"
    )
    cx, cy, radius = edge
    strip = pixels(m, {"x": cx + radius - 4, "y": cy, "width": 8, "height": 1})
    assert any(close(p, colour, 30) for p in strip), (strip, colour)
    # Inside, the fill tints the basemap clearly (not a faint wash).
    inside = pixels(m, {"x": cx + radius * 0.6, "y": cy + 2, "width": 1, "height": 1})[0]
    land = (0xF4, 0xF1, 0xEA)
    assert sum(abs(a - b) for a, b in zip(inside, land, strict=True)) >= 60, inside
    if mode == "rich":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        m.page.screenshot(path=str(ARTIFACTS / "map_look_severity.png"))
    clean(m)


def test_pin_size_spans_severity(open_map, map_file):
    m = open_map(map_file, *VIEWPORTS["desktop"])
    view(m, 48.8, 11.3, 8)
    sizes = m.eval(
        "Object.fromEntries([...document.querySelectorAll('.mapper-pin')].map(e =>"
        " [e.className.match(/mapper-s-(\\d)/)[1], e.getBoundingClientRect().width]))"
    )
    # Measured in layout pixels: a zoomed map may give 43.99997 for 44 (sub-pixel rounding).
    assert round(sizes["0"], 2) == 18 and round(sizes["5"], 2) == 44, sizes
    clean(m)
