"""Read an incidents GeoJSON back for `mapper render`: mapper's own, or as GIS tools rewrite it.

GDAL and QGIS (a GeoPackage round trip, "Save as GeoJSON") turn list-valued properties into
strings: ``"(2:a1,a2)"`` (OGR's string list), JSON text (``'["a1","a2"]'``, and the
``references`` objects) or, through geopandas, Python's ``"['a1', 'a2']"``. Those are parsed
back into lists; any other string where a list belongs is refused with one line naming the
file and the feature, so a string is never taken for a list of its characters. Numbers
written as text or floats ("22", 22.0), booleans written as 0/1 or "true" and dates written
as date-times ("2025-01-07T00:00:00") are read back as mapper wrote them. Features with a
null geometry (unplaced events) are not drawn: they are counted and skipped.
"""

from __future__ import annotations

import ast
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapper.errors import InputError, printable
from mapper.models import FACT_FIELDS, Facts, Incident, Place, Source

log = logging.getLogger(__name__)

_OGR_LIST = re.compile(r"\((\d+):(.*)\)", re.DOTALL)
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?")
_FLOAT_FACTS = frozenset({"magnitude", "area_burned_ha"})


class _Bad(ValueError):
    """A property that is not what mapper writes; the message names it."""


def string_list(value: Any, name: str) -> tuple[str, ...]:
    """A list-valued property as a tuple of strings, from a list or the text GDAL writes."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = _parse_list_text(value, name)
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise _Bad(f"{name}: expected a list of strings, got {printable(repr(value), 60)}")
    return tuple(str(v) for v in value)


def _parse_list_text(text: str, name: str) -> list[Any]:
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("[") and stripped.endswith("]"):
        try:
            parsed = json.loads(stripped)
        except json.JSONDecodeError:
            parsed = _quoted_items(stripped[1:-1], name)
        if isinstance(parsed, list):
            return parsed
    match = _OGR_LIST.fullmatch(stripped)
    if match is not None:  # OGR's StringList as text: "(count:item,item)"
        items = match[2].split(",") if match[2] else []
        if len(items) != int(match[1]):
            raise _Bad(
                f"{name}: {printable(text, 60)} says {match[1]} items but holds {len(items)}"
            )
        return items
    raise _Bad(
        f"{name}: expected a list, got the string {printable(text, 60)} "
        '(write it as a JSON list, ["a1","a2"])'
    )


def _quoted_items(inner: str, name: str) -> list[str]:
    """The quoted strings of a Python or numpy list repr: "'a1', 'a2'" or "'a1' 'a2'".

    Anything but separators between them (a number, a stray word) is refused.
    """
    items, position = [], 0
    for match in _QUOTED.finditer(inner):
        if inner[position : match.start()].strip(" ,\n"):
            break
        items.append(ast.literal_eval(match[0]))  # one string literal: decodes its escapes
        position = match.end()
    else:
        if not inner[position:].strip(" ,\n"):
            return items
    raise _Bad(f"{name}: malformed list {printable('[' + inner + ']', 60)}")


def _list_text(text: str, name: str) -> Any:
    """JSON text, or Python's repr of a list (as geopandas writes a list into a text field)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        try:
            return ast.literal_eval(text)  # literals only: never runs code
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise _Bad(f"{name}: malformed JSON list ({exc.msg})") from exc


