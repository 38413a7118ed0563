"""Geoparsing accuracy and speed on GeoWebNews (the development set beside the checkout).

Prints the scorer's figures (end to end, overlap matching), then throughput over the dev set
repeated to >= 10,000 documents on one core, start-up time with a built index and peak memory.

    python bench/bench_geoparse.py [--gold ../shared/eval/geoparse/geowebnews.jsonl] [--docs 10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO.parent / "shared" / "eval" / "geoparse" / "geowebnews.jsonl"
SCORER = REPO.parent / "shared" / "eval" / "score_geoparse.py"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--scorer", type=Path, default=SCORER)
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args()

    from mapper.gazetteer import load_gazetteer

    load_gazetteer()  # make sure the index is built before timing start-up
    started = time.perf_counter()
    gazetteer = load_gazetteer()
    from mapper.cli.records_io import geoparse_records
    from mapper.config import IngestConfig
    from mapper.geoparse import Geoparser
    from mapper.ingest import iter_articles

    geoparser = Geoparser(gazetteer)
    geoparser.recognizer.prefixes  # noqa: B018 (built lazily: count it in start-up)
    startup = time.perf_counter() - started

    articles = list(iter_articles([args.gold], IngestConfig()))
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        with pred.open("w", encoding="utf-8") as out:
            for record in geoparse_records(articles, geoparser):
                out.write(json.dumps(record) + "\n")
        result = subprocess.run(
            [sys.executable, str(args.scorer), str(args.gold), str(pred)],
            capture_output=True,
            text=True,
            check=True,
        )
    scores = json.loads(result.stdout)

    texts = [a.text for a in articles]
    repeated = (texts * (args.docs // len(texts) + 1))[: args.docs]
    started = time.perf_counter()
    for text in repeated:
        geoparser.parse_text(text)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rec = scores["recognition"]["overlap"]
    res = scores["resolution"]
    p, r, f1 = rec["precision"], rec["recall"], rec["f1"]
    print(f"recognition (overlap)  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}")
    print(
        f"resolution             A@161 {res['accuracy_at_161km']:.3f}  "
        f"placed within 161 km of all gold {res['acc_at_161km_over_all_gold_with_coords']:.3f}  "
        f"AUC {res['auc']:.3f}  median error {res['median_error_km']:.0f} km"
    )
    avg_chars = sum(map(len, repeated)) / len(repeated)
    print(
        f"speed                  {len(repeated) / elapsed:,.0f} docs/s on one core "
        f"({len(repeated):,} docs, {avg_chars:,.0f} chars on average)"
    )
    print(f"start-up (built index) {startup:.2f} s;  peak memory {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
