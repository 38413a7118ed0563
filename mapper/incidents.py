"""Turn per-article Events into Incidents, merging reports of the same real event.

(Event, Article) pairs -> list[Incident]. Two reports merge when they share a category, their
places lie within merge_distance_km plus the places' own extents, and their dates fall within
merge_window_days. The merged toll follows events.toll_policy ("latest" report or "highest").

Merging is greedy and anchored: the first report of an incident (its founding report) fixes its
category, place, date and id; each later report joins the oldest incident whose anchor it
matches, or founds a new one. build_incidents() does this for one batch in memory; the store
(mapper/store.py) does the same across batches with the same rules, match() and
incident_from_reports(), so one batch gives the same incidents either way.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mapper.config import IncidentsConfig
from mapper.gazetteer import haversine_km
from mapper.models import FACT_FIELDS, Article, Event, Facts, Incident, Place, Source

log = logging.getLogger(__name__)


def incident_id_for(category: str, place: Place, event_date: str | None, salt: str = "") -> str:
    """A content hash of what identifies an event: category, place and date.

    ``salt`` (the founding article's id) separates two incidents that would otherwise share an
    id: reports without a date never merge, so the same category and place can recur.
    """
    parts = [category, place.place_id, event_date or ""]
    if salt:
        parts.append(salt)
    blob = json.dumps(parts, separators=(",", ":"))
    return "i" + hashlib.sha256(blob.encode()).hexdigest()[:15]


@dataclass(frozen=True, slots=True)
class Report:
    """One article's event at its resolved event place: the unit that merges.

    ``batch`` is the run that first stored the article (0 outside the store). On equal article
    dates a report from a later batch counts as the later report.
    """

    event: Event
    article: Article
    place: Place
    batch: int = 0

    @property
    def date_key(self) -> tuple[str, int]:
        return (self.article.date or "", self.batch)


def report_for(event: Event, article: Article, batch: int = 0) -> Report | None:
    """The event as a mergeable report, or None when it has no resolved event place."""
    location = event.location("event")
    if location is None or location.place is None:
        return None
    return Report(event, article, location.place, batch)


@dataclass(frozen=True, slots=True)
class Anchor:
    """What later reports are matched against: the founding report's category, date, place."""

    incident_id: str
    category: str
    event_date: str | None
    place: Place


def anchor_for(report: Report, taken: Callable[[str], bool] = lambda _id: False) -> Anchor:
    """The anchor of a new incident founded by ``report``; ``taken`` says an id is in use."""
    event = report.event
    incident_id = incident_id_for(event.category, report.place, event.event_date)
    if taken(incident_id):
        incident_id = incident_id_for(
            event.category, report.place, event.event_date, salt=report.article.article_id
        )
    return Anchor(incident_id, event.category, event.event_date, report.place)


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def date_window(report: Report, config: IncidentsConfig) -> tuple[str, str] | None:
    """The range of anchor dates ``report`` may merge with (None: it has no date, merges never)."""
    if not report.event.event_date:
        return None
    day = date.fromisoformat(report.event.event_date)
    span = timedelta(days=config.merge_window_days)
    return (day - span).isoformat(), (day + span).isoformat()


def same_event(anchor: Anchor, report: Report, config: IncidentsConfig) -> bool:
    """Whether ``report`` tells of the incident ``anchor`` founded."""
    if anchor.category != report.event.category:
        return False
    days = _days_apart(anchor.event_date, report.event.event_date)
    if days is None or days > config.merge_window_days:
        return False
    a, b = anchor.place, report.place
    if a.place_id == b.place_id:
        return True
    # A coarse place (a region, a country) is an area: anything inside its extent may match.
    tolerance = config.merge_distance_km + max(a.extent_km, b.extent_km)
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= tolerance


def match(report: Report, anchors: Iterable[Anchor], config: IncidentsConfig) -> Anchor | None:
    """The first anchor, in the order given (oldest incident first), that ``report`` matches."""
    for anchor in anchors:
        if same_event(anchor, report, config):
            return anchor
    return None


def _merge_facts(reports: Sequence[Report], policy: str) -> Facts:
    """Latest (by article date, then batch, then position) or highest value of each fact."""
    values: dict[str, int | float | None] = {}
    ordered = sorted(reports, key=lambda r: r.date_key)
    for report in ordered:
        for key, value in report.event.facts.reported().items():
            current = values.get(key)
            if current is None or policy == "latest" or value > current:
                values[key] = value
    return Facts(**values)  # type: ignore[arg-type]


def incident_from_reports(incident_id: str, reports: Sequence[Report], policy: str) -> Incident:
    """The incident its reports describe; ``reports[0]`` is the founding report.

    The founding report fixes the place, date, origin and destination; the facts follow
    ``policy`` over all reports; the report whose facts won lends its severity reason,
    evidence and title.
    """
    facts = _merge_facts(reports, policy)
    toll = _toll_report(reports, policy)
    lead = toll or max(
        reports,
        key=lambda r: (
            (r.event.severity, *r.date_key, -reports.index(r))
            if policy == "highest"
            else (*r.date_key, r.event.severity)
        ),
    )
    first = reports[0]
    dates = sorted(r.article.date for r in reports if r.article.date)
    sources = tuple(
        sorted(
            {
                r.article.article_id: Source(
                    r.article.article_id,
                    r.article.title,
                    r.article.url,
                    r.article.source,
                    r.article.date,
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
        incident_id=incident_id,
        category=first.event.category,
        place=first.place,
        facts=facts,
        # The severity goes with the toll it is read from, as its reason does.
        severity=lead.event.severity if toll else max(r.event.severity for r in reports),
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


def _toll_report(reports: Sequence[Report], policy: str) -> Report | None:
    """The report whose value _merge_facts keeps for the incident's leading fact (the first
    of FACT_FIELDS any report gives, the death toll where there is one), or None.

    Its severity, reason, evidence and title describe the toll the incident shows: two
    same-day reports of 17 and then 21 killed show 21, so "21 killed" must be the reason.
    """
    ordered = sorted(reports, key=lambda r: r.date_key)
    for key in FACT_FIELDS:
        winner: Report | None = None
        best: int | float | None = None
        for report in ordered:
            value = getattr(report.event.facts, key)
            if value is None:
                continue
            if best is None or policy == "latest" or value > best:
                winner, best = report, value
        if winner is not None:
            return winner
    return None


# What a run report shows of an updated incident, in this order.
_CHANGE_FIELDS = (
    *FACT_FIELDS,
    "severity",
    "sources",
    "place",
    "date",
    "first_seen",
    "last_seen",
    "title",
)


def _change_view(incident: Incident) -> dict[str, Any]:
    return {
        **incident.facts.as_dict(),
        "severity": incident.severity,
        "sources": len(set(incident.article_ids)),
        "place": incident.place.name,
        "date": incident.date,
        "first_seen": incident.first_seen,
        "last_seen": incident.last_seen,
        "title": incident.title,
    }


def incident_changes(old: Incident, new: Incident) -> dict[str, list[Any]]:
    """What an update changed, as {field: [old, new]} (facts, severity, sources, place...)."""
    before, after = _change_view(old), _change_view(new)
    return {key: [before[key], after[key]] for key in _CHANGE_FIELDS if before[key] != after[key]}


def build_incidents(
    events: Sequence[Event],
    articles: Sequence[Article],
    config: IncidentsConfig,
    *,
    toll_policy: str = "latest",
) -> list[Incident]:
    """Group events into incidents; events without a resolved event place are left out."""
    by_id = {a.article_id: a for a in articles}
    anchors: dict[str, list[Anchor]] = {}  # by category, oldest first
    groups: dict[str, list[Report]] = {}
    ordered = sorted(events, key=lambda e: (by_id[e.article_id].date or "", e.article_id))
    for event in ordered:
        report = report_for(event, by_id[event.article_id])
        if report is None:
            continue
        same_category = anchors.setdefault(event.category, [])
        anchor = match(report, same_category, config)
        if anchor is None:
            anchor = anchor_for(report, taken=groups.__contains__)
            same_category.append(anchor)
            groups[anchor.incident_id] = []
        groups[anchor.incident_id].append(report)
    incidents = [
        incident_from_reports(incident_id, reports, toll_policy)
        for incident_id, reports in groups.items()
    ]
    return sorted(incidents, key=lambda i: i.incident_id)