def _references(value: Any) -> tuple[Source, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = _list_text(value, "references") if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise _Bad("references: expected a list of objects")
    return tuple(
        Source(
            str(r.get("article_id", "")),
            str(r.get("title") or ""),
            r.get("url") if isinstance(r.get("url"), str) else None,
            r.get("source") if isinstance(r.get("source"), str) else None,
            r.get("date") if isinstance(r.get("date"), str) else None,
        )
        for r in value
    )


def _number(value: Any, name: str, kind: type) -> Any:
    """An int or float property, also from text ("22") or a float GDAL wrote (22.0)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Bad(f"{name}: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise _Bad(f"{name}: expected a number, got {printable(repr(value), 40)}") from exc
    if kind is int:
        if not number.is_integer():
            raise _Bad(f"{name}: expected a whole number, got {value!r}")
        return int(number)
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _day(value: Any) -> str | None:
    """A date property; a midnight date-time (as GDAL writes a date field) becomes the date."""
    text = _text(value)
    match = _DATE_TIME.fullmatch(text) if text else None
    return match[1] if match else text


def _place_from(props: dict[str, Any], lat: float, lon: float) -> Place:
    return Place(
        place_id=str(props.get("place_id") or f"point:{lat},{lon}"),
        name=str(props.get("place") or ""),
        lat=lat,
        lon=lon,
        feature_class=str(props.get("feature_class") or "city"),
        precision=props.get("precision") or "point",
        country=_text(props.get("country")),
        extent_km=_number(props.get("extent_km"), "extent_km", float) or 0.0,
    )


def _end_place(props: dict[str, Any], role: str) -> Place | None:
    lat = _number(props.get(f"{role}_lat"), f"{role}_lat", float)
    lon = _number(props.get(f"{role}_lon"), f"{role}_lon", float)
    if lat is None or lon is None:
        return None
    name = str(props.get(f"{role}_name") or "")
    return Place(f"{role}:{name}", name, lat, lon, "country", "country")


def _point(geometry: Any) -> tuple[float, float]:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise _Bad(f"geometry: expected a Point, got {printable(str(kind), 40)}")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise _Bad("geometry: a Point needs [lon, lat]")
    lon = _number(coordinates[0], "longitude", float)
    lat = _number(coordinates[1], "latitude", float)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Bad(f"geometry: [{coordinates[0]}, {coordinates[1]}] is not a lon/lat point")
    return lon, lat


def incident_from_feature(feature: dict[str, Any], number: int) -> Incident:
    lon, lat = _point(feature.get("geometry"))
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise _Bad("properties: expected an object")
    facts = Facts(
        **{k: _number(props.get(k), k, float if k in _FLOAT_FACTS else int) for k in FACT_FIELDS}
    )
    return Incident(
        incident_id=str(props.get("incident_id") or feature.get("id") or number),
        category=str(props.get("category") or "other"),
        place=_place_from(props, lat, lon),
        facts=facts,
        severity=_number(props.get("severity"), "severity", int) or 0,
        severity_reason=str(props.get("severity_reason") or ""),
        date=_day(props.get("date")),
        title=str(props.get("title") or ""),
        evidence=str(props.get("evidence") or ""),
        place_reason=str(props.get("place_reason") or ""),
        article_ids=string_list(props.get("article_ids"), "article_ids"),
        sources=_references(props.get("references")),
        origin=_end_place(props, "origin"),
        destination=_end_place(props, "destination"),
        first_seen=_day(props.get("first_seen")),
        last_seen=_day(props.get("last_seen")),
        new=_flag(props.get("new", False)),
    )


@dataclass
class ReadResult:
    """The incidents of a GeoJSON file and the features left out (no geometry)."""

    incidents: list[Incident] = field(default_factory=list)
    unplaced: int = 0


def _feature_name(feature: Any, number: int) -> str:
    ident = None
    if isinstance(feature, dict):
        props = feature.get("properties")
        ident = (props.get("incident_id") if isinstance(props, dict) else None) or feature.get("id")
    return f"feature {number}" + (f" ({printable(str(ident), 40)})" if ident else "")


def read_incidents_file(path: str | Path) -> ReadResult:
    """Incidents from a GeoJSON file written by mapper, or by GDAL/QGIS from mapper's file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise InputError(f"malformed JSON ({why})", path=str(path), line=line) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError("expected a GeoJSON FeatureCollection", path=str(path))
    features = data.get("features") or []
    if not isinstance(features, list):
        raise InputError("features: expected a list", path=str(path))
    result = ReadResult()
    for number, feature in enumerate(features):
        if isinstance(feature, dict) and feature.get("geometry") is None:
            result.unplaced += 1
            continue
        try:
            if not isinstance(feature, dict):
                raise _Bad("expected a Feature object")
            result.incidents.append(incident_from_feature(feature, number))
        except (_Bad, TypeError) as exc:
            raise InputError(
                f"{_feature_name(feature, number)} is not a mapper incident: {exc}", path=str(path)
            ) from exc
    if result.unplaced:
        log.info("%s: %d features without geometry left off the map", path, result.unplaced)
    return result


def read_geojson(path: str | Path) -> list[Incident]:
    """Incidents from a GeoJSON file written by write_geojson (or compatible)."""
    return read_incidents_file(path).incidents
