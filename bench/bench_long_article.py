"""The cost of one long article: geoparsing and event extraction of a single 1 MB and 5 MB text.

ingest.max_article_chars allows 5,000,000 characters, so one article that long must take time
in proportion to its length. Two texts per size: news-like prose naming many places (made up
here, repeated with numbered variations to the size), and one place name repeated (the worst
case for per-mention context work). Prints CPU seconds (process time: the machine may be
shared) and CPU microseconds per character, which stay flat when the cost is linear.

    python bench/bench_long_article.py [--sizes 1000000 5000000] [--kinds prose repeated]
"""

from __future__ import annotations

import argparse
import time

# Sentences of our own, with the places a long wire digest might name.
_SENTENCES = (
    "Shelling hit the outskirts of Kharkiv overnight, and officials in Kyiv said {n} homes "
    "were damaged.",
    "Floods in Dhaka and Chittagong displaced {n} families, Bangladesh's relief ministry said.",
    "A magnitude 6.1 earthquake struck near Izmir, Turkey, and was felt in Athens.",
    "Wildfires burned {n} hectares north of Los Angeles as crews from Sacramento arrived.",
    "Protesters gathered in Nairobi and Mombasa; police in Kenya reported {n} arrests.",
    "An airstrike on Khan Younis killed {n} people, health officials in Gaza said.",
    "Heavy rain in Lima and Cusco, Peru, cut roads to {n} villages.",
    "Residents of Manila and Quezon City were evacuated before the typhoon reached Luzon.",
    "The storm moved from Havana toward Miami, Florida, with {n} flights cancelled.",
    "Officials in Jakarta said {n} people were missing after a landslide in West Java.",
)


def prose(size: int) -> str:
    parts: list[str] = []
    total = n = 0
    while total < size:
        sentence = _SENTENCES[n % len(_SENTENCES)].format(n=n % 900 + 10)
        parts.append(sentence)
        total += len(sentence) + 1
        n += 1
    return " ".join(parts)[:size]


def repeated(size: int) -> str:
    return ("Kyiv " * (size // 5 + 1))[:size]


KINDS = {"prose": prose, "repeated": repeated}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--kinds", nargs="+", choices=sorted(KINDS), default=sorted(KINDS))
    args = parser.parse_args()

    from mapper.config import load_config
    from mapper.models import Article
    from mapper.stages import Stages

    stages = Stages.load(load_config(None))
    print(
        f"{'kind':<9} {'chars':>10} {'mentions':>9} {'geoparse s':>11} {'extract s':>10} "
        f"{'us/char':>8}"
    )
    for kind in args.kinds:
        for size in args.sizes:
            article = Article("long", KINDS[kind](size), title="A long article", date="2025-01-01")
            started = time.process_time()
            doc = stages.geoparser.parse(article)
            parsed = time.process_time()
            stages.extract(doc)
            done = time.process_time()
            per_char = (done - started) / size * 1e6
            print(
                f"{kind:<9} {size:>10,} {len(doc.toponyms):>9,} {parsed - started:>11.2f} "
                f"{done - parsed:>10.2f} {per_char:>8.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
