"""The long fuzz run: the CI properties with many more examples, and the real input sizes.

Part 1 runs every property of tests/ingest/test_fuzz_ingest.py, tests/events/test_fuzz_extract.py
and tests/config/test_config_errors.py for --examples cases each (random, unlike CI's fixed
cases) and counts the cases tried, the crashes (an exception other than the documented
InputError or ConfigError) and the property failures (a wrong outcome, e.g. a wrong line
number).

Part 2 runs the sizes of issue 8, each in its own process so its peak memory is its own:
a 10 MB JSONL line, a 50 MB article, a file over ingest.max_file_bytes, a batch over
ingest.max_batch_articles, and a batch with --mentions place mentions through the whole run.

Run from the repository root:  python bench/fuzz_long.py [--examples N] [--seed S]
    [--mentions M] [--no-sizes] [--no-fuzz] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the properties live in tests/

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import UnsatisfiedAssumption  # noqa: E402

MB = 1_000_000


@dataclass
class Tally:
    """Cases tried and what went wrong, for one property."""

    name: str
    tried: int = 0
    crashes: int = 0
    failures: int = 0
    examples: list[str] = field(default_factory=list)


def properties() -> list[tuple[str, dict[str, Any], Callable[..., None]]]:
    """(name, strategies, check) for every property the CI suites run."""
    import csv

    from mapper.gazetteer import load_gazetteer
    from mapper.geoparse import Geoparser
    from tests.config import test_config_errors as cfg
    from tests.events import test_fuzz_extract as ex
    from tests.ingest import test_fuzz_ingest as ing

    geoparser = Geoparser(load_gazetteer())
    suffixes = st.sampled_from([".jsonl", ".json", ".csv", ".txt", ".md"])
    return [
        (
            "ingest: any bytes",
            {"data": st.binary(max_size=4000), "suffix": suffixes},
            ing.check_any_bytes,
        ),
        (
            "ingest: any text",
            {
                "data": st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
                "suffix": suffixes,
            },
            ing.check_any_bytes,
        ),
        (
            "ingest: jsonl lines",
            {"lines": ing.jsonl_lines, "end": ing.line_ends, "bom": st.booleans()},
            ing.check_jsonl,
        ),
        (
            "ingest: csv round trip",
            {
                "header": st.permutations(["id", "title", "text", "date", "url", "source"]).map(
                    list
                ),
                "rows": st.lists(ing.csv_cells, max_size=12),
                "quoting": st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
            },
            ing.check_csv,
        ),
        (
            "ingest: json array, truncated",
            {
                "items": ing.good_items,
                "indent": st.sampled_from([None, 0, 2]),
                "cut": st.none() | st.floats(0, 1, exclude_max=True),
            },
            ing.check_json_array,
        ),
        (
            "ingest: encodings",
            {
                "lines": st.lists(
                    st.text(max_size=40).map(
                        lambda t: ing._LINE_SPLIT.sub(" ", t).replace("\x00", "")
                    ),
                    min_size=1,
                    max_size=10,
                ),
                "encoding": st.sampled_from(
                    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]
                ),
            },
            ing.check_encoding,
        ),
        (
            "ingest: duplicates",
            {
                "rows": st.lists(
                    st.tuples(
                        st.sampled_from(["a", "b", "c", None]),
                        st.sampled_from(["Floods.", "Fire.", "Quake.", "Rain."]),
                    ),
                    min_size=1,
                    max_size=20,
                )
            },
            ing.check_duplicates,
        ),
        (
            "ingest: limits",
            {
                "texts": st.lists(
                    st.text(alphabet="ab ", min_size=1, max_size=20).filter(str.strip),
                    min_size=1,
                    max_size=12,
                ),
                "max_chars": st.integers(1, 20),
                "max_articles": st.integers(1, 12),
                "max_batch_chars": st.integers(1, 120),
            },
            ing.check_limits,
        ),
        (
            "extract: any text",
            {
                "text": ex.any_text,
                "title": st.text(max_size=80) | ex.news_text,
                "article_date": ex.article_dates,
            },
            lambda **kw: ex.check_extract(**kw, taxonomy=ex.TAXONOMY),
        ),
        (
            "geoparse: any text",
            {"text": ex.any_text},
            lambda **kw: ex.check_geoparse(**kw, geoparser=geoparser),
        ),
        (
            "geoparse + extract",
            {"text": ex.news_text},
            lambda **kw: ex.check_geoparse_then_extract(
                **kw, geoparser=geoparser, taxonomy=ex.TAXONOMY
            ),
        ),
        ("config: any mapping", {"data": cfg.config_data}, cfg.check_config_mapping),
        ("config: any --set", {"overrides": cfg.overrides}, cfg.check_overrides),
        ("taxonomy: any file", {"data": cfg.taxonomy_data}, cfg.check_taxonomy_data),
    ]


def run_property(
    name: str, strategies: dict[str, Any], check: Callable[..., None], examples: int, run_seed: int
) -> Tally:
    """Run one property for ``examples`` cases, counting instead of stopping at a failure."""
    from mapper.errors import MapperError

    tally = Tally(name)

    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(**strategies)
    def case(**kwargs: Any) -> None:
        tally.tried += 1
        try:
            check(**kwargs)
        except UnsatisfiedAssumption:
            tally.tried -= 1  # hypothesis drops the case: not tried
            raise
        except AssertionError as exc:
            tally.failures += 1
            note(tally, f"property: {exc!s:.200}", kwargs)
        except MapperError as exc:  # documented, but the check should have expected it
            tally.failures += 1
            note(tally, f"unexpected {type(exc).__name__}: {exc!s:.200}", kwargs)
        except Exception as exc:
            tally.crashes += 1
            where = traceback.extract_tb(exc.__traceback__)[-1]
            note(
                tally,
                f"crash {type(exc).__name__}: {exc!s:.160} at "
                f"{Path(where.filename).name}:{where.lineno}",
                kwargs,
            )

    case()
    return tally


def note(tally: Tally, what: str, kwargs: dict[str, Any]) -> None:
    if len(tally.examples) < 3:
        tally.examples.append(f"{what} <- {repr(kwargs)[:300]}")


# ---- sizes, each in a child process ------------------------------------------------------------


def _peak_mb() -> float:
    """This process's peak resident memory in MB.

    /proc's VmHWM starts afresh at exec; ru_maxrss (the fallback) is inherited from the
    parent on Linux, which would hide a child's own peak under the fuzz run's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(paths: list[Path], **settings_: Any) -> dict[str, Any]:
    from mapper.config import IngestConfig
    from mapper.errors import InputError
    from mapper.ingest import IngestReport, read_articles

    report = IngestReport()
    started = time.perf_counter()
    try:
        articles = read_articles(paths, IngestConfig(**settings_), report)
        outcome = f"{len(articles)} articles, {report.skipped} skipped"
    except InputError as exc:
        outcome = f"refused: {exc.reason}"
    return {"outcome": outcome, "seconds": round(time.perf_counter() - started, 2)}


