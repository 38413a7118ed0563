"""Synthetic incidents and a shared headless Chromium for the map's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mapper.events.taxonomy import Category, Taxonomy
from mapper.models import Facts, Incident, Place, Source
from mapper.render.png import BROWSER_FLAGS

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = list(BROWSER_FLAGS)

# Hostile strings: if any ran, it would set window.__xss or open a dialog.
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=2">'
XSS_URL = "javascript:window.__xss=3"


def _taxonomy() -> Taxonomy:
    rows = [
        ("armed_conflict", "Armed conflict", "#b2182b", "crosshairs"),
        ("airstrike_shelling", "Airstrikes and shelling", "#d6604d", "plane"),
        ("protest_unrest", "Protests and unrest", "#f4a582", "bullhorn"),
        ("military_cooperation", "Arms transfers and military cooperation", "#2166ac", "exchange"),
        ("diplomacy_sanctions", "Diplomacy and sanctions", "#4393c3", "handshake-o"),
        ("earthquake", "Earthquakes", "#8c510a", "bullseye"),
        ("wildfire", "Wildfires", "#e66101", "fire"),
        ("other", "Other", "#bababa", "info-circle"),
    ]
    return Taxonomy("test", tuple(Category(*row) for row in rows), fallback="other")


KYIV = Place("geonames:703448", "Kyiv", 50.45466, 30.5238, "city", "city", "UA", extent_km=15)
KHARKIV = Place("geonames:706483", "Kharkiv", 49.98081, 36.25272, "city", "city", "UA")
PARIS = Place("geonames:2988507", "Paris", 48.85341, 2.3488, "city", "city", "FR", extent_km=10)
LIMA = Place("geonames:3936456", "Lima", -12.04318, -77.02824, "city", "city", "PE")
RUSSIA = Place("ne:RUS", "Russia", 61.98, 96.69, "country", "country", "RU", extent_km=2300)
NORTH_KOREA = Place(
    "ne:PRK", "North Korea", 40.15, 127.19, "country", "country", "KP", extent_km=200
)
TURKEY = Place("ne:TUR", "Turkey", 39.06, 35.18, "country", "country", "TR", extent_km=500)


def _incidents() -> list[Incident]:
    return [
        Incident(
            incident_id="inc-kyiv",
            category="airstrike_shelling",
            place=KYIV,
            facts=Facts(killed=3, injured=12),
            severity=3,
            severity_reason="3 killed",
            date="2024-03-01",
            title="Missile strike on Kyiv",
            evidence="A missile hit a residential block in Kyiv overnight, officials in kyiv said.",
            place_reason="the only Kyiv with a population over 1,000",
            article_ids=("a1", "a2"),
            sources=(
                Source(
                    "a1", "Strike hits Kyiv", "https://news.example.org/kyiv", "Wire", "2024-03-01"
                ),
                Source("a2", "Kyiv attacked", None, "Daily", "2024-03-02"),
                Source(
                    "a1", "Strike hits Kyiv", "https://news.example.org/kyiv", "Wire", "2024-03-01"
                ),
            ),
        ),
        Incident(
            incident_id="inc-kharkiv",
            category="armed_conflict",
            place=KHARKIV,
            facts=Facts(killed=1),
            severity=2,
            severity_reason="1 killed",
            date="2024-02-20",
            title="Clashes near Kharkiv",
            evidence="Fighting continued near Kharkiv.",
            article_ids=("a3",),
            sources=(Source("a3", "Kharkiv clashes", "http://example.com/k", "Agency", None),),
        ),
        Incident(
            incident_id="inc-paris-1",
            category="protest_unrest",
            place=PARIS,
            severity=1,
            severity_reason="no casualties reported",
            date="2024-02-10",
            title="Farmers protest in Paris",
            article_ids=("a4",),
        ),
        Incident(
            incident_id="inc-paris-2",
            category="protest_unrest",
            place=PARIS,
            severity=1,
            date=None,
            title="Second rally in Paris",
            article_ids=("a5",),
        ),
        Incident(
            incident_id="inc-arms",
            category="military_cooperation",
            place=RUSSIA,
            severity=1,
            severity_reason="casualty-free category",
            date="2024-03-05",
            title="Arms shipment from North Korea to Russia",
            evidence="North Korea shipped artillery shells to Russia.",
            place_reason="country named in the text",
            article_ids=("a6",),
            origin=NORTH_KOREA,
            destination=RUSSIA,
        ),
        Incident(
            incident_id="inc-quake",
            category="earthquake",
            place=TURKEY,
            facts=Facts(killed=40, magnitude=6.1),
            severity=4,
            date="2024-01-15",
            title="Earthquake in Turkey",
            article_ids=("a7",),
        ),
        Incident(
            incident_id="inc-fire",
            category="wildfire",
            place=LIMA,
            facts=Facts(area_burned_ha=120.5),
            severity=2,
            date="2024-02-01",
            title="Wildfire near Lima",
            article_ids=("a8",),
        ),
    ]


def _hostile() -> Incident:
    return Incident(
        incident_id="inc-xss",
        category="other",
        place=Place("geonames:1", f"Evil{XSS_IMG}town", -33.9, 18.4, "city", "city", "ZA"),
        facts=Facts(killed=7),
        severity=2,
        severity_reason=XSS_SCRIPT,
        date="2024-03-03",
        title=f"Title {XSS_SCRIPT} and {XSS_IMG}",
        evidence=f"Evidence {XSS_SCRIPT} in Evil{XSS_IMG}town </script><script>window.__xss=4",
        place_reason=XSS_IMG,
        article_ids=("x1",),
        sources=(
            Source("x1", f"Source {XSS_IMG}", XSS_URL, f"Outlet {XSS_SCRIPT}", "2024-03-03"),
            Source("x2", "Data URL", "data:text/html,<script>window.__xss=5</script>", "O", None),
        ),
    )


@pytest.fixture
def taxonomy() -> Taxonomy:
    return _taxonomy()


@pytest.fixture
def incidents() -> list[Incident]:
    return _incidents()


@pytest.fixture
def hostile() -> Incident:
    return _hostile()


# ---- browser ------------------------------------------------------------------------------


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session; skipped (outside CI) when absent."""
    path = chromium_path()
    in_ci = os.environ.get("CI") == "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            pytest.fail("playwright is not installed")
        pytest.skip("browser tests skipped: the playwright package is not installed")
    if path is None:
        if in_ci:
            pytest.fail("headless Chromium not found on PATH (Debian package chromium)")
        pytest.skip("browser tests skipped: no chromium/chromium-browser/google-chrome on PATH")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class MapPage:
    """A loaded map with everything the page did that a test may assert on."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def eval(self, script: str) -> Any:
        return self.page.evaluate(script)


@pytest.fixture
def open_map(browser: Any) -> Iterator[Any]:
    """Open a map file with all network blocked; returns a MapPage once the map is drawn."""
    contexts: list[Any] = []

    def _open(path: Path, width: int = 1280, height: int = 800) -> MapPage:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        url = path.resolve().as_uri()
        result = MapPage(page=page, url=url)
        page.on("pageerror", lambda exc: result.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                result.errors.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )

        def dialog(d: Any) -> None:
            result.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

        def route(r: Any) -> None:
            target = r.request.url
            if target == url or target.startswith(("data:", "blob:")):
                r.continue_()
            else:
                result.outside.append(target)
                r.abort()

        context.route("**/*", route)
        page.goto(url)
        page.wait_for_function(
            "() => window.mapper && window.mapper.ready === true", timeout=30_000
        )
        return result

    yield _open
    for context in contexts:
        context.close()
