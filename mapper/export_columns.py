"""The column dictionary of the exports: names, types, units and what an empty value means.

One table drives three things: the order of the CSV's and the Parquet file's columns, the
Parquet column types, and ``COLUMNS.md``, written beside every export so that a reader of
the files (QGIS, pandas, a spreadsheet) need not guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapper.atomic import write_atomic

COLUMNS_FILE = "COLUMNS.md"

# Layer files written beside incidents.geojson (see mapper/export_geometry.py).
AREAS_FILE = "incident_areas.geojson"
TRANSFERS_FILE = "transfers.geojson"
UNPLACED_FILE = "unplaced_events.geojson"


@dataclass(frozen=True, slots=True)
class Column:
    """One exported column. ``kind`` is the Parquet type; ``null`` says what empty means."""

    name: str
    kind: str  # string | int64 | float64 | date32 | bool | list<string> | json | wkb
    description: str
    unit: str = ""
    null: str = "never empty"


_NOT_REPORTED = "not reported (never 0 for unknown)"
_UNPLACED = "empty for an unplaced event"
_NO_TRANSFER = "empty unless the incident moves something from one place to another"

FACT_COLUMNS = (
    Column("killed", "int64", "people killed", "people", _NOT_REPORTED),
    Column("injured", "int64", "people injured", "people", _NOT_REPORTED),
    Column("missing", "int64", "people missing", "people", _NOT_REPORTED),
    Column("displaced", "int64", "people displaced", "people", _NOT_REPORTED),
    Column("evacuated", "int64", "people evacuated", "people", _NOT_REPORTED),
    Column("trapped", "int64", "people trapped", "people", _NOT_REPORTED),
    Column("rescued", "int64", "people rescued", "people", _NOT_REPORTED),
    Column("magnitude", "float64", "earthquake magnitude", "magnitude", _NOT_REPORTED),
    Column("area_burned_ha", "float64", "area burned", "hectares", _NOT_REPORTED),
    Column("buildings_destroyed", "int64", "buildings destroyed", "buildings", _NOT_REPORTED),
)

COLUMNS: tuple[Column, ...] = (
    Column("lat", "float64", "latitude of the incident's place (WGS84)", "degrees", _UNPLACED),
    Column("lon", "float64", "longitude of the incident's place (WGS84)", "degrees", _UNPLACED),
    Column(
        "incident_id",
        "string",
        "stable id: `i` and a hash for an incident, `u` and a hash for an unplaced event",
    ),
    Column("category", "string", "event type, an id of the taxonomy"),
    Column("severity", "int64", "0 (none) to 5 (catastrophic)", "level"),
    Column("severity_reason", "string", "why that severity", null="empty when none was given"),
    *FACT_COLUMNS,
    Column("place", "string", "name of the place", null=_UNPLACED),
    Column(
        "place_id",
        "string",
        "gazetteer id (`geonames:`, `ne:`, `region:`, `rel:` for a part of a place)",
        null=_UNPLACED,
    ),
    Column(
        "country",
        "string",
        "ISO 3166-1 alpha-2 code (`NA` is Namibia: see the note on pandas above)",
        null="unknown, or a place that spans several countries",
    ),
    Column(
        "precision",
        "string",
        "point, city, admin2, admin1, country or region; the last three are areas",
        null=_UNPLACED,
    ),
    Column("feature_class", "string", "kind of place (city, admin1, facility...)", null=_UNPLACED),
    Column(
        "extent_km",
        "float64",
        "radius of a circle that roughly covers the place",
        "km",
        _UNPLACED,
    ),
    Column("place_reason", "string", "why the geoparser chose this place (or found none)"),
    Column("date", "date32", "day of the event (ISO 8601)", null="the reports give no date"),
    Column("first_seen", "date32", "date of the earliest report", null="reports undated"),
    Column("last_seen", "date32", "date of the latest report", null="reports undated"),
    Column(
        "article_ids",
        "list<string>",
        "ids of the articles that report it (CSV: joined with `;`)",
    ),
    Column("sources", "int64", "number of distinct articles that report it", "articles"),
    Column(
        "urls",
        "list<string>",
        "http(s) links of the reports (CSV: joined with `;`)",
        null="empty list when no report has a safe link",
    ),
    Column(
        "references",
        "json",
        "the reports: article_id, title, url, source, date (JSON text in CSV and Parquet)",
    ),
    Column("title", "string", "title of the founding report", null="empty when untitled"),
    Column("evidence", "string", "the sentence the event was read from", null="empty if none"),
    Column("origin_name", "string", "where a transfer comes from", null=_NO_TRANSFER),
    Column("origin_lat", "float64", "latitude of the origin", "degrees", _NO_TRANSFER),
    Column("origin_lon", "float64", "longitude of the origin", "degrees", _NO_TRANSFER),
    Column("destination_name", "string", "where a transfer goes", null=_NO_TRANSFER),
    Column("destination_lat", "float64", "latitude of the destination", "degrees", _NO_TRANSFER),
    Column("destination_lon", "float64", "longitude of the destination", "degrees", _NO_TRANSFER),
    Column(
        "new",
        "bool",
        "created or changed by the latest run that changed the store (CSV: true/false)",
    ),
)

# Parquet only: the geometries, WKB-encoded (GeoParquet), WGS84 longitude/latitude.
GEOMETRY_COLUMNS: tuple[Column, ...] = (
    Column("geometry", "wkb", "Point of the incident's place (the primary column)", null=_UNPLACED),
    Column(
        "area",
        "wkb",
        "Polygon or MultiPolygon: the country shape, the region's circle clipped to its "
        "countries, or the extent circle",
        null="a point incident (precision point, city or admin2), or unplaced",
    ),
    Column("transfer", "wkb", "LineString from origin to destination", null=_NO_TRANSFER),
)

# Properties of the two extra GeoJSON layers.
AREA_PROPERTIES = (
    "incident_id",
    "category",
    "severity",
    "date",
    "place",
    "place_id",
    "country",
    "precision",
    "extent_km",
    "area_source",
    "title",
)
TRANSFER_PROPERTIES = (
    "incident_id",
    "category",
    "severity",
    "date",
    "origin_name",
    "destination_name",
    "distance_km",
    "title",
)
_EXTRA = {
    "area_source": Column(
        "area_source",
        "string",
        "`boundary` (Natural Earth country shape), `clipped circle` (the extent circle cut to "
        "the countries it covers) or `circle`",
    ),
    "distance_km": Column(
        "distance_km", "float64", "great-circle distance from origin to destination", "km"
    ),
}

PROPERTY_NAMES = tuple(c.name for c in COLUMNS[2:])
assert PROPERTY_NAMES[0] == "incident_id"

_BY_NAME = {c.name: c for c in (*COLUMNS, *GEOMETRY_COLUMNS)} | _EXTRA


def parquet_kind(name: str) -> str:
    return _BY_NAME[name].kind


_TYPE_WORDS = {
    "string": "text",
    "int64": "integer",
    "float64": "number",
    "date32": "date",
    "bool": "boolean",
    "list<string>": "list of text",
    "json": "JSON list of objects",
    "wkb": "geometry (WKB)",
}

_INTRO = """\
# Columns of the incident exports

