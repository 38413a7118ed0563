"""The map's data written in pieces: the same bytes as one dump, without holding it whole."""

from __future__ import annotations

import base64
import gzip
import json
import tracemalloc
from dataclasses import replace

import pytest

from mapper.config import RenderConfig
from mapper.render import render_map
from mapper.render.data import json_chunks, pack, pack_chunks, script_json, script_json_chunks
from mapper.render.map import build_html, html_chunks


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _old_pack(value: object) -> str:
    """How the details were packed before they were packed in pieces."""
    raw = _dump(value).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, 6, mtime=0)).decode("ascii")


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        "a <script> & more",
        7,
        None,
        {"a": []},
        {"a": {"b": [1, 2.5, None, "x<"], "c": (1, 2)}, "d": [[1, 2], [3, [4]]]},
        [{"x": 1}] * 2500,
        {"column": list(range(3001))},
        {"é": ["ü\u2028"] * 10},
        {1: 2, "b": 3},  # keys json.dumps converts itself
        {True: 1},
    ],
)
def test_json_chunks_join_into_one_dump(value):
    assert "".join(json_chunks(value)) == _dump(value)
    assert "".join(script_json_chunks(value)) == script_json(value)


def test_json_chunks_refuse_nan_as_one_dump_does():
    with pytest.raises(ValueError):
        "".join(json_chunks({"a": [1.0, float("nan")]}))


@pytest.mark.parametrize("rows", [0, 1, 10, 4000, 60000])
def test_pack_chunks_give_the_bytes_of_one_gzip(rows):
    value = {
        "sources": [
            [f"title {n}", f"https://example.org/{n * 7919 % 100003}", n] for n in range(rows)
        ],
        "layers": {"quake": {"id": [f"i{n:06d}" for n in range(rows)], "n": [None] * rows}},
    }
    packed = pack(value)
    assert packed == _old_pack(value)
    assert "".join(pack_chunks(value)) == packed
    assert json.loads(gzip.decompress(base64.b64decode(packed))) == value


def test_pack_holds_no_whole_copy_of_the_text():
    # About 12 MB of JSON: a one-shot dump and its bytes held over 24 MB at once.
    value = {"t": [f"evidence {n} " + "x" * 100 for n in range(100_000)]}
    tracemalloc.start()
    try:
        for _ in pack_chunks(value):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(_dump(value)) > 11_000_000
    assert peak < 3_000_000


@pytest.mark.parametrize("threshold", [0, 10_000])
def test_render_map_writes_the_page_build_html_returns(tmp_path, incidents, taxonomy, threshold):
    config = replace(RenderConfig(), cluster_threshold=threshold)
    out = render_map(incidents, taxonomy, config, tmp_path / "map.html")
    page = build_html(incidents, taxonomy, config)
    assert out.read_bytes() == page.encode("utf-8")
    assert "".join(html_chunks(incidents, taxonomy, config)) == page
    assert "@DATA@" not in page and "@DETAILS@" not in page
