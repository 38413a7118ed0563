"""Unit tests of the map renderer: the HTML and the data it embeds."""

from __future__ import annotations

import base64
import gzip
import json
import random
import re
from dataclasses import replace
from typing import Any

import pytest

from mapper.config import RenderConfig
from mapper.errors import RenderError
from mapper.models import Incident
from mapper.render import MapSummary, render_map, render_png, write_iframe_snippet
from mapper.render.assets import icon_name
from mapper.render.data import safe_url, script_json
from mapper.render.map import build_html

from .conftest import KYIV, XSS_IMG, XSS_SCRIPT


def embedded(html: str, element_id: str = "mapper-data") -> Any:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def body_of(data: dict[str, Any]) -> dict[str, Any]:
    """Layers and tables, unpacked when the map is in compact mode."""
    if "packed" not in data:
        return data
    body = unpack(data["packed"])
    details = unpack(data["details"])
    for cid, layer in body["layers"].items():
        for feature, extra in zip(layer["features"], details[cid], strict=True):
            feature["properties"].update(extra)
    return body


def unpack(text: str) -> Any:
    return json.loads(gzip.decompress(base64.b64decode(text)))


def features(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    body = body_of(data)
    return {
        f["properties"]["id"]: f for layer in body["layers"].values() for f in layer["features"]
    }


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


def test_byte_identical_for_same_incidents_in_any_order(tmp_path, incidents, taxonomy):
    summary = MapSummary(articles=8, incidents=7, generated="2024-03-06T10:00:00Z")
    first = render_map(incidents, taxonomy, RenderConfig(), tmp_path / "a.html", summary=summary)
    shuffled = incidents[:]
    random.Random(7).shuffle(shuffled)
    second = render_map(shuffled, taxonomy, RenderConfig(), tmp_path / "b.html", summary=summary)
    assert first.read_bytes() == second.read_bytes()


def test_summary_without_timestamp_by_default(incidents, taxonomy):
    summary = embedded(build_html(incidents, taxonomy, RenderConfig()))["summary"]
    assert summary == {
        "articles": 8,
        "incidents": 7,
        "from": "2024-01-15",
        "to": "2024-03-05",
        "generated": None,
    }


def test_places_keep_their_precision_and_extent(incidents, taxonomy):
    data = embedded(build_html(incidents, taxonomy, RenderConfig()))
    places = data["places"]
    feats = features(data)
    russia = places[feats["inc-arms"]["properties"]["p"]]
    kyiv = places[feats["inc-kyiv"]["properties"]["p"]]
    assert russia[3] == "country" and russia[5] == 2300.0
    assert kyiv[3] == "city"
    # Coordinates are the resolved place's, never jittered, in GeoJSON order.
    assert feats["inc-paris-1"]["geometry"] == feats["inc-paris-2"]["geometry"]
    assert feats["inc-kyiv"]["geometry"]["coordinates"] == [30.5238, 50.45466]


def test_flows_carry_origin_and_destination(incidents, taxonomy):
    data = embedded(build_html(incidents, taxonomy, RenderConfig()))
    props = features(data)["inc-arms"]["properties"]
    assert data["places"][props["o"]][0] == "North Korea"
    assert data["places"][props["x"]][0] == "Russia"
    assert "o" not in features(data)["inc-kyiv"]["properties"]


def test_sources_deduplicated_and_facts_only_reported(incidents, taxonomy):
    data = embedded(build_html(incidents, taxonomy, RenderConfig()))
    props = features(data)["inc-kyiv"]["properties"]
    assert [data["sources"][i][0] for i in props["src"]] == ["Strike hits Kyiv", "Kyiv attacked"]
    assert props["f"] == {"killed": 3, "injured": 12}
    assert "f" not in features(data)["inc-paris-1"]["properties"]


def test_hostile_strings_never_reach_html_as_markup(incidents, hostile, taxonomy):
    html = build_html([*incidents, hostile], taxonomy, RenderConfig())
    data_text = re.search(r'id="mapper-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data_text and ">" not in data_text
    for needle in (XSS_SCRIPT, XSS_IMG, "<img src=x", "javascript:", "data:text/html"):
        assert needle not in html
    props = features(embedded(html))["inc-xss"]["properties"]
    assert XSS_SCRIPT in props["t"]  # kept as text, shown with textContent
    urls = [embedded(html)["sources"][i][1] for i in props["src"]]
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
    config = RenderConfig(cluster_threshold=3)
    data = embedded(build_html(incidents, taxonomy, config))
    assert data["compact"] is True and "layers" not in data
    slim = unpack(data["packed"])["layers"]["airstrike_shelling"]["features"][0]["properties"]
    assert set(slim) == {"id", "p", "s", "d", "t"}  # popup-only properties come later
    assert set(features(data)) == {i.incident_id for i in incidents}
    plain = embedded(build_html(incidents, taxonomy, RenderConfig()))
    assert plain["compact"] is False
    assert body_of(data)["layers"] == plain["layers"]


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
