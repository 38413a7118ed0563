"""Speed on real-length articles: articles/s and MB/s end to end and per stage, start-up, peak
memory, and the ratio to a naive Aho-Corasick + population geoparser measured in the same run.

    python bench/bench_speed.py [--articles 2000] [--repeat 3] [--source synthetic|geowebnews]
                                [--startup-runs 5] [--big 0]

Articles are 2-3 KB: a dateline, an incident sentence, background paragraphs naming many
places, quotes with people's names and now and then a relative phrase ("northern X",
"40 km south of Y"), all from this file's own templates (seed-fixed). ``--source geowebnews``
uses the GeoWebNews texts of ../shared/eval/geoparse instead, repeated with a suffix.

Every figure is CPU time (time.process_time, best of ``--repeat``): the machine is shared.
Stages: recognize, resolve and relative places (the geoparser's parts, each on the previous
part's output), geoparse as a whole, extract, and ``mapper.pipeline.run`` end to end in this
process (store, merge and outputs included; its own wall-clock laps are shown beside it).
The naive baseline scans each text once with an automaton of every gazetteer name and takes
the most populous place of each word-bounded, capitalised hit: the practical upper limit of a
gazetteer matcher in Python, and the yardstick that survives a noisy machine.

Start-up: `mapper geoparse` and `mapper run` of one article in fresh subprocesses (CPU and
wall, best of ``--startup-runs``). ``--big N`` also runs `mapper run` over N articles in a
subprocess and reports its peak resident memory (issue 14: <= 600 MB at 100,000).

Targets (issue 14): run >= 2,000 articles/s and >= 0.2 of the baseline, geoparse >= 4,000
docs/s, start-up <= 1.0 s (geoparse) and <= 1.5 s (run).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SEED = 1414
GEOWEBNEWS = Path(__file__).resolve().parents[2] / "shared/eval/geoparse/geowebnews.jsonl"
# Places with and without namesakes, cities, countries, divisions and regions.
CITIES = (
    "Kabul", "Lagos", "Dhaka", "Karachi", "Manila", "Nairobi", "Lima", "Bogota", "Quito",
    "Athens", "Madrid", "Lisbon", "Naples", "Hamburg", "Warsaw", "Kharkiv", "Tbilisi", "Mosul",
    "Aleppo", "Beirut", "Amman", "Khartoum", "Kampala", "Goma", "Luanda", "Harare", "Accra",
    "Dakar", "Niamey", "Tunis", "Cairo", "Mashhad", "Peshawar", "Kathmandu", "Yangon", "Hanoi",
    "Cebu", "Osaka", "Busan", "Chengdu", "Kunming", "Chennai", "Houston", "Denver", "Seattle",
    "Toronto", "Havana", "Managua", "Springfield", "Portland", "Cambridge", "Victoria",
    "Valencia", "Córdoba", "Kraków", "Zürich", "São Paulo", "Ciudad Juárez", "Port-au-Prince",
)  # fmt: skip
COUNTRIES = (
    "Afghanistan", "Nigeria", "Bangladesh", "Pakistan", "Philippines", "Kenya", "Peru",
    "Colombia", "Ecuador", "Greece", "Spain", "Portugal", "Italy", "Germany", "Poland",
    "Ukraine", "Georgia", "Iraq", "Syria", "Lebanon", "Jordan", "Sudan", "Uganda", "Congo",
    "Angola", "Zimbabwe", "Ghana", "Senegal", "Niger", "Tunisia", "Egypt", "Iran", "Nepal",
    "Myanmar", "Vietnam", "Japan", "South Korea", "China", "India", "Canada", "Cuba",
)  # fmt: skip
REGIONS = (
    "Texas", "Ontario", "Punjab", "Bavaria", "Sindh", "Kerala", "Oaxaca", "Queensland",
    "the Sahel", "the Balkans", "Central Asia", "East Africa", "the Middle East", "Siberia",
)  # fmt: skip
PEOPLE = (
    "Maria Lopez", "John Kelly", "Ahmed Hassan", "Grace Mwangi", "Paul Chen", "Anna Novak",
    "David Okafor", "Sofia Rossi", "Kenji Sato", "Fatima Khan", "Peter Adams", "Lena Berg",
)  # fmt: skip
ORGS = ("the Red Cross", "the United Nations", "local police", "the health ministry", "UNICEF")
EVENTS = (
    "A magnitude {mag} earthquake struck near {city} on {day}, killing at least {n} people and "
    "injuring {m}, officials said.",
    "Floods in {region} displaced {n} people after days of heavy rain, and {m} homes were "
    "destroyed, the disaster agency said on {day}.",
    "An airstrike on {city} on {day} killed {n} people, including {m} children, medics said.",
    "A wildfire near {city} forced {n} residents to flee on {day} and burned {m} hectares.",
    "Thousands marched in {city} on {day}; police said {n} people were arrested and {m} hurt.",
    "A bus crash outside {city} on {day} killed {n} passengers and injured {m}, police said.",
)
BACKGROUND = (
    "The region has seen similar disasters before: in {year}, storms hit {city2} and {city3}, "
    "and aid convoys from {country2} took days to arrive.",
    "Officials in {capital} said teams had been sent from {city2}, {city3} and {city4}, while "
    "volunteers from {region} were expected by the weekend.",
    "{person}, a spokesperson for {org}, told reporters in {city2} that the situation in "
    "{region} remained difficult and that roads to {city3} were cut.",
    "Neighbouring {country2} offered help, and flights between {city2} and {city4} were "
    "suspended for a second day, according to the airline.",
    "Analysts in {city3} said the economy of {country} would feel the damage for months, "
    "especially farms in {region} and the ports near {city4}.",
    "Residents of {city2} described long queues for water; {person} said her family had walked "
    "from {city3} with nothing but the clothes they wore.",
    "The government of {country} declared a state of emergency in {region} and asked "
    "{country2} and {country3} for tents, blankets and medicine.",
    "Earlier this year, protests spread from {city2} to {city3} over fuel prices, and "
    "{person} warned that anger could return to the streets of {capital}.",
)
RELATIVE = (
    "Rescue teams worked through the night in northern {country}.",
    "A second tremor was felt {km} km south of {city2}, the observatory said.",
    "Villages near the border with {country2} were also affected.",
    "Roads along {country}'s eastern border were closed to traffic.",
)
FILLER = (
    "Schools stayed closed and markets opened late, as shopkeepers counted the cost.",
    "Aid workers said the coming days would be critical for the families who lost their homes.",
    "Weather forecasters expected more rain before the end of the week.",
    "The number of people affected could rise as teams reach remote areas, officials warned.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def synthetic_article(rng: random.Random, number: int) -> dict[str, Any]:
    """One 2-3 KB article, the same for the same generator state."""
    day = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
    city, country = rng.choice(CITIES), rng.choice(COUNTRIES)
    slots = {
        "city": city,
        "city2": rng.choice(CITIES),
        "city3": rng.choice(CITIES),
        "city4": rng.choice(CITIES),
        "capital": rng.choice(CITIES),
        "country": country,
        "country2": rng.choice(COUNTRIES),
        "country3": rng.choice(COUNTRIES),
        "region": rng.choice(REGIONS),
        "person": rng.choice(PEOPLE),
        "org": rng.choice(ORGS),
        "day": rng.choice(WEEKDAYS),
        "year": str(rng.randrange(1990, 2025)),
        "n": str(rng.randrange(2, 900)),
        "m": str(rng.randrange(2, 3000)),
        "mag": f"{rng.uniform(4.5, 7.9):.1f}",
        "km": str(rng.randrange(10, 120)),
    }
    parts = [f"{city.upper()}, {day:%B} {day.day} (Bench Wire) - {rng.choice(EVENTS)}"]
    target = rng.randrange(2000, 3000)
    while sum(map(len, parts)) < target:
        sometimes = RELATIVE if rng.random() < 0.3 else FILLER
        pool = rng.choice((BACKGROUND, BACKGROUND, FILLER, sometimes))
        parts.append(rng.choice(pool))
        if rng.random() < 0.3:
            slots["city2"], slots["city3"] = rng.choice(CITIES), rng.choice(CITIES)
    text = " ".join(parts).format(**slots)[:3000]
    return {
        "id": f"s{number:07d}",
        "title": f"Report {number} from {city}",
        "text": text,
        "date": day.isoformat(),
        "url": f"https://news.example.org/{number}",
        "source": f"Wire {number % 5}",
    }


def articles(source: str, count: int) -> list[dict[str, Any]]:
    if source == "synthetic":
        rng = random.Random(SEED)
        return [synthetic_article(rng, n) for n in range(count)]
    docs = [json.loads(line) for line in GEOWEBNEWS.read_text(encoding="utf-8").splitlines()]
    out = []
    for n in range(count):
        doc = docs[n % len(docs)]
        text = f"{doc['text']}\n\n(Copy {n // len(docs)} of the bench.)"
        out.append({"id": f"g{n:07d}", "text": text, "date": "2026-03-03", "title": doc["id"]})
    return out


def best_cpu(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


class NaiveGeoparser:
    """Every gazetteer name in one automaton; each word-bounded hit is the most populous place
    of that name. No filters, no context: the yardstick, not a geoparser.

    Names are matched as news writes them: capitalised ("New York", "Rio De Janeiro") and in
    capitals ("KABUL" in a dateline)."""

    def __init__(self, gazetteer: Any):
        import ahocorasick_rs

        best: dict[str, int] = {}
        for key, entries in gazetteer.index.items():
            top = max(entries, key=lambda e: gazetteer.populations[e])
            for written in (key.title(), key.upper()):
                held = best.get(written)
                if held is None or gazetteer.populations[top] > gazetteer.populations[held]:
                    best[written] = top
        self.keys = sorted(best)
        self.entries = [best[k] for k in self.keys]
        self.gazetteer = gazetteer
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )

    def parse(self, text: str) -> list[tuple[int, int, object]]:
        found = []
        for index, start, end in self.automaton.find_matches_as_indexes(text):
            if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            found.append((start, end, self.gazetteer.place(self.entries[index])))
        return found


def startup(base: list[str], folder: Path, runs: int) -> dict[str, tuple[float, float]]:
    """(best CPU, best wall) seconds of one-article `mapper geoparse` and `mapper run`."""
    article = synthetic_article(random.Random(SEED), 0)
    (folder / "one.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    commands = {
        "geoparse": [*base, "geoparse", "one.jsonl", "-o", "places.jsonl"],
        "run": [*base, "run", "--input", "one.jsonl", "--output-dir", "out"],
    }
    found = {}
    for label, command in commands.items():
        subprocess.run(command, cwd=folder, check=True, capture_output=True)  # warm caches
        cpus, walls = [], []
        for _ in range(runs):
            shutil.rmtree(folder / "out", ignore_errors=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, cwd=folder, check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        found[label] = (min(cpus), min(walls))
    return found


def write_batch(path: Path, count: int) -> Path:
    """The synthetic batch of the peak-RSS run (the same articles for the same count)."""
    rng = random.Random(SEED + 1)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(synthetic_article(rng, n)) + "\n")
    return path


def big_run(base: list[str], folder: Path, count: int) -> tuple[float, float]:
    """(peak RSS in MB, CPU seconds) of `mapper run` over ``count`` synthetic articles."""
    path = write_batch(folder / "big.jsonl", count)
    # The child's own high-water mark: on Linux ru_maxrss of a spawned child starts at the
    # parent's peak (the kernel carries the old memory map's mark across exec), and this
    # process holds far more than a run does. /proc/self/status VmHWM counts the run alone.
    code = (
        "import resource, sys\nfrom mapper.cli import main\ntry:\n    main()\nexcept SystemExit:"
        "\n    pass\nkb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\ntry:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "    kb = int(status.split()[0])\nexcept (OSError, IndexError):\n    pass\n"
        "print(kb, file=sys.stderr)"
    )
    command = [sys.executable, "-c", code, "run", "--input", str(path), "--output-dir", "big"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_kb = int(done.stderr.strip().splitlines()[-1])
    return rss_kb / 1024, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def rows(records: list[dict[str, Any]], repeat: int, folder: Path) -> Iterator[tuple[str, float]]:
    """(stage, best CPU seconds for the whole batch) for each stage."""
    from mapper.config import Config
    from mapper.geoparse.relative import add_relative_places
    from mapper.ingest import iter_articles
    from mapper.pipeline import run
    from mapper.stages import Stages

    config = Config()
    stages = Stages.load(config)
    parser = stages.geoparser
    path = folder / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    batch = list(iter_articles([path], config.ingest))
    texts = [a.text for a in batch]
    naive = NaiveGeoparser(stages.gazetteer)
    yield "naive baseline", best_cpu(repeat, lambda: [naive.parse(t) for t in texts])
    mentions = [parser.recognizer.recognize(t) for t in texts]
    yield "recognize", best_cpu(repeat, lambda: [parser.recognizer.recognize(t) for t in texts])
    toponyms = [parser.resolver.resolve(t, m) for t, m in zip(texts, mentions, strict=True)]
    yield (
        "resolve",
        best_cpu(
            repeat,
            lambda: [parser.resolver.resolve(t, m) for t, m in zip(texts, mentions, strict=True)],
        ),
    )
    yield (
        "relative places",
        best_cpu(
            repeat,
            lambda: [add_relative_places(t, p) for t, p in zip(texts, toponyms, strict=True)],
        ),
    )
    yield "geoparse", best_cpu(repeat, lambda: [parser.parse(a) for a in batch])
    docs = [parser.parse(a) for a in batch]
    yield "extract", best_cpu(repeat, lambda: [stages.extract(d) for d in docs])

    def end_to_end() -> None:
        out = folder / "out"
        shutil.rmtree(out, ignore_errors=True)
        summary = run(config, inputs=[path], output_dir=out, stages=stages)
        laps.update(summary.timings)

    laps: dict[str, float] = {}
    yield "run (end to end)", best_cpu(repeat, end_to_end)
    print("  run's wall-clock laps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in laps.items()))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", choices=("synthetic", "geowebnews"), default="synthetic")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--big", type=int, default=0, help="articles for the peak-RSS run")
    parser.add_argument(
        "--write-batch",
        metavar="FILE",
        type=Path,
        help="only write the --big batch (default 10,000 articles) to FILE as JSONL and exit: "
        "the input of the byte-identical output checks",
    )
    args = parser.parse_args()
    if args.write_batch:
        write_batch(args.write_batch, args.big or 10_000)
        print(f"{args.write_batch}: {args.big or 10_000} synthetic articles")
        return 0
    records = articles(args.source, args.articles)
    megabytes = sum(len(r["text"].encode("utf-8")) for r in records) / 1e6
    print(
        f"{args.articles} {args.source} articles, {megabytes * 1e3 / args.articles:.2f} KB on "
        f"average; CPU time, best of {args.repeat}"
    )
    script = Path(sys.executable).with_name("mapper")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "mapper"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = None
        for stage, seconds in rows(records, args.repeat, folder):
            rate = args.articles / seconds
            baseline = baseline or rate
            print(
                f"{stage:<18} {seconds:7.3f} s  {rate:8.0f} articles/s  {megabytes / seconds:6.2f}"
                f" MB/s  {rate / baseline:5.3f} of the baseline"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process: {rss:.0f} MB")
        if args.startup_runs:
            for label, (cpu, wall) in startup(base, folder, args.startup_runs).items():
                print(f"start-up, mapper {label} (1 article): cpu {cpu:.2f} s, wall {wall:.2f} s")
        if args.big:
            rss, cpu = big_run(base, folder, args.big)
            print(f"mapper run, {args.big} articles: peak RSS {rss:.0f} MB, cpu {cpu:.1f} s")
    print("reproduce: python bench/bench_speed.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