def _write_repeated(path: Path, head: str, unit: str, size: int, tail: str) -> None:
    """head + unit repeated to about ``size`` characters + tail, written in 1 MB pieces so
    making the file does not raise this process's peak memory."""
    chunk = unit * (MB // len(unit))
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(tail)


def size_case(name: str, folder: Path, mentions: int) -> dict[str, Any]:
    """One size case; returns its outcome, time and peak memory of this process."""
    baseline = _peak_mb()
    result: dict[str, Any]
    if name == "line_10mb":
        path = folder / "line.jsonl"
        _write_repeated(
            path, '{"text": "Floods hit Dhaka."}\n{"text": "', "Floods hit Dhaka. ", 10 * MB, '"}\n'
        )
        result = _read([path])
        result["skip"] = _read([path], on_bad_record="skip")["outcome"]
    elif name == "line_10mb_limit_raised":
        path = folder / "line.jsonl"
        _write_repeated(path, '{"text": "', "Floods hit Dhaka. ", 10 * MB, '"}\n')
        result = _read([path], max_article_chars=20 * MB)
    elif name == "article_50mb":
        path = folder / "article.txt"
        _write_repeated(path, "", "Floods hit Dhaka. ", 50 * MB, "\n")
        result = _read([path])
        document = folder / "docs"
        document.mkdir()
        _write_repeated(document / "article.md", "# Floods\n", "Floods hit Dhaka. ", 50 * MB, "")
        result["as_md_document"] = _read([document])["outcome"]
    elif name == "file_over_max_file_bytes":
        path = folder / "huge.jsonl"
        with path.open("wb") as handle:
            handle.truncate(250 * MB)  # sparse: refused by its size, never read
        result = _read([path])
    elif name == "batch_over_max_batch_articles":
        path = folder / "many.txt"
        path.write_text("Floods hit Gaza, Kyiv, Paris and Lima.\n" * 250_000)
        result = _read([path])
    elif name == "mentions":
        result = _mentions_run(folder, mentions)
    else:
        raise SystemExit(f"unknown size case {name!r}")
    result["peak_mb_over_start"] = round(_peak_mb() - baseline, 1)
    result["peak_mb"] = round(_peak_mb(), 1)
    return result


def _mentions_run(folder: Path, mentions: int) -> dict[str, Any]:
    """A batch with about ``mentions`` place mentions through the whole run (store included).

    Each article has 40 sentences naming 40 different cities, so each sentence is one mention
    (the geoparser reports a repeated name once per article).
    """
    from mapper.config import load_config
    from mapper.gazetteer import load_gazetteer
    from mapper.pipeline import run

    gazetteer = load_gazetteer()
    cities = sorted(
        {
            gazetteer.names[i]
            for i in range(len(gazetteer))
            if gazetteer.kinds[i] == "city"
            and gazetteer.populations[i] > 200_000
            and gazetteer.names[i].isascii()
            and " " not in gazetteer.names[i]
        }
    )
    del gazetteer
    rng = random.Random(8)
    path = folder / "mentions.jsonl"
    per_article = 40
    articles = 0
    with path.open("w", encoding="utf-8") as handle:
        while articles * per_article < mentions:
            text = " ".join(
                f"Shelling hit {city} on Monday, killing {rng.randint(1, 50)} people."
                for city in rng.sample(cities, per_article)
            )
            handle.write(json.dumps({"id": f"m{articles}", "text": text}) + "\n")
            articles += 1
    started = time.perf_counter()
    summary = run(load_config(None), inputs=[path], output_dir=folder / "out")
    return {
        "outcome": f"{summary.articles_read:,} articles, {summary.places_found:,} mentions, "
        f"{summary.incidents:,} incidents",
        "seconds": round(time.perf_counter() - started, 1),
    }


SIZE_CASES = [
    "line_10mb",
    "line_10mb_limit_raised",
    "article_50mb",
    "file_over_max_file_bytes",
    "batch_over_max_batch_articles",
    "mentions",
]


def run_sizes(mentions: int, only: str | None) -> list[tuple[str, dict[str, Any]]]:
    results = []
    for name in SIZE_CASES:
        if only and only not in name:
            continue
        child = subprocess.run(
            [sys.executable, __file__, "--size-case", name, "--mentions", str(mentions)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if child.returncode != 0:
            results.append((name, {"outcome": "CRASHED", "stderr": child.stderr[-2000:]}))
        else:
            results.append((name, json.loads(child.stdout.strip().splitlines()[-1])))
        print(f"  {name:<32} {json.dumps(results[-1][1])}", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="cases per property")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--mentions", type=int, default=1_000_000, help="place mentions in the whole-run size case"
    )
    parser.add_argument("--no-sizes", action="store_true", help="skip the size cases")
    parser.add_argument("--no-fuzz", action="store_true", help="skip the properties")
    parser.add_argument("--only", default=None, help="run only cases whose name contains this")
    parser.add_argument("--size-case", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)  # skipped records log warnings by design
    if args.size_case:
        with tempfile.TemporaryDirectory(prefix="mapper-bench-") as folder:
            print(json.dumps(size_case(args.size_case, Path(folder), args.mentions)))
        return 0

    run_seed = args.seed if args.seed is not None else random.randrange(2**32)
    command = f"python bench/fuzz_long.py --examples {args.examples} --seed {run_seed}"
    total_tried = total_crashes = total_failures = 0
    if not args.no_fuzz:
        print(f"properties, {args.examples} cases each, seed {run_seed}:")
        for name, strategies, check in properties():
            if args.only and args.only not in name:
                continue
            started = time.perf_counter()
            tally = run_property(name, strategies, check, args.examples, run_seed)
            total_tried += tally.tried
            total_crashes += tally.crashes
            total_failures += tally.failures
            print(
                f"  {name:<32} tried {tally.tried:>6}  crashed {tally.crashes:>3}  "
                f"failed {tally.failures:>3}  {time.perf_counter() - started:6.1f} s",
                flush=True,
            )
            for example in tally.examples:
                print(f"      {example}")
        print(
            f"total: {total_tried} cases tried, {total_crashes} crashed, "
            f"{total_failures} failed a property"
        )
    sizes: list[tuple[str, dict[str, Any]]] = []
    if not args.no_sizes:
        print(f"sizes (each in its own process; whole run with {args.mentions:,} mentions):")
        sizes = run_sizes(args.mentions, args.only)
    crashed_sizes = sum(1 for _, r in sizes if r.get("outcome") == "CRASHED")
    print(f"reproduce: {command} --mentions {args.mentions}")
    return 1 if total_crashes or total_failures or crashed_sizes else 0


if __name__ == "__main__":
    sys.exit(main())
