"""The work of `mapper geoparse` and `mapper extract` (cli/records.py): the first stages alone.

geoparse_file(path, out, config) and extract_file(path, out, config) write one line per input
article, in order, in the formats the evaluation scripts read (geoparse_records, extract_records).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from mapper.config import Config
from mapper.geoparse import Geoparser
from mapper.ingest import iter_articles
from mapper.models import Article, Place
from mapper.stages import Stages


def _write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def _relative_record(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "precision": place.precision,
        "extent_km": place.extent_km,
    }


def geoparse_records(articles: Iterable[Article], geoparser: Geoparser) -> Iterator[dict[str, Any]]:
    """One record per article in the format score_geoparse.py reads."""
    for article in articles:
        toponyms = []
        for t in geoparser.parse_text(article.text, url=article.url):
            place = t.place
            toponyms.append(
                {
                    "start": t.start,
                    "end": t.end,
                    "name": t.name,
                    "lat": place.lat if place else None,
                    "lon": place.lon if place else None,
                    "place_id": place.place_id if place else None,
                    "country": place.country if place else None,
                    "precision": place.precision if place else None,
                    "score": t.score,
                    "demonym": t.demonym,
                    "reason": t.reason,
                    "relative": _relative_record(t.relative),
                }
            )
        yield {"id": article.article_id, "toponyms": toponyms}


def extract_records(articles: Iterable[Article], stages: Stages) -> Iterator[dict[str, Any]]:
    """One record per article in the format score_events.py reads."""
    for article in articles:
        event = stages.extract(stages.geoparser.parse(article))
        yield {
            "id": article.article_id,
            "event_type": event.category,
            "facts": event.facts.as_dict(),
            "severity": event.severity,
            "severity_reason": event.severity_reason,
            "event_date": event.event_date,
            "evidence": event.evidence,
            "locations": [
                {
                    "name": loc.name,
                    "lat": loc.place.lat if loc.place else None,
                    "lon": loc.place.lon if loc.place else None,
                    "role": loc.role,
                }
                for loc in event.locations
            ],
        }


def geoparse_file(input_path: Path, out: TextIO, config: Config) -> int:
    """`mapper geoparse`: JSONL in, one JSONL line per input line out, in order."""
    stages = Stages.load(config)
    articles = iter_articles([input_path], config.ingest)
    return _write_jsonl(geoparse_records(articles, stages.geoparser), out)


def extract_file(input_path: Path, out: TextIO, config: Config) -> int:
    """`mapper extract`: JSONL in, one event line per input line out, in order."""
    stages = Stages.load(config)
    articles = iter_articles([input_path], config.ingest)
    return _write_jsonl(extract_records(articles, stages), out)
