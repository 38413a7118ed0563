"""Write incidents as GeoJSON (RFC 7946), CSV or Parquet; read GeoJSON back for `mapper render`.

This is the one place that flips (lat, lon) to GeoJSON's [lon, lat]. Output is deterministic:
features sorted by incident_id, properties in a fixed order, coordinates rounded to 5 places.
Each format credits the data sources (mapper/attribution.py): a top-level ``attribution``
member in the GeoJSON, ``ATTRIBUTION.txt`` beside the CSV, ``attribution`` in the Parquet
file's metadata.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from mapper.atomic import atomic_path, write_atomic
from mapper.attribution import ATTRIBUTION_FILE, attribution_records, attribution_text
from mapper.errors import ConfigError, InputError, MapperError
from mapper.models import FACT_FIELDS, Facts, Incident, Place, Source
from mapper.urls import safe_url

PROPERTY_ORDER = (
    "incident_id",
    "category",
    "severity",
    "severity_reason",
    *FACT_FIELDS,
    "place",
    "place_id",
    "country",
    "precision",
    "feature_class",
    "extent_km",
    "place_reason",
    "date",
    "first_seen",
    "last_seen",
    "article_ids",
    "sources",
    "urls",
    "references",
    "title",
    "evidence",
    "origin_name",
    "origin_lat",
    "origin_lon",
    "destination_name",
    "destination_lat",
    "destination_lon",
    "new",
)


def _coord(value: float) -> float:
    return round(value, 5)


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
        "references": [
            {
                "article_id": s.article_id,
                "title": s.title,
                "url": safe_url(s.url),
                "source": s.source,
                "date": s.date,
            }
            for s in incident.sources
        ],
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
    return {key: props[key] for key in PROPERTY_ORDER}


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


def to_feature_collection(incidents: Sequence[Incident]) -> dict[str, Any]:
    features = [to_feature(i) for i in sorted(incidents, key=lambda i: i.incident_id)]
    # A foreign member, which RFC 7946 (section 6.1) allows at the top level.
    return {"type": "FeatureCollection", "attribution": attribution_records(), "features": features}


def write_geojson(incidents: Sequence[Incident], path: str | Path) -> Path:
    """A FeatureCollection with one feature per line.

    Compact JSON per feature is written by the C encoder (an indented dump is three times
    slower at 100,000 incidents), and a diff between two runs shows one line per incident.
    Features are written as they are encoded: the file is never held in memory whole. The
    first line also carries the data sources' credits (a foreign member, RFC 7946 section 6.1).
    """
    path = Path(path)
    credits = json.dumps(attribution_records(), ensure_ascii=False, separators=(",", ":"))
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
        out.write('{"type":"FeatureCollection","attribution":' + credits + ',"features":[')
        glue = "\n"
        for incident in sorted(incidents, key=lambda i: i.incident_id):
            out.write(
                glue + json.dumps(to_feature(incident), ensure_ascii=False, separators=(",", ":"))
            )
            glue = ",\n"
        out.write("]}\n" if glue == "\n" else "\n]}\n")
    return path


# A text cell starting with these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # numbers may be negative: never quoted
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            text = ";".join(str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_attribution(folder: Path) -> Path:
    """``ATTRIBUTION.txt`` in ``folder``: the data sources' credits (CSV has no metadata)."""
    return write_atomic(folder / ATTRIBUTION_FILE, attribution_text())


def write_csv(incidents: Sequence[Incident], path: str | Path) -> Path:
    """The CSV, written row by row (never held in memory whole), and ATTRIBUTION.txt beside it."""
    path = Path(path)
    write_attribution(path.parent)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["lat", "lon", *PROPERTY_ORDER])
        for incident in sorted(incidents, key=lambda i: i.incident_id):
            props = incident_properties(incident)
            writer.writerow(
                [_coord(incident.place.lat), _coord(incident.place.lon)]
                + [_csv_cell(props[key]) for key in PROPERTY_ORDER]
            )
    return path


# Parquet column types; the CSV's columns, typed (lists stay lists, dates are dates).
_PARQUET_TYPES = {
    "lat": "float64",
    "lon": "float64",
    "severity": "int64",
    "killed": "int64",
    "injured": "int64",
    "missing": "int64",
    "displaced": "int64",
    "evacuated": "int64",
    "trapped": "int64",
    "rescued": "int64",
    "magnitude": "float64",
    "area_burned_ha": "float64",
    "buildings_destroyed": "int64",
    "extent_km": "float64",
    "date": "date32",
    "first_seen": "date32",
    "last_seen": "date32",
    "article_ids": "list<string>",
    "sources": "int64",
    "urls": "list<string>",
    "origin_lat": "float64",
    "origin_lon": "float64",
    "destination_lat": "float64",
    "destination_lon": "float64",
    "new": "bool",
}


