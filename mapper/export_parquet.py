"""The Parquet export as GeoParquet 1.1: the CSV's columns, typed, and three WKB geometries.

``geometry`` (the primary column) is the incident's Point, ``area`` the Polygon or
MultiPolygon the map draws for an area incident, ``transfer`` the LineString from origin to
destination; each is null where it does not apply, all three for an unplaced event. The
``geo`` metadata names them (encoding WKB, their geometry types, the CRS as PROJJSON, the
bounding box), so ``geopandas.read_parquet`` returns a GeoDataFrame with three geometry
columns. Needs pyarrow (the ``parquet`` extra); the bytes are the same for the same incidents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.atomic import atomic_path
from mapper.attribution import attribution_records
from mapper.errors import MapperError
from mapper.export_columns import GEOMETRY_COLUMNS, parquet_kind
from mapper.export_columns import PROPERTY_NAMES as PROPERTY_ORDER
from mapper.export_geometry import AREA_PRECISIONS, area_of, point_of, transfer_line
from mapper.export_rows import rows
from mapper.models import Incident, UnplacedEvent

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

GEOPARQUET_VERSION = "1.1.0"

# OGC:CRS84 (WGS84, longitude first) as PROJJSON, as GeoParquet asks the CRS to be written.
CRS84_PROJJSON: dict[str, Any] = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "type": "GeographicCRS",
    "name": "WGS 84 (CRS84)",
    "datum": {
        "type": "GeodeticReferenceFrame",
        "name": "World Geodetic System 1984",
        "ellipsoid": {
            "name": "WGS 84",
            "semi_major_axis": 6378137,
            "inverse_flattening": 298.257223563,
        },
    },
    "coordinate_system": {
        "subtype": "ellipsoidal",
        "axis": [
            {
                "name": "Geodetic longitude",
                "abbreviation": "Lon",
                "direction": "east",
                "unit": "degree",
            },
            {
                "name": "Geodetic latitude",
                "abbreviation": "Lat",
                "direction": "north",
                "unit": "degree",
            },
        ],
    },
    "id": {"authority": "OGC", "code": "CRS84"},
}


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date32":
        return date.fromisoformat(value)
    if kind in ("string", "json") and isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _geometries(item: Incident | UnplacedEvent) -> list[BaseGeometry | None]:
    if not isinstance(item, Incident):
        return [None, None, None]
    area = area_of(item.place) if item.place.precision in AREA_PRECISIONS else None
    return [point_of(item.place), area[0] if area else None, transfer_line(item)]


_TYPE_NAMES = {0: "Point", 1: "LineString", 3: "Polygon", 6: "MultiPolygon", 5: "MultiLineString"}


def _column_meta(geometries: list[BaseGeometry | None]) -> dict[str, Any]:
    import shapely

    present = [g for g in geometries if g is not None]
    kinds = {int(k) for k in shapely.get_type_id(present)} if present else set()
    meta: dict[str, Any] = {
        "encoding": "WKB",
        "geometry_types": sorted(_TYPE_NAMES[k] for k in kinds),
        "crs": CRS84_PROJJSON,
    }
    if present:
        meta["bbox"] = [float(v) for v in shapely.total_bounds(present)]
    return meta


def geo_metadata(columns: dict[str, list[BaseGeometry | None]]) -> dict[str, Any]:
    """The ``geo`` file metadata of GeoParquet for the geometry columns given."""
    return {
        "version": GEOPARQUET_VERSION,
        "primary_column": GEOMETRY_COLUMNS[0].name,
        "columns": {name: _column_meta(values) for name, values in columns.items()},
    }


def write_geoparquet(
    incidents: Sequence[Incident], path: str | Path, unplaced: Sequence[UnplacedEvent] = ()
) -> Path:
    """Incidents and unplaced events, by id, as one GeoParquet file."""
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
        "json": pa.string(),
        "wkb": pa.binary(),
    }
    names = ["lat", "lon", *PROPERTY_ORDER]
    kinds = [parquet_kind(name) for name in names]
    geometry_names = [c.name for c in GEOMETRY_COLUMNS]
    columns: list[list[Any]] = [[] for _ in names]
    shapes: dict[str, list[BaseGeometry | None]] = {name: [] for name in geometry_names}
    for item, (lat, lon, props) in zip(
        _ordered(incidents, unplaced), rows(incidents, unplaced), strict=True
    ):
        row = {"lat": lat, "lon": lon, **props}
        for column, name, kind in zip(columns, names, kinds, strict=True):
            column.append(_value(row[name], kind))
        for name, geometry in zip(geometry_names, _geometries(item), strict=True):
            shapes[name].append(geometry)
    import shapely

    # Little-endian WKB (byte_order=1) on every machine, so the bytes do not depend on it;
    # encoded all at once, and each shape once however many incidents share it.
    wkb = []
    for name in geometry_names:
        distinct = list({id(g): g for g in shapes[name] if g is not None}.values())
        encoded = dict(
            zip(
                (id(g) for g in distinct),
                shapely.to_wkb(distinct, byte_order=1).tolist() if distinct else [],
                strict=True,
            )
        )
        wkb.append([None if g is None else encoded[id(g)] for g in shapes[name]])
    fields = [pa.field(n, arrow_types[k]) for n, k in zip(names, kinds, strict=True)]
    fields += [pa.field(name, pa.binary()) for name in geometry_names]
    metadata = {
        "attribution": json.dumps(attribution_records(), ensure_ascii=False, separators=(",", ":")),
        "geo": json.dumps(geo_metadata(shapes), separators=(",", ":")),
    }
    schema = pa.schema(fields).with_metadata(metadata)
    table = pa.table([*columns, *wkb], schema=schema)
    path = Path(path)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


def _ordered(
    incidents: Sequence[Incident], unplaced: Sequence[UnplacedEvent]
) -> list[Incident | UnplacedEvent]:
    """The same order as mapper.export_rows.rows: by id."""
    return sorted(
        [*incidents, *unplaced],
        key=lambda i: i.incident_id if isinstance(i, Incident) else i.event_id,
    )
