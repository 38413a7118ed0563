"""Benchmark incremental runs: a batch of new articles into a store already holding N incidents.

Run from the repository root: ``python bench/bench_store.py [--sizes 0 10000 100000]
[--batch 1000]``.

For each store size N: N incidents are synthesised straight into a fresh store through its batch
API (one event per synthetic article, no geoparsing), then one ``mapper.pipeline.run``, as
``mapper run`` does it (gazetteer load included), processes a batch of new synthetic articles
(templated sentences with real place names, numbers and dates), merges them into the store and
regenerates the map, GeoJSON and CSV from the whole store. A rerun of the same batch (all
skipped) is timed too. Target (issue 6): under 30 s with 100,000 incidents stored.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ helpers, when imported
from synthetic import TEMPLATES, synthetic_text

from mapper.config import Config, load_config
from mapper.events.taxonomy import load_taxonomy
from mapper.gazetteer import Gazetteer, load_gazetteer
from mapper.incidents.store import Store
from mapper.models import Article, Event, EventLocation, Facts, GeoparsedArticle, Place, Toponym
from mapper.pipeline import run
from mapper.stages import processing_hash

SEED = 20250107
FIRST_DAY = date(2023, 1, 1)
DAYS = 3 * 365


def cities(gazetteer: Gazetteer) -> list[int]:
    """Every city entry, most populous first."""
    entries = [i for i, kind in enumerate(gazetteer.kinds) if kind == "city"]
    return sorted(entries, key=lambda i: (-gazetteer.populations[i], i))


def synthesise_store(path: Path, size: int, places: list[Place], config: Config) -> float:
    """Put ``size`` one-report incidents into a fresh store; returns the seconds it took.

    Places are drawn from many cities, so that few of the reports merge and the store holds
    about ``size`` incidents; the batch's famous cities are among them, so some new reports
    merge into stored incidents.
    """
    rng = random.Random(SEED)
    taxonomy = load_taxonomy(config.events.taxonomy, config.base_dir)
    digest = processing_hash(config, taxonomy)
    categories = [c for c, _ in TEMPLATES]
    start = time.perf_counter()
    with Store.open(path) as store, store.batch() as batch:
        for number in range(size):
            place = rng.choice(places)
            day = (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()
            aid = f"stored-{number:06d}"
            text = f"Synthetic stored report {number} about {place.name}."
            article = Article(aid, text, title=f"Stored report {number}", date=day)
            location = EventLocation(place.name, "event", place, 0, len(place.name))
            event = Event(
                aid,
                rng.choice(categories),
                Facts(killed=rng.randint(1, 200)),
                severity=3,
                event_date=day,
                evidence=text,
                locations=(location,),
            )
            toponym = Toponym(0, len(place.name), place.name, place, score=0.9)
            batch.put(GeoparsedArticle(article, (toponym,)), event, digest)
        batch.update_incidents(config.incidents, config.events.toll_policy)
    return time.perf_counter() - start


def write_batch(path: Path, count: int, places: list[Place]) -> Path:
    """``count`` new articles as JSONL, from the templates."""
    rng = random.Random(SEED + 1)
    lines = []
    for number in range(count):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        category, text = synthetic_text(rng, rng.choice(places).name, day)
        record = {
            "id": f"new-{number:05d}",
            "title": f"{category.replace('_', ' ')} report {number}",
            "text": text,
            "date": day.isoformat(),
            "url": f"https://news.example.org/{number}",
            "source": "Bench Wire",
        }
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure(
    size: int, batch_size: int, famous: list[Place], many: list[Place], config: Config
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        out = Path(folder) / "output"
        setup = synthesise_store(out / "mapper.sqlite", size, many, config)
        batch = write_batch(Path(folder) / "batch.jsonl", batch_size, famous)
        start = time.perf_counter()
        summary = run(config, inputs=[batch], output_dir=out)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        rerun = run(config, inputs=[batch], output_dir=out)
        rerun_elapsed = time.perf_counter() - start
        assert rerun.articles_skipped == batch_size and rerun.run_id is None
        sizes = {
            name: (out / name).stat().st_size / 1e6
            for name in ("mapper.sqlite", "incidents.geojson", "incidents.csv", "incident_map.html")
        }
        return {
            "size": size,
            "setup": setup,
            "run": elapsed,
            "rerun": rerun_elapsed,
            "timings": summary.timings,
            "stored": summary.incidents_stored,
            "created": len(summary.incidents_created),
            "updated": len(summary.incidents_updated),
            "mb": sizes,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000, 100_000])
    parser.add_argument("--batch", type=int, default=1000, help="new articles per timed run")
    args = parser.parse_args()
    config = load_config(None)
    cache = config.gazetteer.cache_dir
    gazetteer = load_gazetteer(
        config.resolve_path(cache) if cache else None,
        min_population=config.gazetteer.min_population,
    )
    entries = cities(gazetteer)
    famous = [gazetteer.place(i) for i in entries[:300]]
    many = famous + [gazetteer.place(i) for i in random.Random(SEED).sample(entries, 30_000)]
    print(
        f"command: python bench/bench_store.py --sizes {' '.join(map(str, args.sizes))} "
        f"--batch {args.batch}"
    )
    # One small untimed run first, so that no row pays for first imports and cold caches.
    measure(0, 10, famous, many, config)
    header = (
        f"{'stored':>8} {'setup s':>8} {'run s':>7} {'rerun s':>8} | {'read':>5} {'process':>7} "
        f"{'merge':>6} {'load':>5} {'outputs':>7} | {'after':>7} {'new':>5} {'upd':>4} | "
        f"{'db MB':>6} {'geojson':>7} {'csv':>5} {'map':>5}"
    )
    print(header)
    rows = []
    for size in args.sizes:
        row = measure(size, args.batch, famous, many, config)
        rows.append(row)
        t, mb = row["timings"], row["mb"]
        print(
            f"{size:>8,} {row['setup']:>8.1f} {row['run']:>7.1f} {row['rerun']:>8.1f} | "
            f"{t['read']:>5.2f} {t['process']:>7.2f} {t['merge']:>6.2f} {t['load']:>5.2f} "
            f"{t['outputs']:>7.2f} | {row['stored']:>7,} {row['created']:>5} {row['updated']:>4} | "
            f"{mb['mapper.sqlite']:>6.1f} {mb['incidents.geojson']:>7.1f} "
            f"{mb['incidents.csv']:>5.1f} {mb['incident_map.html']:>5.1f}",
            flush=True,
        )
    print(
        "run s: one `mapper run` of the batch (gazetteer load, processing, merge, map and "
        "exports); rerun s: the same batch again (all skipped, outputs rewritten)."
    )
    if rows[-1]["size"] >= 100_000:
        verdict = "met" if rows[-1]["run"] < 30 else "NOT met"
        print(f"target < 30 s at {rows[-1]['size']:,} stored incidents: {verdict}")


if __name__ == "__main__":
    main()
