"""Incidents where they happened: the real-news incident set and the event places of the events set.

1. Runs `mapper run` (a fresh store) on the real-news development articles and scores the
   incidents with the shared scorer: right = accepted category, inside the real place's radius,
   every stated fact; pairs reported twice must be one incident with the later toll.
2. On the events development set, the share of items with labelled event places whose chosen
   event place is one of them (by name, accents and case folded).

    python bench/eval_incidents.py [--incidents DIR] [--events FILE] [--show N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval"


def score_incidents(incidents_dir: Path, show: int) -> str:
    articles = incidents_dir / "realnews_dev.jsonl"
    expected = incidents_dir / "realnews_dev.expected.json"
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "mapper", "run", "--input", str(articles), "--output-dir", out],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise SystemExit(f"mapper run failed: {run.stderr.strip()}")
        elapsed = time.perf_counter() - started
        scored = subprocess.run(
            [
                sys.executable,
                str(SHARED / "score_incidents.py"),
                str(expected),
                str(Path(out) / "incidents.geojson"),
                "--show",
                str(show),
            ],
            capture_output=True,
            text=True,
        )
    return f"{scored.stdout.rstrip()}\n(mapper run: {elapsed:.1f} s)"


def scene_hits(events_file: Path) -> str:
    from mapper.config import Config
    from mapper.gazetteer import fold_accents, name_key
    from mapper.models import Article
    from mapper.stages import Stages

    stages = Stages.load(Config())
    labelled = hits = placed = 0
    for line in events_file.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        names = {fold_accents(name_key(n)) for n in item.get("locations") or ()}
        if not names:
            continue
        labelled += 1
        article = Article(str(item["id"]), item["text"], item.get("title") or "", item.get("date"))
        event = stages.extract(stages.geoparser.parse(article))
        scene = event.location("event")
        if scene is None:
            continue
        placed += 1
        said = {fold_accents(name_key(scene.name))}
        if scene.place is not None:
            said.add(fold_accents(name_key(scene.place.name)))
        hits += bool(said & names)
    return (
        f"events set: event place is a labelled place for {hits}/{labelled} items "
        f"({hits / max(labelled, 1):.3f}); placed {placed}/{labelled}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=Path, default=SHARED / "incidents")
    parser.add_argument("--events", type=Path, default=SHARED / "events" / "dev_v1.jsonl")
    parser.add_argument("--show", type=int, default=60, help="misses to list")
    args = parser.parse_args()
    print(score_incidents(args.incidents, args.show))
    print(scene_hits(args.events))
    print("reproduce: python bench/eval_incidents.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
