"""Unit tests of the map renderer: the HTML and the data it embeds."""

from __future__ import annotations

import base64
import gzip
import json
import random
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from mapper.config import RenderConfig
from mapper.errors import RenderError
from mapper.models import Incident
from mapper.render import MapSummary, render_map, render_png, write_iframe_snippet
from mapper.render.assets import icon_name
from mapper.render.data import COMPACT_EVIDENCE_CHARS, day_number, safe_url, script_json
from mapper.render.map import build_html

from .conftest import KYIV, XSS_IMG, XSS_SCRIPT


def embedded(html: str, element_id: str = "mapper-data") -> Any:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def unpack(text: str) -> Any:
    return json.loads(gzip.decompress(base64.b64decode(text)))


def details_of(html: str) -> dict[str, Any]:
    """The popups' details: inline in rich maps, gzipped in their own element in compact ones."""
    data = embedded(html)
    if "details" in data:
        return data["details"]
    match = re.search(r'<script type="text/plain" id="mapper-details">(.*?)</script>', html, re.S)
    assert match and match.group(1), "compact map without details"
    return unpack(match.group(1))


def rows(html: str) -> dict[str, dict[str, Any]]:
    """Every incident on the map by id: its category, drawing columns and details merged."""
    data = embedded(html)
    details = details_of(html)["layers"]
    out = {}
    for cid, cols in data["layers"].items():
        for i in range(len(cols["p"])):
            row: dict[str, Any] = {"category": cid}
            for columns in (cols, details[cid]):
                row.update({k: v[i] for k, v in columns.items() if v[i] is not None})
            out[row["id"]] = row
    return out


def test_writes_html_with_layers_named_by_taxonomy_labels(tmp_path, incidents, taxonomy):
    out = render_map(incidents, taxonomy, RenderConfig(), tmp_path / "out" / "incident_map.html")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    data = embedded(html)
    present = {i.category for i in incidents}
    expected = [c.label for c in taxonomy.categories if c.id in present]
    assert [c["label"] for c in data["categories"]] == expected
    by_id = {c["id"]: c for c in data["categories"]}
    assert by_id["protest_unrest"]["count"] == 2
    assert by_id["airstrike_shelling"]["colour"] == "#d6604d"
    assert "mapper-legend" in html and "L.control.layers" in html


def test_icons_from_font_awesome_4_names():
    assert icon_name("fire") == "fire"
    assert icon_name("handshake-o") == "handshake"
    assert icon_name("no-such-icon-anywhere") == "circle"


def test_no_external_resources_offline(incidents, taxonomy):
    html = build_html(incidents, taxonomy, RenderConfig())
    assert not re.search(r"<(script|img|iframe)[^>]+src=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:|//|\.\./)", html)
    assert "sourceMappingURL" not in html
    assert embedded(html)["tiles"] == []
    assert "tile.openstreetmap" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert "https:" not in csp
    assert "unsafe-inline" not in directives["script-src"]


def test_online_tiles_only_when_asked(incidents, taxonomy):
    config = RenderConfig(tile_keys={"CartoDB.Positron": "k3y"})
    html = build_html(incidents, taxonomy, config, online=True)
    tiles = embedded(html)["tiles"]
    assert [t["name"] for t in tiles] == ["OpenStreetMap.Mapnik", "CartoDB.Positron"]
    assert tiles[0]["url"].startswith("https://")
    assert "k3y" in tiles[1]["url"]
    assert "https:" in re.search(r"img-src ([^;]+)", html).group(1)
    keyless = embedded(build_html(incidents, taxonomy, RenderConfig(), online=True))["tiles"]
    assert [t["name"] for t in keyless] == ["OpenStreetMap.Mapnik"]
    with pytest.raises(RenderError, match="unknown tile provider"):
        build_html(incidents, taxonomy, RenderConfig(online_tiles=["Nope.Nothing"]), online=True)


@pytest.mark.parametrize("threshold", [2000, 3], ids=["rich", "compact"])
def test_byte_identical_for_same_incidents_in_any_order(tmp_path, incidents, taxonomy, threshold):
    config = RenderConfig(cluster_threshold=threshold)
    summary = MapSummary(articles=8, incidents=7, generated="2024-03-06T10:00:00Z")
    first = render_map(incidents, taxonomy, config, tmp_path / "a.html", summary=summary)
    shuffled = incidents[:]
    random.Random(7).shuffle(shuffled)
    second = render_map(shuffled, taxonomy, config, tmp_path / "b.html", summary=summary)
    assert first.read_bytes() == second.read_bytes()


def test_summary_without_timestamp_by_default(incidents, taxonomy):
    summary = embedded(build_html(incidents, taxonomy, RenderConfig()))["summary"]
    assert summary == {
        "articles": 8,
        "incidents": 7,
        "from": "2024-01-15",
        "to": "2024-03-05",
        "asOf": "2024-03-05",
        "generated": None,
    }


