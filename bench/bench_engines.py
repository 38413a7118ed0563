"""Benchmark the engines: articles/s of local 1 worker, local 2 workers and Dask 2 workers, and
the driver's peak memory over a 1,000,000-article batch.

Run from the repository root: ``python bench/bench_engines.py [--articles 50000]
[--big 1000000] [--big-workers 2] [--skip-dask] [--skip-big]``.

1. ``--articles`` synthetic articles (template sentences with real place names, categories,
   numbers and dates; seed-fixed) go through ``mapper.pipeline.run`` once per engine, each into
   a fresh store: local with 1 worker (in this process), local with 2 worker processes, and
   Dask with a LocalCluster of 2 worker processes. Articles/s is reported for the processing
   phase (read, plan, geoparse, extract, store) and for the whole run (gazetteer or cluster
   start, merging and outputs included). The three runs must write byte-identical
   incidents.geojson and incidents.csv.
2. ``--big`` articles are written to a JSONL file in a temporary folder and run through
   ``mapper run --workers BIG_WORKERS`` in a child process. Its peak resident memory is read
   by the child itself at exit (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the driver
   alone, not its worker processes); the workers' peak, sampled with psutil every 0.5 s, is
   shown beside it. Target (issue 7): driver under 1.5 GB.

Needs the dask extra (``pip install 'incident-mapper[dask]'``) for the Dask row.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ helpers, when imported
from synthetic import synthetic_text

SEED = 20250107
FIRST_DAY = date(2025, 1, 1)
# Real places the offline gazetteer resolves on their own (no namesake needs context).
PLACES = (
    "Kabul", "Lagos", "Dhaka", "Karachi", "Manila", "Jakarta", "Nairobi", "Lima", "Bogota",
    "Caracas", "Quito", "Santiago", "Athens", "Madrid", "Lisbon", "Naples", "Marseille",
    "Hamburg", "Warsaw", "Kharkiv", "Odesa", "Tbilisi", "Yerevan", "Baghdad", "Mosul", "Aleppo",
    "Beirut", "Amman", "Gaza", "Sanaa", "Khartoum", "Mogadishu", "Addis Ababa", "Kampala",
    "Goma", "Kinshasa", "Luanda", "Harare", "Maputo", "Lusaka", "Accra", "Dakar", "Bamako",
    "Niamey", "Tripoli", "Tunis", "Algiers", "Cairo", "Tehran", "Mashhad", "Lahore", "Peshawar",
    "Kathmandu", "Colombo", "Yangon", "Bangkok", "Hanoi", "Cebu", "Osaka", "Sapporo", "Busan",
    "Taipei", "Chengdu", "Wuhan", "Kunming", "Mumbai", "Chennai", "Kolkata", "Houston", "Miami",
    "Denver", "Phoenix", "Seattle", "Chicago", "Toronto", "Vancouver", "Havana", "Kingston",
    "Tegucigalpa", "Managua",
)  # fmt: skip
OUTPUTS = ("incidents.geojson", "incidents.csv")


def synthetic_records(
    count: int, *, seed: int = SEED, days: int = 30, quirks: bool = False
) -> Iterator[dict[str, Any]]:
    """``count`` article records, the same for the same arguments.

    With ``quirks``, about one record in forty is one of what real feeds send: the same record
    again, an id reused for other text, the same text under another id, no date.
    """
    rng = random.Random(seed)
    previous: dict[str, Any] | None = None
    for number in range(count):
        day = FIRST_DAY + timedelta(days=rng.randrange(days))
        category, text = synthetic_text(rng, rng.choice(PLACES), day)
        record: dict[str, Any] = {
            "id": f"a{number:07d}",
            "title": f"{category.replace('_', ' ')} report {number}",
            "text": text,
            "date": day.isoformat(),
            "url": f"https://news.example.org/{number}",
            "source": f"Wire {number % 7}",
        }
        quirk = rng.randrange(40) if quirks and previous is not None else -1
        if quirk == 0:
            record = dict(previous)  # the same record twice
        elif quirk == 1:
            record["id"] = previous["id"]  # an id reused for another article
        elif quirk == 2:
            record = {**previous, "id": f"copy{number:07d}"}  # same content, another id
        elif quirk == 3:
            record["date"] = None
        previous = record
        yield record


def write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> Path:
    """Write records as JSONL, a line at a time (a million records never sit in memory)."""
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
    return path


def throughput(batch: Path, folder: Path, articles: int, skip_dask: bool) -> list[dict[str, Any]]:
    """One run per engine into a fresh store; returns a row per engine."""
    from mapper.config import load_config
    from mapper.pipeline import run

    engines = [("local, 1 worker", []), ("local, 2 workers", ["engine.workers=2"])]
    if not skip_dask:
        engines.append(("dask, 2 workers", ["engine.kind=dask", "engine.workers=2"]))
    rows = []
    reference: dict[str, bytes] | None = None
    for number, (name, overrides) in enumerate(engines):
        config = load_config(None, overrides)
        out = folder / f"out-{number}"
        start = time.perf_counter()
        summary = run(config, inputs=[batch], output_dir=out)
        wall = time.perf_counter() - start
        outputs = {name: (out / name).read_bytes() for name in OUTPUTS}
        reference = reference or outputs
        process = summary.timings["process"]
        rows.append(
            {
                "engine": name,
                "articles": summary.articles_read,
                "process_s": process,
                "wall_s": wall,
                "process_rate": summary.articles_read / process,
                "wall_rate": summary.articles_read / wall,
                "incidents": summary.incidents,
                "identical": outputs == reference,
            }
        )
    return rows


def _sample_workers(pid: int, peak: dict[str, int], stop: threading.Event) -> None:
    """Record the largest RSS of the driver's child processes (its workers) until ``stop``."""
    try:
        import psutil
    except ImportError:
        return
    try:
        driver = psutil.Process(pid)
        while not stop.wait(0.5):
            for child in driver.children(recursive=True):
                try:
                    peak["workers"] = max(peak["workers"], child.memory_info().rss)
                except psutil.Error:
                    continue
    except psutil.Error:
        return


