"""Typed values passed between the pipeline's stages.

ingest -> Article; geoparse -> Toponym (a mention plus its resolved Place, or none);
extract -> Event (category, Facts, severity, EventLocation); incidents -> Incident.
Everything here is a frozen dataclass: no dict crosses a stage boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from mapper.export_columns import PROPERTY_NAMES
from mapper.urls import safe_url

Precision = Literal["point", "city", "admin2", "admin1", "country", "region"]
LocationRole = Literal["event", "origin", "destination", "affected", "mentioned"]


@dataclass(frozen=True, slots=True, init=False)
class Article:
    """One news item as read from a batch.

    ``origin`` is where it came from ("batch.jsonl:12"), for messages only. ``id`` is the
    input format's name for ``article_id``: ``Article(id="a1", text=...)`` and ``article.id``
    work as ``article_id`` does.
    """

    article_id: str
    text: str
    title: str = ""
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) or None
    url: str | None = None
    source: str | None = None
    origin: str = ""

    def __init__(
        self,
        article_id: str | None = None,
        text: str | None = None,
        title: str = "",
        date: str | None = None,
        url: str | None = None,
        source: str | None = None,
        origin: str = "",
        *,
        id: str | None = None,  # the input format's name
    ) -> None:
        if id is not None and article_id is not None and id != article_id:
            raise TypeError("Article() got both id and article_id; give one")
        article_id = article_id if article_id is not None else id
        if article_id is None or text is None:
            missing = [n for n, v in (("id", article_id), ("text", text)) if v is None]
            raise TypeError(f"Article() missing required argument(s): {', '.join(missing)}")
        for name, value in (
            ("article_id", article_id),
            ("text", text),
            ("title", title),
            ("date", date),
            ("url", url),
            ("source", source),
            ("origin", origin),
        ):
            object.__setattr__(self, name, value)

    @property
    def id(self) -> str:
        """The article's id, as the input format names it (same as ``article_id``)."""
        return self.article_id


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry (or a derived area), with (lat, lon) in WGS84 degrees.

    ``extent_km`` is the radius of a circle that roughly covers the place; it is what the
    map draws for areas and what merging uses as a distance tolerance.
    """

    place_id: str  # "geonames:2950159", "ne:RUS", "region:himalayas", "rel:..."
    name: str
    lat: float
    lon: float
    # country | admin1 | admin2 | city | village | facility | region | continent | water | relative
    feature_class: str
    precision: Precision
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    population: int = 0
    extent_km: float = 0.0
    # place_id of the admin-2 unit (district, county, LGA) it lies in, its own for such a unit.
    admin2: str | None = None


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place mention in an article's text and what it resolved to.

    ``text[start:end] == name``. ``place`` is None when the resolver abstained.
    ``demonym`` marks adjectives and peoples ("Russian", "Israelis") linked to a country.
    """

    start: int
    end: int
    name: str
    place: Place | None = None
    score: float = 0.0
    reason: str = ""
    demonym: bool = False
    # A part of or place near `place` that the text points to ("northern Gaza",
    # "50 km south of Kyiv"), precision "region"; None when the mention is plain.
    relative: Place | None = None


@dataclass(frozen=True, slots=True)
class GeoparsedArticle:
    article: Article
    toponyms: tuple[Toponym, ...] = ()


@dataclass(frozen=True, slots=True)
class Facts:
    """Numbers an article reports. None means not reported, never 0 for unknown."""

    killed: int | None = None
    injured: int | None = None
    missing: int | None = None
    displaced: int | None = None
    evacuated: int | None = None
    trapped: int | None = None
    rescued: int | None = None
    magnitude: float | None = None
    area_burned_ha: float | None = None
    buildings_destroyed: int | None = None

    def as_dict(self) -> dict[str, int | float | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def reported(self) -> dict[str, int | float]:
        """The facts that have a value, in field order."""
        return {k: v for k, v in self.as_dict().items() if v is not None}


FACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Facts))
# The facts that count people or buildings (the others are measures: magnitude, area).
COUNT_FACTS: tuple[str, ...] = tuple(
    name for name in FACT_FIELDS if name not in ("magnitude", "area_burned_ha")
)


@dataclass(frozen=True, slots=True)
class EventLocation:
    """One of an event's places and its role in the event."""

    name: str
    role: LocationRole
    place: Place | None = None
    start: int | None = None
    end: int | None = None
    reason: str = ""  # why the geoparser chose this place


@dataclass(frozen=True, slots=True)
class Event:
    """What one article reports: the incident's type, facts, severity, place and date."""

    article_id: str
    category: str
    facts: Facts = field(default_factory=Facts)
    severity: int = 0
    severity_reason: str = ""
    event_date: str | None = None
    evidence: str = ""
    locations: tuple[EventLocation, ...] = ()
    confidence: float = 0.0

    def location(self, role: LocationRole) -> EventLocation | None:
        """The first location with that role that has a place, or None."""
        for loc in self.locations:
            if loc.role == role and loc.place is not None:
                return loc
        return None


