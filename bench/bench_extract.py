"""Benchmark the event stage: scorer figures on the events dev set, then documents/s on one core.

Speed is measured twice: on the dev items as they are (a few hundred characters each), and on
real-length articles (``--length``, 2,500 characters by default) made by running consecutive dev
items together, so each document carries several events' worth of cues and numbers.

Run from the repository root:  python bench/bench_extract.py [--gold G] [--mapping M] [--errors]
    [--length N] [--stages]

``--stages`` adds CPU microseconds per real-length document for each part of the extractor
(typing, facts, event date, place roles), best of three passes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mapper.config import EventsConfig
from mapper.events.dates import resolve_event_date
from mapper.events.extract import EventExtractor, event_record
from mapper.events.locations import assign_roles
from mapper.events.taxonomy import load_taxonomy
from mapper.models import Article, GeoparsedArticle

DEFAULT_GOLD = "../shared/eval/events/dev_v1.jsonl"
DEFAULT_MAPPING = "../shared/eval/events/mapping_dev.json"
SCORER = "../shared/eval/score_events.py"
MIN_DOCS = 10_000


def _read_docs(path: Path) -> tuple[list[GeoparsedArticle], list[dict]]:
    docs, rows = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            rows.append(row)
            article = Article(
                article_id=str(row["id"]),
                text=row.get("text") or "",
                title=row.get("title") or "",
                date=row.get("date"),
            )
            docs.append(GeoparsedArticle(article))
    return docs, rows


def _real_length(docs: list[GeoparsedArticle], length: int) -> list[GeoparsedArticle]:
    """One document per dev item: its title, and its text followed by the next items' texts
    until ``length`` characters, cut at a word boundary."""
    out = []
    for i, doc in enumerate(docs):
        parts, size, j = [], 0, i
        while size < length and j < i + len(docs):
            text = docs[j % len(docs)].article.text
            parts.append(text)
            size += len(text) + 2
            j += 1
        text = "\n\n".join(parts)[:length].rsplit(" ", 1)[0]
        article = doc.article
        out.append(
            GeoparsedArticle(
                Article(
                    article_id=f"{article.article_id}-long",
                    text=text,
                    title=article.title,
                    date=article.date,
                )
            )
        )
    return out


def _speed(extractor: EventExtractor, docs: list[GeoparsedArticle]) -> tuple[int, float]:
    """Documents and CPU seconds of this process (the machine may be shared: wall time would
    count other processes' turns on the core)."""
    batch = docs * -(-MIN_DOCS // len(docs))
    started = time.process_time()
    extractor.extract_many(batch)
    return len(batch), time.process_time() - started


def _stages(extractor: EventExtractor, docs: list[GeoparsedArticle]) -> dict[str, float]:
    """CPU microseconds per document of each part of ``EventExtractor.extract``, best of 3."""
    articles = [d.article for d in docs]
    parts = {
        "typing": lambda a: extractor.typer.classify(a.title or "", a.text),
        "facts": lambda a: extractor.facts.extract(a.text, a.title or ""),
        "event date": lambda a: resolve_event_date(a.text, a.date),
        "place roles": lambda a: assign_roles((), a.text, title=a.title or ""),
    }
    out = {}
    for name, part in parts.items():
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for article in articles:
                part(article)
            best = min(best, time.process_time() - started)
        out[name] = best / len(articles) * 1e6
    return out


def _score(gold: Path, pred: Path, mapping: Path) -> dict:
    out = subprocess.run(
        [sys.executable, SCORER, str(gold), str(pred), "--mapping", str(mapping)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def _print_errors(rows: list[dict], preds: list[dict], mapping: Path) -> None:
    maps = json.loads(mapping.read_text(encoding="utf-8"))["mappings"]
    for row, pred in zip(rows, preds, strict=True):
        label = f"{row['source']}:{row['event_type']}"
        gold = maps.get(label, maps.get(f"{row['source']}:*"))
        gold = gold if isinstance(gold, list) or gold is None else [gold]
        if gold and pred["event_type"] not in gold:
            print(f"TYPE {row['id']:<40} gold={gold[0]:<22} pred={pred['event_type']:<22}")
        for name in row.get("labelled_facts") or []:
            g, p = row["facts"].get(name) or None, pred["facts"].get(name) or None
            if g != p:
                print(f"FACT {row['id']:<40} {name}: gold={g} pred={p}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=DEFAULT_GOLD)
    parser.add_argument("--mapping", default=DEFAULT_MAPPING)
    parser.add_argument("--errors", action="store_true", help="list every wrong type or fact")
    parser.add_argument(
        "--length", type=int, default=2500, help="characters per real-length document"
    )
    parser.add_argument("--stages", action="store_true", help="CPU time of each part per document")
    args = parser.parse_args()
    gold, mapping = Path(args.gold), Path(args.mapping)

    started = time.perf_counter()
    extractor = EventExtractor(load_taxonomy("default"), EventsConfig())
    build_s = time.perf_counter() - started
    docs, rows = _read_docs(gold)
    preds = [event_record(event) for event in extractor.extract_many(docs)]
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = Path(tmp) / "pred.jsonl"
        pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
        result = _score(gold, pred_path, mapping)
    if args.errors:
        _print_errors(rows, preds, mapping)

    n_dev, dev_s = _speed(extractor, docs)
    long_docs = _real_length(docs, args.length)
    mean_chars = sum(len(d.article.text) for d in long_docs) / len(long_docs)
    n_long, long_s = _speed(extractor, long_docs)

    et, facts = result["event_type"], result["facts"]
    print(
        f"event type: accuracy {et['accuracy']:.3f}  macro-F1 {et['macro_f1']:.3f}  "
        f"(n={et['n_scored']}, skipped {et['skipped']})"
    )
    for name in ("killed", "injured", "missing", "evacuated", "displaced", "magnitude"):
        f = facts[name]
        if not f["n_gold_value"] and not f["n_gold_null"]:
            continue
        exact = "-" if f["exact_match"] is None else f"{f['exact_match']:.3f}"
        fpr = "-" if f["false_positive_rate"] is None else f"{f['false_positive_rate']:.3f}"
        print(
            f"{name:>10}: exact {exact} (n={f['n_gold_value']})  false-positive rate {fpr} "
            f"(n={f['n_gold_null']})"
        )
    print(
        "per type F1: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in sorted(et["per_type"].items()))
    )
    print(
        "per source accuracy: "
        + ", ".join(f"{k} {v['event_type_accuracy']:.2f}" for k, v in result["by_source"].items())
    )
    mean_dev = sum(len(d.article.text) for d in docs) / len(docs)
    print(
        f"speed (dev items, {mean_dev:,.0f} chars): {n_dev / dev_s:,.0f} docs/s on one core "
        f"({n_dev:,} docs in {dev_s:.2f} CPU s, extraction only, no toponyms); "
        f"extractor built in {build_s * 1000:.0f} ms"
    )
    print(
        f"speed (real length, {mean_chars:,.0f} chars): {n_long / long_s:,.0f} docs/s on one core "
        f"({n_long:,} docs in {long_s:.2f} CPU s)"
    )
    if args.stages:
        print(
            "per document (real length, CPU us, best of 3): "
            + ", ".join(f"{k} {v:,.0f}" for k, v in _stages(extractor, long_docs).items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