# The child: `mapper run`, then its own peak RSS (ru_maxrss, KiB on Linux) on stderr at exit.
DRIVER = (
    "import atexit, resource, sys\n"
    "from mapper.cli import main\n"
    "atexit.register(lambda: print('peak_rss_kib', "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
    "main()\n"
)


def big_run(folder: Path, count: int, workers: int) -> dict[str, Any]:
    """Write ``count`` articles and run them through `mapper run` in a child process."""
    batch = folder / "big.jsonl"
    start = time.perf_counter()
    write_jsonl(batch, synthetic_records(count, seed=SEED + 1, days=60))
    written = time.perf_counter() - start
    out = folder / "big-out"
    command = [
        sys.executable, "-c", DRIVER, "run", "--input", str(batch), "--output-dir", str(out),
        "--workers", str(workers),
    ]  # fmt: skip
    peak = {"workers": 0}
    stop = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = threading.Thread(target=_sample_workers, args=(proc.pid, peak, stop), daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"mapper run failed ({proc.returncode}):\n{stderr}")
    rss = [line.split()[1] for line in stderr.splitlines() if line.startswith("peak_rss_kib")]
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {
        "articles": count,
        "file_mb": batch.stat().st_size / 1e6,
        "write_s": written,
        "wall_s": wall,
        "rate": count / wall,
        "driver_peak_mb": int(rss[0]) / 1024 if rss else float("nan"),
        "worker_peak_mb": peak["workers"] / 2**20,
        "incidents": report["incidents"]["written"],
        "store_mb": (out / "mapper.sqlite").stat().st_size / 1e6,
        "map_mb": (out / "incident_map.html").stat().st_size / 1e6,
        "summary": stdout.strip().splitlines()[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000, help="articles per engine run")
    parser.add_argument("--big", type=int, default=1_000_000, help="articles of the memory run")
    parser.add_argument("--big-workers", type=int, default=2, help="--workers of the memory run")
    parser.add_argument("--skip-dask", action="store_true", help="no Dask row")
    parser.add_argument("--skip-big", action="store_true", help="no memory run")
    args = parser.parse_args()
    print(
        f"command: python bench/bench_engines.py --articles {args.articles} --big {args.big} "
        f"--big-workers {args.big_workers}"
        + (" --skip-dask" if args.skip_dask else "")
        + (" --skip-big" if args.skip_big else "")
    )
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as name:
        folder = Path(name)
        batch = write_jsonl(folder / "batch.jsonl", synthetic_records(args.articles))
        rows = throughput(batch, folder, args.articles, args.skip_dask)
        print(
            f"\n{'engine':<18} {'articles':>9} {'process s':>10} {'articles/s':>11} "
            f"{'wall s':>8} {'articles/s':>11} {'incidents':>10}  same outputs"
        )
        for row in rows:
            print(
                f"{row['engine']:<18} {row['articles']:>9,} {row['process_s']:>10.1f} "
                f"{row['process_rate']:>11,.0f} {row['wall_s']:>8.1f} {row['wall_rate']:>11,.0f} "
                f"{row['incidents']:>10,}  {'yes' if row['identical'] else 'NO'}"
            )
        print("(process: read, plan, geoparse, extract, store; wall: the whole run)")
        if not all(row["identical"] for row in rows):
            raise SystemExit("the engines wrote different outputs")
        if args.skip_big:
            return
        big = big_run(folder, args.big, args.big_workers)
        print(
            f"\nmemory run: {big['articles']:,} articles, {big['file_mb']:,.0f} MB of JSONL "
            f"(written in {big['write_s']:.0f} s), mapper run --workers {args.big_workers}"
        )
        print(
            f"  wall {big['wall_s']:,.0f} s ({big['rate']:,.0f} articles/s), "
            f"{big['incidents']:,} incidents, store {big['store_mb']:,.0f} MB, "
            f"map {big['map_mb']:,.1f} MB"
        )
        print(
            f"  peak RSS: driver {big['driver_peak_mb']:,.0f} MB (target < 1,536 MB), "
            f"largest worker {big['worker_peak_mb']:,.0f} MB"
        )
        for line in big["summary"]:
            print(f"  | {line}")


if __name__ == "__main__":
    main()