def test_places_keep_their_precision_and_extent(incidents, taxonomy):
    html = build_html(incidents, taxonomy, RenderConfig())
    places = embedded(html)["places"]
    by_id = rows(html)
    russia = places[by_id["inc-arms"]["p"]]
    kyiv = places[by_id["inc-kyiv"]["p"]]
    assert russia[3] == "country" and russia[5] == 2300.0
    assert kyiv[3] == "city"
    # Coordinates are the resolved place's, never jittered: one place row for both.
    assert by_id["inc-paris-1"]["p"] == by_id["inc-paris-2"]["p"]
    assert kyiv[:3] == ["Kyiv", 50.45466, 30.5238]


def test_flows_carry_origin_and_destination(incidents, taxonomy):
    html = build_html(incidents, taxonomy, RenderConfig())
    places = embedded(html)["places"]
    arms = rows(html)["inc-arms"]
    assert places[arms["o"]][0] == "North Korea"
    assert places[arms["x"]][0] == "Russia"
    assert "o" not in rows(html)["inc-kyiv"]
    # A category without flows carries no flow columns at all.
    assert "o" not in embedded(html)["layers"]["airstrike_shelling"]


def test_sources_deduplicated_and_facts_only_reported(incidents, taxonomy):
    html = build_html(incidents, taxonomy, RenderConfig())
    kyiv = rows(html)["inc-kyiv"]
    sources = details_of(html)["sources"]
    assert [sources[i][0] for i in kyiv["src"]] == ["Strike hits Kyiv", "Kyiv attacked"]
    assert kyiv["f"] == {"killed": 3, "injured": 12}
    assert "f" not in rows(html)["inc-paris-1"]


def test_days_for_the_time_filter(incidents, taxonomy):
    by_id = rows(build_html(incidents, taxonomy, RenderConfig()))
    assert by_id["inc-kyiv"]["day"] == (date(2024, 3, 1) - date(1970, 1, 1)).days
    assert "day" not in by_id["inc-paris-2"]  # undated
    assert by_id["inc-kyiv"]["d"] == "2024-03-01"  # shown as written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-03", date(2024, 3, 1)),
        ("2024", date(2024, 1, 1)),
        ("2024-03-01T10:00:00Z", date(2024, 3, 1)),
        ("1969-12-31", date(1969, 12, 31)),
        ("2024-02-30", None),
        ("March 2024", None),
        ("", None),
        (None, None),
    ],
)
def test_day_number(text, expected):
    days = None if expected is None else (expected - date(1970, 1, 1)).days
    assert day_number(text) == days


