"""Benchmark the incident map: HTML size and time to first render for synthetic incidents.

Run from the repository root: ``python bench/bench_map.py [--sizes 1000 10000 100000] [--runs 3]``.

What is measured, per size:

- render (s): Python time to write the map (``render_map``), after one warm-up render so the
  once-per-process costs (library assets, basemap) are not counted against any size.
- HTML (MB): the file's size.
- first render (s): in headless Chromium (when found on PATH), with all network blocked, from
  navigation start until the map is drawn: the page's script has put every marker or cluster
  (and the areas and flows) on the map and the browser has painted two frames since
  (``window.mapper.timings.ready``, milliseconds since navigation start). The median and the
  slowest of ``--runs`` fresh page loads are shown, with how many markers and clusters are on
  screen then, so "drawn" can be checked.
- details (s): when popups and search have their data too (compact maps unpack it after the
  first render; rich maps carry it inline).
- CPU (s): main-thread CPU time of the page's renderer until then (Chromium's ThreadTime
  metric): unlike the wall-clock figures it barely moves when other processes share the cores.
- labels: basemap place names placed in the first view (the fitted one).

Also printed once: the bytes every map carries for the offline basemap, outlines and labels.

Target (../shared/ANCHORS.md): 100,000 incidents under 25 MB, drawn in under 3 s.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import string
import tempfile
import time
from pathlib import Path

from mapper.config import RenderConfig
from mapper.errors import MapperError
from mapper.events.taxonomy import Category, Taxonomy, load_taxonomy
from mapper.models import Facts, Incident, Place, Source
from mapper.render.basemap import basemap_geojson
from mapper.render.map import render_map
from mapper.render.png import BROWSER_FLAGS

SEED = 20240306
CHROMIUM_ARGS = list(BROWSER_FLAGS)
WORDS = [
    "officials",
    "said",
    "the",
    "attack",
    "killed",
    "people",
    "near",
    "town",
    "village",
    "province",
    "district",
    "forces",
    "residents",
    "reported",
    "heavy",
    "damage",
    "after",
    "overnight",
    "strikes",
    "on",
    "the",
    "area",
    "emergency",
    "services",
    "rescue",
    "teams",
    "were",
    "searching",
    "for",
    "survivors",
    "while",
    "authorities",
    "announced",
    "an",
    "investigation",
]


def taxonomy() -> Taxonomy:
    try:
        return load_taxonomy("default")
    except (MapperError, ValueError) as exc:  # the YAML may be mid-edit on a branch
        print(f"(default taxonomy unavailable: {exc.__class__.__name__}; using a stand-in)")
        palette = ["#792237", "#ee6567", "#1f6abf", "#1c773d", "#ec6700", "#722881", "#808080"]
        icons = ["crosshairs", "plane", "exchange", "tint", "fire", "shield", "car"]
        return Taxonomy(
            "bench",
            tuple(Category(f"cat_{i}", f"Category {i}", palette[i], icons[i]) for i in range(7)),
            fallback="cat_6",
        )


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def places(rng: random.Random, n: int) -> list[Place]:
    pool = []
    for i in range(n):
        name = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10)))
        lat, lon = rng.uniform(-45, 65), rng.uniform(-120, 150)
        roll = rng.random()
        if roll < 0.85:
            pool.append(Place(f"geonames:{i}", name.title(), lat, lon, "city", "city", "XX"))
        else:
            precision = "admin1" if roll < 0.95 else "country"
            extent = rng.uniform(50, 300) if precision == "admin1" else rng.uniform(200, 1500)
            pool.append(
                Place(
                    f"area:{i}",
                    name.title(),
                    lat,
                    lon,
                    precision,
                    precision,
                    "XX",
                    extent_km=extent,
                )
            )
    return pool


def incidents(n: int, tax: Taxonomy) -> list[Incident]:
    rng = random.Random(SEED + n)
    pool = places(rng, max(50, n // 10))
    out = []
    for i in range(n):
        place = rng.choice(pool)
        flow = rng.random() < 0.02
        sources = tuple(
            Source(
                f"art{i}-{k}",
                sentence(rng, rng.randint(6, 12)),
                f"https://news{k}.example.org/{i}/{rng.randint(1, 10**6)}",
                rng.choice(["Wire", "Daily Herald", "Agency", "Tribune"]),
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
            for k in range(rng.randint(1, 3))
        )
        killed = rng.choice([None, None, 0, 1, 2, 5, 12])
        out.append(
            Incident(
                incident_id=f"{i:08x}",
                category=rng.choice(tax.ids),
                place=place,
                facts=Facts(killed=killed, injured=rng.choice([None, 3, 10])),
                severity=rng.randint(0, 5),
                severity_reason="synthetic",
                date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                title=sentence(rng, rng.randint(6, 12)),
                evidence=sentence(rng, rng.randint(15, 35)) + f" In {place.name}.",
                place_reason="largest population among candidates",
                article_ids=tuple(s.article_id for s in sources),
                sources=sources,
                origin=rng.choice(pool) if flow else None,
                destination=place if flow else None,
            )
        )
    return out


def first_render(browser: object, path: Path) -> tuple[float, float, int, int, float]:
    """Seconds from navigation to the first drawn frame and to loaded details; markers and
    labels shown; main-thread CPU seconds until the first drawn frame."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(path.as_uri(), timeout=120_000)
    page.wait_for_function("() => window.mapper && window.mapper.ready", timeout=120_000)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    markers = page.evaluate(
        "document.querySelectorAll('.leaflet-marker-pane .mapper-pin,"
        " .leaflet-marker-pane .marker-cluster').length"
    )
    labels = page.evaluate("document.querySelectorAll('.mapper-place').length")
    page.evaluate("window.mapper.loadDetails()")
    timings = page.evaluate("window.mapper.timings")
    page.close()
    details = timings.get("details", timings["ready"])
    return timings["ready"] / 1000, details / 1000, markers, labels, metrics["ThreadTime"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="page loads per size (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the HTML files in this directory")
    args = parser.parse_args()
    tax = taxonomy()
    chromium = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        render_map(incidents(10, tax), tax, RenderConfig(), folder / "warm_up.html")
        warm = time.perf_counter() - start
        print(f"  warm-up render (assets, basemap; once per process): {warm:.2f} s")
        basemap = basemap_geojson()
        labels = json.loads(basemap).get("labels", [])
        labels_bytes = len(json.dumps(labels, ensure_ascii=False, separators=(",", ":")).encode())
        print(
            f"  offline basemap in every map: {len(basemap.encode()) / 1e3:.0f} kB, of which"
            f" {len(labels)} labels {labels_bytes / 1e3:.0f} kB"
        )
        browser = pw = None
        if chromium:
            from playwright.sync_api import sync_playwright

            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for n in args.sizes:
                data = incidents(n, tax)
                start = time.perf_counter()
                path = render_map(data, tax, RenderConfig(), folder / f"map_{n}.html")
                render_s = time.perf_counter() - start
                size_mb = path.stat().st_size / 1e6
                loads = [first_render(browser, path) for _ in range(args.runs)] if browser else []
                rows.append((n, render_s, size_mb, loads))
                print(f"  {n:>7,} incidents done", flush=True)
        finally:
            if browser is not None:
                browser.close()
                pw.stop()
    print()
    print(
        "| incidents | mode | render (s) | HTML (MB) | first render (s), median / slowest"
        " | CPU (s), median | markers+clusters drawn | labels | details (s), median |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    threshold = RenderConfig().cluster_threshold
    for n, render_s, size_mb, loads in rows:
        mode = "compact" if n > threshold else "rich"
        if loads:
            firsts = sorted(load[0] for load in loads)
            shown = f"{statistics.median(firsts):.2f} / {firsts[-1]:.2f}"
            cpu = f"{statistics.median(load[4] for load in loads):.2f}"
            markers = str(min(load[2] for load in loads))
            labels = str(min(load[3] for load in loads))
            details = f"{statistics.median(load[1] for load in loads):.2f}"
        else:
            shown, cpu, markers, labels, details = "n/a (no Chromium)", "", "", "", ""
        print(
            f"| {n:,} | {mode} | {render_s:.2f} | {size_mb:.1f} | {shown} | {cpu} | {markers}"
            f" | {labels}"
            f" | {details} |"
        )
    print(f"\n(python bench/bench_map.py --runs {args.runs})")


if __name__ == "__main__":
    main()
