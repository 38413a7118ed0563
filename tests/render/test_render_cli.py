"""`mapper render --embed` and `--png` through the command line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.cli import main
from mapper.export import write_geojson

from .conftest import _incidents, chromium_path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def geojson(tmp_path: Path) -> Path:
    return write_geojson(_incidents(), tmp_path / "incidents.geojson")


def render(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["render", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_render_embed_writes_a_map_and_a_responsive_iframe_snippet(tmp_path, geojson):
    out = tmp_path / "report" / "map.html"
    code, output = render(
        "--input", str(geojson), "--out", str(out), "--embed",
        "--set", "render.embed_width=700", "--set", "render.embed_height=450",
        "--set", "render.title=Weekly report",
    )  # fmt: skip
    assert code == 0, output
    snippet = out.with_name("map.iframe.html")
    assert f"wrote {out}" in output and f"wrote {snippet}" in output
    text = snippet.read_text(encoding="utf-8")
    # A wrapper that keeps the aspect ratio (450/700) around an iframe filling it.
    iframe = re.fullmatch(
        r'<div class="mapper-embed-frame" style="[^"]*padding-top:64.2857%">'
        r"<iframe ([^>]*)></iframe></div>\n",
        text,
    )
    assert iframe, text
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', iframe.group(1)))
    # The snippet sits beside the map, so it refers to it by name; same size and title.
    assert attrs["src"] == "map.html" and (snippet.parent / attrs["src"]).is_file()
    assert (attrs["width"], attrs["height"], attrs["title"]) == ("700", "450", "Weekly report")
    html = out.read_text(encoding="utf-8")
    assert 'class="mapper-embed"' in html and '"size":[700,450]' in html


@pytest.mark.browser
@pytest.mark.parametrize(
    ("extra", "size"),
    [([], (1280, 800)), (["--embed", "--set", "render.embed_width=640"], (640, 600))],
    ids=["full", "embed"],
)
def test_render_png_writes_a_png(tmp_path, geojson, extra, size):
    if chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("headless Chromium not found on PATH (Debian package chromium)")
        pytest.skip("--png needs chromium/chromium-browser/google-chrome on PATH; none found")
    out, png = tmp_path / "map.html", tmp_path / "img" / "map.png"
    code, output = render("--input", str(geojson), "--out", str(out), "--png", str(png), *extra)
    assert code == 0, output
    assert f"wrote {png}" in output
    data = png.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    # The IHDR chunk holds the size: the window, or the embedded map's fixed size.
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == size


def test_render_png_without_chromium_is_one_clear_line(tmp_path, geojson, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    result = CliRunner().invoke(
        main, ["render", "--input", str(geojson), "--png", str(tmp_path / "m.png")]
    )
    assert result.exit_code != 0
    assert "needs headless Chromium" in result.output
    assert not (tmp_path / "m.png").exists()