Written by mapper beside its exports; the same names in every format.

- `incidents.geojson`: one Point feature per incident (properties: the columns below, without
  `lat`/`lon`, which are the geometry).
- `incident_areas.geojson`: one Polygon or MultiPolygon per incident placed at an area
  (precision admin1, country or region), as the map draws it.
- `transfers.geojson`: one LineString per incident with an origin and a destination.
- `unplaced_events.geojson`: events whose place could not be resolved, with `"geometry": null`
  (RFC 7946, section 3.2); kept apart so that every feature of `incidents.geojson` has a Point.
- `incidents.csv`: incidents and unplaced events, one a row (unplaced: `lat`/`lon` empty).
- `incidents.parquet` (`mapper export --format parquet`): the CSV's columns, typed, plus the
  GeoParquet geometry columns `geometry`, `area` and `transfer`.

Coordinates are WGS84 longitude/latitude (OGC:CRS84) in degrees, rounded to 5 decimals.

Reading the CSV with pandas: the country code of Namibia is `NA`, which pandas reads as
missing by default. Keep it with
`pandas.read_csv("incidents.csv", keep_default_na=False, na_values=[""])`.
Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `@`, a tab, a
carriage return, or `-` followed by a formula) are written with a leading `'`; line breaks
inside a cell are written as LF, within quotes.
"""


def _table(columns: list[Column]) -> list[str]:
    lines = ["| column | type | unit | empty means | description |", "|---|---|---|---|---|"]
    for c in columns:
        cells = (f"`{c.name}`", _TYPE_WORDS[c.kind], c.unit, c.null, c.description)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def columns_markdown() -> str:
    """COLUMNS.md's text (the same bytes every time)."""
    lines = [_INTRO, "## Incidents (GeoJSON properties, CSV and Parquet columns)", ""]
    lines += _table(list(COLUMNS))
    lines += ["", "## Parquet geometry columns", ""]
    lines += _table(list(GEOMETRY_COLUMNS))
    for title, names in (
        ("incident_areas.geojson properties", AREA_PROPERTIES),
        ("transfers.geojson properties", TRANSFER_PROPERTIES),
    ):
        lines += ["", f"## {title}", ""]
        lines += _table([_BY_NAME[n] for n in names])
    return "\n".join(lines) + "\n"


def write_columns(folder: Path) -> Path:
    """``COLUMNS.md`` in ``folder``."""
    return write_atomic(folder / COLUMNS_FILE, columns_markdown())