@pytest.mark.parametrize("threshold", [2000, 3], ids=["rich", "compact"])
def test_hostile_strings_never_reach_html_as_markup(incidents, hostile, taxonomy, threshold):
    html = build_html([*incidents, hostile], taxonomy, RenderConfig(cluster_threshold=threshold))
    for element in ("mapper-data", "mapper-details"):
        text = re.search(rf'id="{element}">(.*?)</script>', html, re.S).group(1)
        assert "<" not in text and ">" not in text
    for needle in (XSS_SCRIPT, XSS_IMG, "<img src=x", "javascript:", "data:text/html"):
        assert needle not in html
    row = rows(html)["inc-xss"]
    assert XSS_SCRIPT in row["t"]  # kept as text, shown with textContent
    urls = [details_of(html)["sources"][i][1] for i in row["src"]]
    assert urls == [None, None]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,x", None),
        ("//example.org/x", None),
        ("https:///nohost", None),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://[::1/x", None),
        ("https://example.org/a b", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_script_json_cannot_close_its_element():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_unknown_category_drawn_as_fallback(incidents, taxonomy, caplog):
    stray = replace(incidents[0], incident_id="stray", category="not_a_category")
    data = embedded(build_html([stray], taxonomy, RenderConfig()))
    assert [c["id"] for c in data["categories"]] == ["other"]
    assert "not in taxonomy" in caplog.text


def test_compact_mode_above_threshold(incidents, taxonomy):
    html = build_html(incidents, taxonomy, RenderConfig(cluster_threshold=3))
    data = embedded(html)
    assert data["compact"] is True and "details" not in data
    # Only what drawing and filtering need is parsed before the first frame.
    assert set(data["layers"]["airstrike_shelling"]) == {"p", "s", "day"}
    assert set(data["layers"]["military_cooperation"]) == {"p", "s", "day", "o", "x"}
    assert set(rows(html)) == {i.incident_id for i in incidents}
    plain = build_html(incidents, taxonomy, RenderConfig())
    assert embedded(plain)["compact"] is False
    assert rows(html) == rows(plain)
    assert '<script type="text/plain" id="mapper-details"></script>' in plain


def test_compact_mode_cuts_long_evidence(incidents, taxonomy):
    long = replace(incidents[0], evidence="word " * 200)
    compact = rows(build_html([long], taxonomy, RenderConfig(cluster_threshold=0)))
    assert len(compact["inc-kyiv"]["e"]) <= COMPACT_EVIDENCE_CHARS + 1
    assert compact["inc-kyiv"]["e"].endswith("…")
    rich = rows(build_html([long], taxonomy, RenderConfig()))
    assert rich["inc-kyiv"]["e"] == long.evidence


def test_empty_map_still_renders(tmp_path, taxonomy):
    out = render_map([], taxonomy, RenderConfig(), tmp_path / "empty.html")
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["categories"] == [] and data["summary"]["incidents"] == 0


def test_embed_variant_and_iframe_snippet(tmp_path, incidents, taxonomy):
    config = RenderConfig(embed_width=800, embed_height=500, title='Report "map" <1>')
    out = render_map(incidents, taxonomy, config, tmp_path / "incident_map.html", embed=True)
    html = out.read_text(encoding="utf-8")
    assert embedded(html)["size"] == [800, 500]
    assert 'class="mapper-embed"' in html
    snippet = write_iframe_snippet(out, config=config)
    assert snippet.name == "incident_map.iframe.html"
    text = snippet.read_text(encoding="utf-8")
    assert 'src="incident_map.html"' in text and 'width="800"' in text and 'height="500"' in text
    assert "&quot;map&quot; &lt;1&gt;" in text


def test_render_png_without_chromium_is_a_clear_error(tmp_path, monkeypatch, incidents, taxonomy):
    out = render_map(incidents, taxonomy, RenderConfig(), tmp_path / "m.html")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(RenderError, match="needs headless Chromium") as info:
        render_png(out, tmp_path / "m.png")
    assert "\n" not in str(info.value)


def test_unwritable_output_is_a_render_error(tmp_path, incidents, taxonomy):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RenderError, match="cannot write"):
        render_map(incidents, taxonomy, RenderConfig(), blocker / "sub" / "m.html")


def test_large_maps_stay_small(taxonomy):
    """5,000 incidents switch to compact mode and stay far below 250 bytes each."""
    rng = random.Random(1)
    many = [
        Incident(
            incident_id=f"i{n}",
            category=rng.choice(taxonomy.ids),
            place=replace(KYIV, lat=rng.uniform(-50, 60), lon=rng.uniform(-170, 170)),
            title=f"Incident number {n} in a synthetic town",
            date=f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        )
        for n in range(5000)
    ]
    html = build_html(many, taxonomy, RenderConfig())
    assert embedded(html)["compact"] is True
    assert len(html.encode()) < 1_500_000 + 5000 * 250


def test_map_credits_every_data_source_and_tiles_only_online(incidents, taxonomy):
    from mapper.attribution import DATA_SOURCES

    offline = embedded(build_html(incidents, taxonomy, RenderConfig()))
    assert [c["name"] for c in offline["attribution"]] == [s.name for s in DATA_SOURCES]
    geonames = offline["attribution"][0]
    assert geonames == {
        "name": "GeoNames",
        "url": "https://www.geonames.org/",
        "license": "CC BY 4.0",
        "licenseUrl": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert "OpenStreetMap" not in json.dumps(offline["attribution"])
    config = RenderConfig(tile_keys={"CartoDB.Positron": "k3y"})
    tiles = embedded(build_html(incidents, taxonomy, config, online=True))["tiles"]
    assert [[c["name"] for c in t["credits"]] for t in tiles] == [
        ["OpenStreetMap contributors"],
        ["OpenStreetMap contributors", "CARTO"],
    ]


def test_cached_assets_and_basemap_give_the_same_page(tmp_path, monkeypatch, incidents, taxonomy):
    from mapper.render import assets, basemap

    cold = tmp_path / "cold"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cold))
    for cached in (assets.library_assets, basemap.basemap_geojson):
        cached.cache_clear()  # the per-process copy: read the user cache as a new run would
    first = build_html(incidents, taxonomy, RenderConfig())
    written = sorted(p.name.rsplit("-", 1)[0] for p in (cold / "mapper").iterdir())
    assert written == ["map-assets", "map-basemap"]
    for cached in (assets.library_assets, basemap.basemap_geojson):
        cached.cache_clear()
    assert build_html(incidents, taxonomy, RenderConfig()) == first
    for path in (cold / "mapper").iterdir():  # a damaged cache is computed again
        path.write_text("{not json", encoding="utf-8")
    for cached in (assets.library_assets, basemap.basemap_geojson):
        cached.cache_clear()
    assert build_html(incidents, taxonomy, RenderConfig()) == first
