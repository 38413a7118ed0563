"""The batch job: the only module that knows the order of the stages.

run(config) -> RunSummary: ingest -> geoparse -> extract -> incidents -> render and export.
geoparse_file() and extract_file() run the first stages alone for `mapper geoparse|extract`.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from mapper.config import Config
from mapper.events.taxonomy import Taxonomy, load_taxonomy
from mapper.gazetteer import Gazetteer, load_gazetteer
from mapper.geoparse import Geoparser
from mapper.ingest import IngestReport, iter_articles, read_articles
from mapper.models import Article, Event, GeoparsedArticle, Incident, Place, RunSummary

log = logging.getLogger(__name__)

MAP_FILE = "incident_map.html"
GEOJSON_FILE = "incidents.geojson"
CSV_FILE = "incidents.csv"


@dataclass
class Stages:
    """What the stages need, loaded once per process and shared by every batch."""

    gazetteer: Gazetteer
    geoparser: Geoparser
    taxonomy: Taxonomy
    config: Config

    @classmethod
    def load(cls, config: Config) -> Stages:
        cache_dir = config.gazetteer.cache_dir
        gazetteer = load_gazetteer(
            config.resolve_path(cache_dir) if cache_dir else None,
            min_population=config.gazetteer.min_population,
        )
        taxonomy = load_taxonomy(config.events.taxonomy, config.base_dir)
        return cls(gazetteer, Geoparser(gazetteer, config.geoparse), taxonomy, config)

    def extract(self, doc: GeoparsedArticle) -> Event:
        from mapper.events.extract import extract_event

        event = extract_event(doc, self.taxonomy, self.config.events)
        return _with_place_reasons(event, doc)


def _with_place_reasons(event: Event, doc: GeoparsedArticle) -> Event:
    """Carry the geoparser's reason for each place onto the event's locations.

    Where the text qualifies the place ("northern Gaza", "Russia's southwestern border"), the
    event happened in that part of it: the relative place replaces the whole.
    """
    by_span = {(t.start, t.end): t for t in doc.toponyms}
    locations = []
    for loc in event.locations:
        toponym = by_span.get((loc.start, loc.end))
        if toponym is None:
            locations.append(loc)
        elif toponym.relative is not None and loc.role != "mentioned":
            reason = f"{toponym.relative.name}: {toponym.reason}"
            locations.append(replace(loc, name=toponym.relative.name, place=toponym.relative, reason=reason))
        else:
            locations.append(replace(loc, reason=toponym.reason))
    return replace(event, locations=tuple(locations))


def _progress(items: Iterable[Any], label: str, total: int | None = None) -> Iterator[Any]:
    # disable=None: bars only on an interactive terminal, never in logs or CI.
    yield from tqdm(items, desc=label, total=total, unit="article", disable=None, leave=False)


def run(
    config: Config,
    *,
    inputs: Sequence[str | Path] | None = None,
    output_dir: str | Path | None = None,
    stages: Stages | None = None,
) -> RunSummary:
    """Run the batch job and write the map, GeoJSON and CSV. Returns the run's summary."""
    paths = [Path(p) for p in inputs] if inputs else [config.resolve_path(p) for p in config.input]
    out_dir = Path(output_dir) if output_dir else config.resolve_path(config.output_dir)
    report = IngestReport()
    articles = read_articles(paths, config.ingest, report)
    stages = stages or Stages.load(config)

    docs = [stages.geoparser.parse(a) for a in _progress(articles, "geoparse", len(articles))]
    events = [stages.extract(doc) for doc in _progress(docs, "extract", len(docs))]
    from mapper.incidents import build_incidents

    incidents = build_incidents(
        events, articles, config.incidents, toll_policy=config.events.toll_policy
    )
    summary = RunSummary(
        articles_read=len(articles),
        articles_skipped_bad=report.skipped,
        places_found=sum(len(d.toponyms) for d in docs),
        places_resolved=sum(1 for d in docs for t in d.toponyms if t.place is not None),
        incidents=len(incidents),
        incidents_by_category=dict(sorted(Counter(i.category for i in incidents).items())),
        unresolved_places=dict(
            Counter(t.name for d in docs for t in d.toponyms if t.place is None).most_common(50)
        ),
        warnings=list(report.warnings),
    )
    summary.outputs = write_outputs(incidents, stages.taxonomy, config, out_dir, articles)
    return summary


def write_outputs(
    incidents: Sequence[Incident],
    taxonomy: Taxonomy,
    config: Config,
    out_dir: Path,
    articles: Sequence[Article] = (),
) -> dict[str, str]:
    from mapper.export import write_csv, write_geojson
    from mapper.render.map import MapSummary, render_map

    out_dir.mkdir(parents=True, exist_ok=True)
    dates = sorted(i.date for i in incidents if i.date)
    map_summary = MapSummary(
        articles=len(articles),
        incidents=len(incidents),
        date_from=dates[0] if dates else None,
        date_to=dates[-1] if dates else None,
    )
    outputs = {
        "map": str(render_map(incidents, taxonomy, config.render, out_dir / MAP_FILE, summary=map_summary)),
        "geojson": str(write_geojson(incidents, out_dir / GEOJSON_FILE)),
        "csv": str(write_csv(incidents, out_dir / CSV_FILE)),
    }
    return outputs


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
