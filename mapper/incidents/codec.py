"""The store's JSON: places, events and incidents as the text kept in its rows, and back.

Takes ``mapper.models`` values (``Place``, ``Event``, ``Incident``, ``Article``); gives their
JSON (``dump_place``/``dump_event``/``dump_incident``, ``to_json``), the values again
(``load_place``/``load_event``/``load_incident``) and ``content_hash`` (what "the same
article" means).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from typing import Any

from mapper.bounds import clean_date, clean_facts
from mapper.errors import StoreError
from mapper.models import Article, Event, EventLocation, Facts, Incident, Place, Source


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(article: Article) -> str:
    """What "the same article" means: same title, text, date, url and source."""
    blob = json.dumps(
        [article.title, article.text, article.date, article.url, article.source],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


# --- (de)serialisation: frozen dataclasses <-> JSON ----------------------------------------
# Written by hand: dataclasses.asdict deep-copies every value and was most of a batch's time.
# Loading keeps the fields this version knows: JSON written by another version may lack some
# (their defaults apply) or carry some this version dropped (ignored).


def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


_PLACE, _FACTS, _SOURCE = _names(Place), _names(Facts), _names(Source)


def _flat(value: Any, names: frozenset[str]) -> dict[str, Any]:
    return {name: getattr(value, name) for name in names}


def _known(data: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in names}


def dump_place(place: Place | None) -> dict[str, Any] | None:
    return None if place is None else _flat(place, _PLACE)


def load_place(data: dict[str, Any] | None) -> Place | None:
    return Place(**_known(data, _PLACE)) if data else None


def dump_event(event: Event) -> str:
    return to_json(
        {
            "article_id": event.article_id,
            "category": event.category,
            "facts": _flat(event.facts, _FACTS),
            "severity": event.severity,
            "severity_reason": event.severity_reason,
            "event_date": event.event_date,
            "evidence": event.evidence,
            "confidence": event.confidence,
            "locations": [
                {
                    "name": loc.name,
                    "role": loc.role,
                    "place": dump_place(loc.place),
                    "start": loc.start,
                    "end": loc.end,
                    "reason": loc.reason,
                }
                for loc in event.locations
            ],
        }
    )


# The roles of the locations a report is merged by (report_for, incident_from_reports).
MERGED_ROLES = frozenset({"event", "origin", "destination"})


def load_event(text: str, roles: frozenset[str] | None = None) -> Event:
    """The stored event; with ``roles``, only its locations of those roles (a merged report
    needs three of an article's some 40 places)."""
    data = json.loads(text)
    locations = tuple(
        EventLocation(
            name=loc["name"],
            role=loc["role"],
            place=load_place(loc.get("place")),
            start=loc.get("start"),
            end=loc.get("end"),
            reason=loc.get("reason", ""),
        )
        for loc in data.get("locations", ())
        if roles is None or loc["role"] in roles
    )
    where = f"article {data['article_id']!r}"
    return Event(
        article_id=data["article_id"],
        category=data["category"],
        facts=clean_facts(Facts(**_known(data.get("facts", {}), _FACTS)), where),
        severity=data.get("severity", 0),
        severity_reason=data.get("severity_reason", ""),
        event_date=clean_date(data.get("event_date"), where),
        evidence=data.get("evidence", ""),
        locations=locations,
        confidence=data.get("confidence", 0.0),
    )


def dump_incident(incident: Incident) -> str:
    # `new` is left out: it belongs to the latest run, not to the incident.
    return to_json(
        {
            "incident_id": incident.incident_id,
            "category": incident.category,
            "place": dump_place(incident.place),
            "facts": _flat(incident.facts, _FACTS),
            "severity": incident.severity,
            "severity_reason": incident.severity_reason,
            "date": incident.date,
            "title": incident.title,
            "evidence": incident.evidence,
            "place_reason": incident.place_reason,
            "article_ids": list(incident.article_ids),
            "sources": [_flat(source, _SOURCE) for source in incident.sources],
            "origin": dump_place(incident.origin),
            "destination": dump_place(incident.destination),
            "first_seen": incident.first_seen,
            "last_seen": incident.last_seen,
        }
    )


def load_incident(text: str, new: bool) -> Incident:
    data = json.loads(text)
    place = load_place(data["place"])
    if place is None:
        raise StoreError(f"incident {data.get('incident_id')!r} is stored without a place")
    where = f"incident {data['incident_id']!r}"
    return Incident(
        incident_id=data["incident_id"],
        category=data["category"],
        place=place,
        facts=clean_facts(Facts(**_known(data.get("facts", {}), _FACTS)), where),
        severity=data.get("severity", 0),
        severity_reason=data.get("severity_reason", ""),
        date=clean_date(data.get("date"), where),
        title=data.get("title", ""),
        evidence=data.get("evidence", ""),
        place_reason=data.get("place_reason", ""),
        article_ids=tuple(data.get("article_ids", ())),
        sources=tuple(Source(**_known(s, _SOURCE)) for s in data.get("sources", ())),
        origin=load_place(data.get("origin")),
        destination=load_place(data.get("destination")),
        first_seen=data.get("first_seen"),
        last_seen=data.get("last_seen"),
        new=new,
    )
