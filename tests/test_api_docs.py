"""The documentation runs: docs/api.md and the API's docstrings under doctest, and the
notebook-style example as a user would run it."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

import mapper
from mapper import api
from tests.conftest import REPO

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_docs_api_md_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write into ./out
    result = doctest.testfile(
        str(REPO / "docs" / "api.md"), module_relative=False, optionflags=FLAGS, verbose=False
    )
    assert result.attempted >= 25
    assert result.failed == 0
    assert (tmp_path / "out" / "incidents.geojson").is_file()


@pytest.mark.parametrize("module", [mapper, api], ids=["mapper", "mapper.api"])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=FLAGS, verbose=False)
    assert result.attempted >= 1 and result.failed == 0


def test_notebook_example_runs_with_only_import_mapper(tmp_path):
    script = REPO / "examples" / "notebook.py"
    imports = [
        line
        for line in script.read_text().splitlines()
        if line.lstrip().startswith(("import ", "from "))
    ]
    assert all("mapper." not in line and "from mapper" not in line for line in imports)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    places = [line.split("(")[0].split() for line in lines[:3]]
    assert places == [[n, "->", f"{n},", "JO"] for n in ("Amman", "Irbid", "Jordan")]
    assert "{'killed': 6, 'missing': 2}" in lines[3]
    assert "4 articles -> 3 incidents" in lines  # the two Antofagasta reports are one
    [quake] = [line.split() for line in lines if " earthquake " in line and "CL" in line]
    assert quake[quake.index("CL") + 1] == "5"  # the later toll
    assert "GeoDataFrame EPSG:4326" in lines  # geopandas is in the test extra
    assert (tmp_path / "notebook-output" / "incidents.geojson").is_file()
    assert not (tmp_path / "notebook-output" / "incident_map.html").exists()
