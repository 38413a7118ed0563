"""GeoparsedArticle -> Event: category, facts, severity, event date, evidence and place roles.

``EventExtractor`` compiles the taxonomy's cues and the fact rules once; ``extract_event`` is a thin
wrapper that reuses one extractor per (taxonomy, config).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from mapper.config import EventsConfig
from mapper.events.classify import EventTyper
from mapper.events.dates import resolve_event_date
from mapper.events.facts import FactExtractor
from mapper.events.locations import TRANSFER, assign_roles
from mapper.events.severity import (
    DEFAULT_SEVERITY_TABLE,
    SeverityTable,
    score_severity,
    severity_table_from_mapping,
)
from mapper.events.taxonomy import Taxonomy
from mapper.events.text import sentence_spans
from mapper.models import Event, GeoparsedArticle

logger = logging.getLogger(__name__)

# Categories whose events can move something between places (arms, aid, deportees).
TRANSFER_CATEGORIES = frozenset(
    {"military_cooperation", "diplomacy_sanctions", "crime_security", "other"}
)


# Natural hazards: people who flee one are evacuees (elsewhere flight is displacement).
HAZARD_CATEGORIES = frozenset(
    {"earthquake", "flood_storm", "wildfire", "other_natural_hazard", "disease_outbreak"}
)


class EventExtractor:
    """Extracts one Event per article. Build once per taxonomy and config; ``extract`` is pure."""

    def __init__(self, taxonomy: Taxonomy, config: EventsConfig | None = None) -> None:
        self.taxonomy = taxonomy
        self.config = config or EventsConfig()
        self.typer = EventTyper(taxonomy)
        self.facts = FactExtractor()
        overrides = self.config.severity
        self.severity_table: SeverityTable = (
            severity_table_from_mapping(overrides) if overrides else DEFAULT_SEVERITY_TABLE
        )

    def extract(self, doc: GeoparsedArticle) -> Event:
        """Extract the Event an article reports."""
        article = doc.article
        text, title = article.text, article.title or ""
        typed = self.typer.classify(title, text)
        category = self.taxonomy.get(typed.category)
        fact_result = self.facts.extract(
            text,
            title,
            hazard=category.id in HAZARD_CATEGORIES,
            seismic=category.id == "earthquake",
        )
        severity, reason = score_severity(fact_result.facts, category, self.severity_table)
        evidence = fact_result.evidence or _sentence_at(text, typed.evidence)
        transfer = category.id in TRANSFER_CATEGORIES and (
            TRANSFER.search(text, *(evidence or (0, min(len(text), 400)))) is not None
        )
        year = int(article.date[:4]) if article.date and article.date[:4].isdigit() else None
        locations = assign_roles(
            doc.toponyms,
            text,
            evidence=evidence,
            transfer=transfer,
            title=title,
            article_year=year,
            category=category.id,
        )
        return Event(
            article_id=article.article_id,
            category=category.id,
            facts=fact_result.facts,
            severity=severity,
            severity_reason=reason,
            event_date=resolve_event_date(text, article.date),
            evidence=text[evidence[0] : evidence[1]].strip() if evidence else "",
            locations=locations,
            confidence=typed.confidence,
        )

    def extract_many(self, docs: Iterable[GeoparsedArticle]) -> list[Event]:
        """Extract events for a batch, in input order."""
        return [self.extract(doc) for doc in docs]


def _sentence_at(text: str, offset: int | None) -> tuple[int, int] | None:
    """The sentence holding ``offset`` (the first sentence when the offset is in the title)."""
    spans = sentence_spans(text)
    if not spans:
        return None
    if offset is None or offset < 0:
        return spans[0]
    for span in spans:
        if span[0] <= offset < span[1]:
            return span
    return spans[0]


# Keyed by object identity (EventsConfig holds a dict, so it is not hashable); the stored objects
# are compared on use so a recycled id never returns a stale extractor.
_CACHE: dict[tuple[int, int], tuple[Taxonomy, EventsConfig, EventExtractor]] = {}


def get_extractor(taxonomy: Taxonomy, config: EventsConfig) -> EventExtractor:
    """The cached extractor for this taxonomy object and config (built on first use)."""
    key = (id(taxonomy), id(config))
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not taxonomy or cached[1] is not config:
        if len(_CACHE) > 16:
            _CACHE.clear()
        logger.debug("building event extractor for taxonomy %s", taxonomy.name)
        cached = (taxonomy, config, EventExtractor(taxonomy, config))
        _CACHE[key] = cached
    return cached[2]


def extract_event(doc: GeoparsedArticle, taxonomy: Taxonomy, config: EventsConfig) -> Event:
    """Extract the Event an article reports (see ``EventExtractor``)."""
    return get_extractor(taxonomy, config).extract(doc)


def extract_events(
    docs: Iterable[GeoparsedArticle], taxonomy: Taxonomy, config: EventsConfig
) -> list[Event]:
    """Extract events for a batch of articles, in input order."""
    return get_extractor(taxonomy, config).extract_many(docs)


def event_record(event: Event) -> dict[str, object]:
    """The JSON-ready line `mapper extract` writes (the format the events scorer reads)."""
    return {
        "id": event.article_id,
        "event_type": event.category,
        "facts": event.facts.as_dict(),
        "severity": event.severity,
        "severity_reason": event.severity_reason,
        "event_date": event.event_date,
        "locations": [
            {
                "name": loc.name,
                "lat": round(loc.place.lat, 5) if loc.place else None,
                "lon": round(loc.place.lon, 5) if loc.place else None,
                "role": loc.role,
            }
            for loc in event.locations
        ],
    }
