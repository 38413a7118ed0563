"""Incidents and unplaced events -> (lat, lon, properties) rows in one id order: what the CSV
and the GeoParquet file hold (mapper/export.py, mapper/export_parquet.py)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mapper.export_columns import PROPERTY_NAMES as PROPERTY_ORDER
from mapper.export_layers import in_id_order, item_id
from mapper.models import Incident, UnplacedEvent, _coord, _reference, incident_properties
from mapper.urls import safe_url


def unplaced_properties(event: UnplacedEvent) -> dict[str, Any]:
    """An unplaced event's properties: the incidents' columns, its place ones empty."""
    source = event.source
    url = safe_url(source.url)
    props: dict[str, Any] = dict.fromkeys(PROPERTY_ORDER)
    props.update(
        {
            "incident_id": event.event_id,
            "category": event.category,
            "severity": event.severity,
            "severity_reason": event.severity_reason,
            **event.facts.as_dict(),
            "place_reason": event.reason,
            "date": event.date,
            "first_seen": source.date,
            "last_seen": source.date,
            "article_ids": [source.article_id],
            "sources": 1,
            "urls": [url] if url else [],
            "references": [_reference(source)],
            "title": source.title,
            "evidence": event.evidence,
            "new": event.new,
        }
    )
    return props


def _with_unplaced(
    incidents: Iterable[Incident], unplaced: Iterable[UnplacedEvent]
) -> Iterator[Incident | UnplacedEvent]:
    """Incidents and unplaced events in one id order, as ``sorted([*both])`` gives it (an
    incident before an event of the same id), without a list of both."""
    return heapq.merge(in_id_order(incidents), in_id_order(unplaced), key=item_id)


def rows(
    incidents: Sequence[Incident], unplaced: Sequence[UnplacedEvent] = ()
) -> list[tuple[float | None, float | None, dict[str, Any]]]:
    """(lat, lon, properties) of every incident and unplaced event, by id (None: no place)."""
    found: list[tuple[float | None, float | None, dict[str, Any]]] = []
    for item in _with_unplaced(incidents, unplaced):
        if isinstance(item, Incident):
            place = item.place
            found.append((_coord(place.lat), _coord(place.lon), incident_properties(item)))
        else:
            found.append((None, None, unplaced_properties(item)))
    return found
