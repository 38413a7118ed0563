"""Cost of the incident merge (``Batch.update_incidents``) as the batch grows (issue 14).

    python bench/bench_merge.py [--articles 2000 5000 10000 30000] [--keep DIR]

Each size is one ``mapper.pipeline.run`` over that many of bench_speed's synthetic articles
(the same seed, so the same articles), into a fresh store. Printed per size: the reports
merged, the merge's CPU time (time.process_time around update_incidents: the machine is
shared, so wall time is shown beside it only), and CPU seconds per 1,000 reports, which
should stay flat as the batch grows. ``--keep DIR`` keeps each run's outputs in DIR/<size>
(to compare two versions' outputs byte for byte).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_speed import articles

from mapper.config import Config
from mapper.incidents.store import Batch
from mapper.pipeline import run

log = logging.getLogger("bench_merge")


def timed_merge(count: int, folder: Path, out: Path) -> tuple[int, float, float]:
    """(reports merged, merge CPU seconds, merge wall seconds) of one run over ``count``."""
    path = folder / f"synthetic{count}.jsonl"
    path.write_text(
        "".join(json.dumps(r) + "\n" for r in articles("synthetic", count)), encoding="utf-8"
    )
    cpu: list[float] = []
    original = Batch.update_incidents

    def measured(self: Batch, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            cpu.append(time.process_time() - start)

    Batch.update_incidents = measured  # type: ignore[method-assign]
    try:
        summary = run(Config(), inputs=[path], output_dir=out)
    finally:
        Batch.update_incidents = original  # type: ignore[method-assign]
    with sqlite3.connect(summary.store) as db:
        reports = db.execute("SELECT count(*) FROM incident_reports").fetchone()[0]
    return reports, sum(cpu), summary.timings.get("merge", 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, nargs="+", default=[2000, 5000, 10000, 30000])
    parser.add_argument("--keep", type=Path, help="keep each run's outputs in KEEP/<size>")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"{'articles':>8} {'reports':>8} {'merge cpu s':>12} {'wall s':>8} {'cpu s/1000':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in args.articles:
            out = args.keep / str(count) if args.keep else folder / f"out{count}"
            shutil.rmtree(out, ignore_errors=True)
            reports, cpu, wall = timed_merge(count, folder, out)
            per = cpu / reports * 1000 if reports else 0.0
            print(f"{count:>8} {reports:>8} {cpu:>12.2f} {wall:>8.2f} {per:>11.3f}", flush=True)
    print("reproduce: python bench/bench_merge.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
