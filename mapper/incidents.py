"""Turn per-article Events into Incidents, merging reports of the same real event.

(Event, Article) pairs -> list[Incident]. Two reports merge when they share a category, their
places lie within merge_distance_km plus the places' own extents, and their dates fall within
merge_window_days. The merged toll follows events.toll_policy ("latest" report or "highest").
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mapper.config import IncidentsConfig
from mapper.gazetteer import haversine_km
from mapper.models import Article, Event, Facts, Incident, Place, Source

log = logging.getLogger(__name__)


def incident_id_for(category: str, place: Place, event_date: str | None) -> str:
    """A content hash of what identifies an event: category, place and date."""
    blob = json.dumps([category, place.place_id, event_date or ""], separators=(",", ":"))
    return "i" + hashlib.sha256(blob.encode()).hexdigest()[:15]


@dataclass
class _Report:
    event: Event
    article: Article
    place: Place


@dataclass
class _Group:
    reports: list[_Report] = field(default_factory=list)

    @property
    def first(self) -> _Report:
        return self.reports[0]


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _same_event(group: _Group, report: _Report, config: IncidentsConfig) -> bool:
    first = group.first
    if first.event.category != report.event.category:
        return False
    days = _days_apart(first.event.event_date, report.event.event_date)
    if days is None or days > config.merge_window_days:
        return False
    a, b = first.place, report.place
    if a.place_id == b.place_id:
        return True
    tolerance = config.merge_distance_km + max(a.extent_km, b.extent_km)
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= tolerance


def _merge_facts(reports: list[_Report], policy: str) -> Facts:
    """Latest (by article date, then position) or highest value of each fact."""
    values: dict[str, int | float | None] = {}
    ordered = sorted(reports, key=lambda r: r.article.date or "")
    for report in ordered:
        for key, value in report.event.facts.reported().items():
            current = values.get(key)
            if current is None or policy == "latest" or value > current:
                values[key] = value
    return Facts(**values)  # type: ignore[arg-type]


def _to_incident(group: _Group, policy: str) -> Incident:
    reports = group.reports
    facts = _merge_facts(reports, policy)
    # The report whose facts won speaks for the incident (its severity, evidence, title).
    lead = max(
        reports,
        key=lambda r: (r.event.severity, r.article.date or "", -reports.index(r))
        if policy == "highest"
        else (r.article.date or "", r.event.severity),
    )
    first = group.first
    dates = sorted(r.article.date for r in reports if r.article.date)
    sources = tuple(
        sorted(
            {
                r.article.article_id: Source(
                    r.article.article_id, r.article.title, r.article.url, r.article.source, r.article.date
                )
                for r in reports
            }.values(),
            key=lambda s: (s.date or "", s.article_id),
        )
    )
    origin = first.event.location("origin")
    destination = first.event.location("destination")
    event_loc = first.event.location("event")
    return Incident(
        incident_id=incident_id_for(first.event.category, first.place, first.event.event_date),
        category=first.event.category,
        place=first.place,
        facts=facts,
        severity=max(r.event.severity for r in reports),
        severity_reason=lead.event.severity_reason,
        date=first.event.event_date,
        title=lead.article.title or lead.event.evidence[:120],
        evidence=lead.event.evidence,
        place_reason=event_loc.reason if event_loc else "",
        article_ids=tuple(sorted({r.article.article_id for r in reports})),
        sources=sources,
        origin=origin.place if origin else None,
        destination=destination.place if destination else None,
        first_seen=dates[0] if dates else None,
        last_seen=dates[-1] if dates else None,
    )


def build_incidents(
    events: Sequence[Event],
    articles: Sequence[Article],
    config: IncidentsConfig,
    *,
    toll_policy: str = "latest",
) -> list[Incident]:
    """Group events into incidents; events without a resolved event place are left out."""
    by_id = {a.article_id: a for a in articles}
    groups: list[_Group] = []
    ordered = sorted(events, key=lambda e: (by_id[e.article_id].date or "", e.article_id))
    for event in ordered:
        location = event.location("event")
        if location is None or location.place is None:
            continue
        report = _Report(event, by_id[event.article_id], location.place)
        for group in groups:
            if _same_event(group, report, config):
                group.reports.append(report)
                break
        else:
            groups.append(_Group([report]))
    incidents = [_to_incident(group, toll_policy) for group in groups]
    return sorted(incidents, key=lambda i: i.incident_id)
