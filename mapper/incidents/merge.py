"""Turn per-article Events into Incidents, merging reports of the same real event.

(Event, Article) pairs -> list[Incident]. Two reports merge when they share a category, their
places lie within merge_distance_km plus the places' own extents or one contains the other, and
their dates fall within merge_window_days (a report without a date merges within its batch).
The merged toll follows events.toll_policy ("latest" report or "highest").

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
from mapper.gazetteer.hierarchy import contains, measured_from, nested, specificity
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


# Reports whose magnitudes differ by more than this are of different quakes.
MAGNITUDE_SPREAD = 0.5
# Reports of the same magnitude may lie this many merge distances apart (epicentre offshore,
# the town that was hit, the province the agency names).
SAME_MAGNITUDE_REACH = 3.0

# Sorts after every ISO date: where an article has no date, the run's date stands in for it,
# and a run is never older than the articles it reads. (Which toll is later stays open between
# an undated article and a dated one: see _orderable.)
UNDATED = "9999-12-31"


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
        # An undated article sorts after dated ones (as of the run that read it).
        return (self.article.date or UNDATED, self.batch)


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
    batch: int = 0  # the batch that founded it, as Report.batch counts them
    magnitude: float | None = None  # the founding report's, for earthquakes


def anchor_for(report: Report, taken: Callable[[str], bool] = lambda _id: False) -> Anchor:
    """The anchor of a new incident founded by ``report``; ``taken`` says an id is in use."""
    event = report.event
    incident_id = incident_id_for(event.category, report.place, event.event_date)
    if taken(incident_id):
        incident_id = incident_id_for(
            event.category, report.place, event.event_date, salt=report.article.article_id
        )
    return Anchor(
        incident_id,
        event.category,
        event.event_date,
        report.place,
        report.batch,
        event.facts.magnitude,
    )


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def date_window(report: Report, config: IncidentsConfig) -> tuple[str, str] | None:
    """The range of anchor dates ``report`` may merge with (None: it has no date, so it merges
    only with incidents of its own batch)."""
    if not report.event.event_date:
        return None
    day = date.fromisoformat(report.event.event_date)
    span = timedelta(days=config.merge_window_days)
    return (day - span).isoformat(), (day + span).isoformat()


def same_event(anchor: Anchor, report: Report, config: IncidentsConfig) -> bool:
    """Whether ``report`` tells of the incident ``anchor`` founded.

    Same category; dates within the window, or, when either has no date, read in the same
    batch (the batch's run date stands in for the missing one); and places that are the same,
    lie within the merge distance (plus their extents), or contain one another (a town and the
    country it lies in).
    """
    if anchor.category != report.event.category:
        return False
    days = _days_apart(anchor.event_date, report.event.event_date)
    if days is None:
        if anchor.batch != report.batch:
            return False
    elif days > config.merge_window_days:
        return False
    # Two magnitudes tell quakes apart, or together: agencies round to a tenth, so reports of
    # one quake differ by a few tenths at most; the same figure may place it farther off.
    magnitude = report.event.facts.magnitude
    if anchor.magnitude is None or magnitude is None:
        reach = 1.0
    elif abs(anchor.magnitude - magnitude) > MAGNITUDE_SPREAD:
        return False
    else:
        reach = SAME_MAGNITUDE_REACH if anchor.magnitude == magnitude else 1.0
    return places_match(anchor.place, report.place, config, reach=reach)


def widest_reach(report: Report) -> float:
    """The most merge distances ``report`` may match across (what same_event may allow)."""
    return 1.0 if report.event.facts.magnitude is None else SAME_MAGNITUDE_REACH


def places_match(a: Place, b: Place, config: IncidentsConfig, *, reach: float = 1.0) -> bool:
    """Two reports' places may be one event's: the same, near, or one inside the other.

    ``reach`` stretches the merge distance when other evidence (the same magnitude) says the
    reports are of one event.
    """
    if a.place_id == b.place_id:
        return True
    # A coarse place (a region, a country) is an area: anything inside its extent may match.
    tolerance = reach * config.merge_distance_km + max(a.extent_km, b.extent_km)
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= tolerance or nested(a, b)


def match(report: Report, anchors: Iterable[Anchor], config: IncidentsConfig) -> Anchor | None:
    """The first anchor, in the order given (oldest incident first), that ``report`` matches."""
    for anchor in anchors:
        if same_event(anchor, report, config):
            return anchor
    return None


def _merge_facts(reports: Sequence[Report], policy: str) -> tuple[Facts, Report | None]:
    """Latest (by article date, then batch) or highest value of each fact, and the report the
    leading fact comes from (the first of FACT_FIELDS any report gives: the death toll where
    there is one), or None when no report gives a fact.

    Reports that dates cannot order (the same day in one batch, an undated article beside a
    dated one, two undated ones of one batch) keep the larger figure: tolls rise as the dead
    are counted, they do not fall.
    """
    values: dict[str, int | float | None] = {}
    source: dict[str, Report] = {}
    ordered = sorted(reports, key=lambda r: r.date_key)
    for report in ordered:
        for key, value in report.event.facts.reported().items():
            current = values.get(key)
            set_at = source[key].date_key if key in source else None
            later = policy == "latest" and _orderable(set_at, report.date_key)
            if current is None or later or value > current:
                values[key] = value
                source[key] = report
    toll = next((source[key] for key in FACT_FIELDS if key in source), None)
    return Facts(**values), toll  # type: ignore[arg-type]


def _orderable(a: tuple[str, int] | None, b: tuple[str, int]) -> bool:
    """Whether two reports' (date, batch) keys tell which is later."""
    if a is None or a == b:
        return False
    # Both dated, or both undated and read by different runs (the later run read the later
    # one); an undated article beside a dated one cannot be placed before or after it.
    return (a[0] == UNDATED) == (b[0] == UNDATED)


def incident_from_reports(incident_id: str, reports: Sequence[Report], policy: str) -> Incident:
    """The incident its reports describe; ``reports[0]`` is the founding report.

    The founding report fixes the date, origin and destination, and the place unless another
    report names a place inside it (then the most specific such place); the facts follow
    ``policy`` over all reports; the report whose facts won lends its severity reason,
    evidence and title.
    """
    facts, toll = _merge_facts(reports, policy)
    # Its severity, reason, evidence and title describe the toll the incident shows: two
    # same-day reports of 17 and then 21 killed show 21, so "21 killed" must be the reason.
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
    placed = _most_specific(reports)
    event_loc = placed.event.location("event")
    return Incident(
        incident_id=incident_id,
        category=first.event.category,
        place=placed.place,
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


def _most_specific(reports: Sequence[Report]) -> Report:
    """The report that places the incident most precisely inside the founding report's place.

    One outlet writes "a quake in X (country)", another names the town: the town is where it
    happened. Only places inside the founder's count, so a neighbouring town that merely lies
    within the merge distance never moves the incident. A place measured from the founder's
    ("45 km southeast of X" after "X") refines it the same way.
    """
    first = reports[0]
    inside = [
        r
        for r in reports[1:]
        if contains(first.place, r.place) or measured_from(first.place, r.place)
    ]
    if not inside:
        return first
    return min(inside, key=lambda r: specificity(r.place))


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
    ordered = sorted(events, key=lambda e: (by_id[e.article_id].date or UNDATED, e.article_id))
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