def _parquet_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date32":
        return date.fromisoformat(value)
    if kind == "string" and isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def write_parquet(incidents: Sequence[Incident], path: str | Path) -> Path:
    """The CSV's columns as a typed Parquet table; needs pyarrow (the ``parquet`` extra)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MapperError(
            "parquet export needs pyarrow: pip install 'incident-mapper[parquet]' "
            "(or pip install pyarrow)"
        ) from exc

    arrow_types = {
        "float64": pa.float64(),
        "int64": pa.int64(),
        "date32": pa.date32(),
        "list<string>": pa.list_(pa.string()),
        "bool": pa.bool_(),
        "string": pa.string(),
    }
    names = ["lat", "lon", *PROPERTY_ORDER]
    kinds = [_PARQUET_TYPES.get(name, "string") for name in names]
    columns: list[list[Any]] = [[] for _ in names]
    for incident in sorted(incidents, key=lambda i: i.incident_id):
        row = {"lat": _coord(incident.place.lat), "lon": _coord(incident.place.lon)}
        row.update(incident_properties(incident))
        for column, name, kind in zip(columns, names, kinds, strict=True):
            column.append(_parquet_value(row[name], kind))
    schema = pa.schema([pa.field(n, arrow_types[k]) for n, k in zip(names, kinds, strict=True)])
    credits = json.dumps(attribution_records(), ensure_ascii=False, separators=(",", ":"))
    schema = schema.with_metadata({"attribution": credits})
    table = pa.table(columns, schema=schema)
    path = Path(path)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


EXTENSIONS = {"geojson": "geojson", "csv": "csv", "parquet": "parquet"}
_WRITERS = {"geojson": write_geojson, "csv": write_csv, "parquet": write_parquet}


def write_incidents(incidents: Sequence[Incident], path: str | Path, fmt: str) -> Path:
    """Write incidents in one of EXTENSIONS' formats."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(_WRITERS)}")
    return writer(incidents, path)


def _place_from(props: dict[str, Any], lat: float, lon: float) -> Place:
    return Place(
        place_id=str(props.get("place_id") or f"point:{lat},{lon}"),
        name=str(props.get("place") or ""),
        lat=lat,
        lon=lon,
        feature_class=str(props.get("feature_class") or "city"),
        precision=props.get("precision") or "point",
        country=props.get("country"),
        extent_km=float(props.get("extent_km") or 0.0),
    )


def _end_place(props: dict[str, Any], role: str) -> Place | None:
    lat, lon = props.get(f"{role}_lat"), props.get(f"{role}_lon")
    if lat is None or lon is None:
        return None
    name = str(props.get(f"{role}_name") or "")
    return Place(f"{role}:{name}", name, float(lat), float(lon), "country", "country")


def read_geojson(path: str | Path) -> list[Incident]:
    """Incidents from a GeoJSON file written by write_geojson (or compatible)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON ({exc.msg})", path=str(path), line=exc.lineno) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError("expected a GeoJSON FeatureCollection", path=str(path))
    incidents = []
    for number, feature in enumerate(data.get("features") or []):
        try:
            lon, lat = feature["geometry"]["coordinates"][:2]
            props = feature.get("properties") or {}
            facts = Facts(**{k: props.get(k) for k in FACT_FIELDS})
            sources = tuple(
                Source(
                    str(r.get("article_id", "")),
                    r.get("title") or "",
                    r.get("url"),
                    r.get("source"),
                    r.get("date"),
                )
                for r in props.get("references") or []
            )
            incidents.append(
                Incident(
                    incident_id=str(props.get("incident_id") or feature.get("id") or number),
                    category=str(props.get("category") or "other"),
                    place=_place_from(props, float(lat), float(lon)),
                    facts=facts,
                    severity=int(props.get("severity") or 0),
                    severity_reason=props.get("severity_reason") or "",
                    date=props.get("date"),
                    title=props.get("title") or "",
                    evidence=props.get("evidence") or "",
                    place_reason=props.get("place_reason") or "",
                    article_ids=tuple(props.get("article_ids") or ()),
                    sources=sources,
                    origin=_end_place(props, "origin"),
                    destination=_end_place(props, "destination"),
                    first_seen=props.get("first_seen"),
                    last_seen=props.get("last_seen"),
                    new=bool(props.get("new", False)),
                )
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InputError(
                f"feature {number} is not a mapper incident ({exc})", path=str(path)
            ) from exc
    return incidents
