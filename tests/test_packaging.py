"""What a new user's install depends on: declared imports, package data, licence, one version."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from importlib import metadata, resources
from pathlib import Path

import mapper
from mapper.attribution import DATA_SOURCES, TILE_SOURCES, tile_sources
from mapper.config import SAMPLE_INPUT, load_config
from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DIST = PYPROJECT["project"]["name"]


def _dist_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(spec: str) -> tuple[str, list[str]]:
    """A requirement's distribution name and the extras it asks for."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
    assert match, spec
    extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return _dist_key(match.group(1)), extras


def _declared(extras_to_expand: list[str]) -> set[str]:
    """The distributions the core and the given extras declare (self-references expanded)."""
    optional = PYPROJECT["project"]["optional-dependencies"]
    declared: set[str] = set()
    pending = [("", PYPROJECT["project"]["dependencies"])]
    pending += [(name, optional[name]) for name in extras_to_expand]
    seen: set[str] = set()
    while pending:
        extra, specs = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for spec in specs:
            name, wanted = _requirement(spec)
            if name == _dist_key(DIST):
                pending += [(e, optional[e]) for e in wanted]
            else:
                declared.add(name)
    return declared


def _imports() -> dict[str, list[tuple[str, bool]]]:
    """Third-party top-level module -> [(file, imported at module level?)] over mapper/."""
    found: dict[str, list[tuple[str, bool]]] = {}
    package = REPO / "mapper"

    def visit(node: ast.AST, path: str, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [child.module]
            for name in names:
                top = name.split(".")[0]
                if top != "mapper" and top not in sys.stdlib_module_names:
                    found.setdefault(top, []).append((path, not in_function))
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            # `if TYPE_CHECKING:` imports never run.
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            visit(child, path, nested)

    for path in sorted(package.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(REPO)), False)
    return found


def test_every_third_party_import_is_a_declared_dependency():
    core = _declared([])
    extras = {
        name: _declared([name]) - core
        for name in PYPROJECT["project"]["optional-dependencies"]
        if name not in ("test", "dev")
    }
    owners = metadata.packages_distributions()
    problems = []
    for module, places in sorted(_imports().items()):
        dists = {_dist_key(d) for d in owners.get(module, [])}
        if not dists:
            problems.append(f"{module} (imported in {places[0][0]}) is not installed")
        elif dists & core:
            continue
        elif in_extra := [name for name, deps in extras.items() if dists & deps]:
            # An extra's module is imported only inside the function that needs it.
            eager = [path for path, top_level in places if top_level]
            if eager:
                problems.append(f"{module} (extra {in_extra[0]}) imported at module level: {eager}")
        else:
            problems.append(f"{module} ({sorted(dists)}) is not declared, used in {places[0][0]}")
    assert problems == []


def test_the_scan_sees_the_imports_that_used_to_be_undeclared():
    imports = _imports()
    assert "pycountry" in imports and "dateutil" in imports
    assert {"pycountry", "python-dateutil"} <= _declared([])
    assert "pyarrow" in _declared(["parquet"]) and "distributed" in _declared(["dask"])


def test_distribution_name_and_single_version_source():
    assert DIST == "incident-mapper"
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "mapper.version.__version__"
    }
    assert metadata.version(DIST) == mapper.__version__
    assert PYPROJECT["project"]["scripts"] == {"mapper": "mapper.cli:main"}


def test_no_message_or_doc_advises_the_unrelated_mapper_distribution():
    texts = [REPO / "README.md", *(REPO / "mapper").rglob("*.py"), *(REPO / "bench").glob("*.py")]
    stale = [str(p.relative_to(REPO)) for p in texts if "'mapper[" in p.read_text("utf-8")]
    assert stale == []


def test_license_and_typing_marker_ship():
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "the mapper developers" in license_text
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (resources.files("mapper") / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["mapper"]


def test_sample_batch_is_package_data_and_the_default_input():
    sample = resources.files("mapper") / "examples" / "articles.jsonl"
    assert Path(SAMPLE_INPUT) == Path(str(sample))
    lines = sample.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 53 and json.loads(lines[0])["id"] == "sample-001"
    assert load_config(None).input == [SAMPLE_INPUT]
    # One copy of the data in the repository: examples/ only documents it.
    assert not (REPO / "examples" / "articles.jsonl").exists()
    assert "mapper/examples/articles.jsonl" in (REPO / "examples" / "README.md").read_text()


def test_readme_credits_every_data_source():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Data and attribution") :]
    for source in (*DATA_SOURCES, *TILE_SOURCES):
        assert source.url in section and source.license in section, source.name


def test_tile_sources_follow_the_provider_family():
    assert [s.name for s in tile_sources("OpenStreetMap.Mapnik")] == ["OpenStreetMap contributors"]
    assert [s.name for s in tile_sources("CartoDB.Positron")] == [
        "OpenStreetMap contributors",
        "CARTO",
    ]
    assert tile_sources("Esri.WorldImagery") == ()