@dataclass(frozen=True, slots=True)
class Source:
    """An article that reports an incident, as shown in popups."""

    article_id: str
    title: str = ""
    url: str | None = None
    source: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """One real-world event on the map, merged from one or more reports."""

    incident_id: str
    category: str
    place: Place
    facts: Facts = field(default_factory=Facts)
    severity: int = 0
    severity_reason: str = ""
    date: str | None = None
    title: str = ""
    evidence: str = ""
    place_reason: str = ""
    article_ids: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    origin: Place | None = None
    destination: Place | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    new: bool = True

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The incident as a GeoJSON Feature (as in incidents.geojson), for shapely/geopandas."""
        return to_feature(self)


@dataclass(frozen=True, slots=True)
class UnplacedEvent:
    """An article's event whose place could not be resolved: on no map, but in the exports.

    ``source`` is the article; ``reason`` says why no place was chosen.
    """

    event_id: str  # "u" and a hash of the article id
    category: str
    source: Source
    facts: Facts = field(default_factory=Facts)
    severity: int = 0
    severity_reason: str = ""
    date: str | None = None  # the event's date, else None
    evidence: str = ""
    reason: str = ""
    new: bool = True


@dataclass(slots=True)
class RunSummary:
    """Counts and paths of one run, printed by the CLI and written to run.json."""

    articles_read: int = 0
    articles_skipped_bad: int = 0
    places_found: int = 0
    places_resolved: int = 0
    incidents: int = 0
    incidents_by_category: dict[str, int] = field(default_factory=dict)
    unresolved_places: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Incremental runs over the store: what this run did to it.
    articles_new: int = 0
    articles_skipped: int = 0  # seen before with the same content and settings
    articles_reprocessed: int = 0  # content or result-affecting settings changed
    incidents_created: list[str] = field(default_factory=list)
    incidents_updated: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    incidents_removed: list[str] = field(default_factory=list)
    unresolved_places_store: dict[str, int] = field(default_factory=dict)  # over all articles
    incidents_stored: int = 0
    unplaced_events: int = 0  # events with no resolved place, in the outputs' window
    unplaced_events_stored: int = 0
    run_id: int | None = None  # None when the run changed nothing in the store
    store: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase; not in run.json
    geocoder: dict[str, int] = field(default_factory=dict)  # remote geocoder counters, if used


# The GeoJSON Feature of an incident: the one mapping of incidents.geojson's features and the
# CSV's rows (mapper/export.py writes them), kept beside the Incident so that
# __geo_interface__ needs nothing above this module.


def _coord(value: float) -> float:
    return round(value, 5)


def _reference(source: Source) -> dict[str, Any]:
    return {
        "article_id": source.article_id,
        "title": source.title,
        "url": safe_url(source.url),
        "source": source.source,
        "date": source.date,
    }


def incident_properties(incident: Incident) -> dict[str, Any]:
    place = incident.place
    props: dict[str, Any] = {
        "incident_id": incident.incident_id,
        "category": incident.category,
        "severity": incident.severity,
        "severity_reason": incident.severity_reason,
        **incident.facts.as_dict(),
        "place": place.name,
        "place_id": place.place_id,
        "country": place.country,
        "precision": place.precision,
        "feature_class": place.feature_class,
        "extent_km": place.extent_km,
        "place_reason": incident.place_reason,
        "date": incident.date,
        "first_seen": incident.first_seen,
        "last_seen": incident.last_seen,
        "article_ids": list(incident.article_ids),
        "sources": len(set(incident.article_ids)),
        "urls": sorted({url for s in incident.sources if (url := safe_url(s.url))}),
        "references": [_reference(s) for s in incident.sources],
        "title": incident.title,
        "evidence": incident.evidence,
        "origin_name": None,
        "origin_lat": None,
        "origin_lon": None,
        "destination_name": None,
        "destination_lat": None,
        "destination_lon": None,
        "new": incident.new,
    }
    for role, end in (("origin", incident.origin), ("destination", incident.destination)):
        if end is not None:
            props[f"{role}_name"] = end.name
            props[f"{role}_lat"] = _coord(end.lat)
            props[f"{role}_lon"] = _coord(end.lon)
    return {key: props[key] for key in PROPERTY_NAMES}


def to_feature(incident: Incident) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": incident.incident_id,
        "geometry": {
            "type": "Point",
            "coordinates": [_coord(incident.place.lon), _coord(incident.place.lat)],
        },
        "properties": incident_properties(incident),
    }
