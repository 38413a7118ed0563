"""The GeoJSON layers beside incidents.geojson: areas (Polygons) and transfers (LineStrings).

``incidents.geojson`` stays the contract, a Point per incident. GIS users also get what the
map draws: ``incident_areas.geojson`` (one Polygon or MultiPolygon per incident placed at an
area) and ``transfers.geojson`` (one LineString per incident with an origin and a
destination). Every layer is written like incidents.geojson: one feature per line, sorted by
id, the data credits as a foreign member, never held in memory whole.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from mapper.atomic import atomic_path
from mapper.attribution import attribution_records
from mapper.export_columns import AREAS_FILE, TRANSFERS_FILE, UNPLACED_FILE
from mapper.export_geometry import (
    AREA_PRECISIONS,
    area_of,
    geojson_geometry,
    transfer_km,
    transfer_line,
)
from mapper.models import Incident, Place, UnplacedEvent

T = TypeVar("T", bound=Incident | UnplacedEvent)

POINTS_FILE = "incidents.geojson"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_feature_lines(path: str | Path, features: Iterable[dict[str, Any] | str]) -> Path:
    """A FeatureCollection with one feature per line, written as the features come.

    Compact JSON per feature is written by the C encoder, and a diff between two runs shows
    one line per feature. The first line carries the data sources' credits (a foreign
    member, RFC 7946 section 6.1). A feature given as text is written as it is.
    """
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
        out.write(
            '{"type":"FeatureCollection","attribution":'
            + _dumps(attribution_records())
            + ',"features":['
        )
        glue = "\n"
        for feature in features:
            out.write(glue + (feature if isinstance(feature, str) else _dumps(feature)))
            glue = ",\n"
        out.write("]}\n" if glue == "\n" else "\n]}\n")
    return path


def layer_paths(points: Path) -> dict[str, Path]:
    """Where the layers of a points file go: fixed names beside ``incidents.geojson``,
    ``NAME.areas.geojson`` (and so on) beside any other ``NAME.geojson``."""
    if points.name == POINTS_FILE:
        names = {"areas": AREAS_FILE, "transfers": TRANSFERS_FILE, "unplaced": UNPLACED_FILE}
    else:
        names = {k: f"{points.stem}.{k}.geojson" for k in ("areas", "transfers", "unplaced")}
    return {key: points.with_name(name) for key, name in names.items()}


@functools.lru_cache(maxsize=4096)
def _area(place: Place) -> tuple[dict[str, Any], str] | None:
    """The area of a place as a GeoJSON geometry, once: most incidents share a few places."""
    found = area_of(place)
    return None if found is None else (geojson_geometry(found[0]), found[1])


@functools.lru_cache(maxsize=4096)
def _area_text(place: Place) -> str:
    """The area's geometry as JSON text: encoding it per incident costs more than the rest.

    Made from the shape itself, not from _area's cache: the file needs only the text, and a
    large country's coordinates as Python lists weigh far more than it.
    """
    found = area_of(place)
    return "null" if found is None else _dumps(geojson_geometry(found[0]))


def _area_line(incident: Incident) -> str | None:
    if incident.place.precision not in AREA_PRECISIONS:
        return None  # before the caches, which hold areas only
    feature = area_feature(incident, geometry=False)
    if feature is None:
        return None
    head = _dumps({"type": "Feature", "id": feature["id"]})[:-1]
    return (
        f'{head},"geometry":{_area_text(incident.place)},"properties":'
        + _dumps(feature["properties"])
        + "}"
    )


def area_feature(incident: Incident, *, geometry: bool = True) -> dict[str, Any] | None:
    """The incident's area as a Feature, or None for an incident placed at a point.

    With ``geometry`` false the feature's geometry is left None (written from _area_text).
    """
    place = incident.place
    if place.precision not in AREA_PRECISIONS:
        return None
    if geometry:
        found = _area(place)
        if found is None:
            return None
        shape, source = found
    else:
        area = area_of(place)
        if area is None:
            return None
        shape, source = None, area[1]
    properties = {
        "incident_id": incident.incident_id,
        "category": incident.category,
        "severity": incident.severity,
        "date": incident.date,
        "place": place.name,
        "place_id": place.place_id,
        "country": place.country,
        "precision": place.precision,
        "extent_km": place.extent_km,
        "area_source": source,
        "title": incident.title,
    }
    return {
        "type": "Feature",
        "id": incident.incident_id,
        "geometry": shape,
        "properties": properties,
    }


def transfer_feature(incident: Incident) -> dict[str, Any] | None:
    """The incident's transfer as a LineString Feature, or None without both ends."""
    line = transfer_line(incident)
    if line is None:
        return None
    assert incident.origin is not None and incident.destination is not None
    properties = {
        "incident_id": incident.incident_id,
        "category": incident.category,
        "severity": incident.severity,
        "date": incident.date,
        "origin_name": incident.origin.name,
        "destination_name": incident.destination.name,
        "distance_km": transfer_km(incident),
        "title": incident.title,
    }
    return {
        "type": "Feature",
        "id": incident.incident_id,
        "geometry": geojson_geometry(line),
        "properties": properties,
    }


def item_id(item: Incident | UnplacedEvent) -> str:
    return item.incident_id if isinstance(item, Incident) else item.event_id


def in_id_order(items: Iterable[T]) -> Iterable[T]:
    """Incidents or unplaced events by id, the order of every export.

    A sequence that iterates in that order already (the store's, with a true
    ``sorted_by_id``) is read as it comes: it is never sorted, so never held whole.
    """
    if getattr(items, "sorted_by_id", False):
        return items
    return sorted(items, key=item_id)


def write_areas(incidents: Iterable[Incident], path: str | Path) -> Path:
    """incident_areas.geojson: a Polygon or MultiPolygon per incident placed at an area."""
    lines = (_area_line(i) for i in in_id_order(incidents))
    return write_feature_lines(path, (line for line in lines if line is not None))


def write_transfers(incidents: Iterable[Incident], path: str | Path) -> Path:
    """transfers.geojson: a LineString per incident from its origin to its destination."""
    features = (transfer_feature(i) for i in in_id_order(incidents))
    return write_feature_lines(path, (f for f in features if f is not None))
