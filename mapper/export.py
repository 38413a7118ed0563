"""Write incidents as GeoJSON (RFC 7946), CSV or Parquet; read GeoJSON back for `mapper render`.

This is the one place that flips (lat, lon) to GeoJSON's [lon, lat]. Output is deterministic:
features sorted by incident_id, properties in a fixed order, coordinates rounded to 5 places.
Each format credits the data sources (mapper/attribution.py): a top-level ``attribution``
member in the GeoJSON, ``ATTRIBUTION.txt`` beside the CSV, ``attribution`` in the Parquet
file's metadata; and ``COLUMNS.md`` beside each says what the columns hold
(mapper/export_columns.py).

Events whose place could not be resolved (UnplacedEvent) are kept: rows with empty lat/lon
in the CSV and Parquet, features with null geometry in ``unplaced_events.geojson``. The areas
and transfers layers are mapper/export_layers.py; GeoParquet is mapper/export_parquet.py;
reading GeoJSON back is mapper/export_read.py.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mapper.atomic import atomic_path, write_atomic
from mapper.attribution import ATTRIBUTION_FILE, attribution_records, attribution_text
from mapper.errors import ConfigError
from mapper.export_columns import PROPERTY_NAMES, write_columns
from mapper.export_layers import (
    in_id_order,
    layer_paths,
    write_areas,
    write_feature_lines,
    write_transfers,
)
from mapper.export_read import read_geojson
from mapper.export_rows import _with_unplaced, unplaced_properties
from mapper.models import (  # the feature mapping is the Incident's own (__geo_interface__)
    Incident,
    UnplacedEvent,
    _coord,
    incident_properties,
    to_feature,
)

__all__ = [
    "EXTENSIONS",
    "PROPERTY_ORDER",
    "read_geojson",
    "write_atomic",
    "write_csv",
    "write_geojson",
    "write_incidents",
    "write_parquet",
]

# The properties of a feature and the CSV's columns after lat/lon, in order: the column
# dictionary (mapper/export_columns.py) is the one list, so COLUMNS.md cannot drift from it.
PROPERTY_ORDER = PROPERTY_NAMES


def to_feature_collection(incidents: Sequence[Incident]) -> dict[str, Any]:
    """incidents.geojson's content as one mapping (``__geo_interface__`` of a run's result)."""
    features = [to_feature(i) for i in in_id_order(incidents)]
    # A foreign member, which RFC 7946 (section 6.1) allows at the top level.
    return {"type": "FeatureCollection", "attribution": attribution_records(), "features": features}


def unplaced_feature(event: UnplacedEvent) -> dict[str, Any]:
    """A Feature with null geometry, which RFC 7946 (section 3.2) allows: "unlocated"."""
    return {
        "type": "Feature",
        "id": event.event_id,
        "geometry": None,
        "properties": unplaced_properties(event),
    }


def write_geojson(incidents: Sequence[Incident], path: str | Path) -> Path:
    """incidents.geojson: a Point feature per incident, one a line (the contract).

    Compact JSON per feature is written by the C encoder (an indented dump is three times
    slower at 100,000 incidents), and a diff between two runs shows one line per incident.
    Features are written as they are encoded: the file is never held in memory whole.
    """
    return write_feature_lines(path, (to_feature(i) for i in in_id_order(incidents)))


def write_unplaced(events: Sequence[UnplacedEvent], path: str | Path) -> Path:
    """unplaced_events.geojson: a null-geometry feature per event with no resolved place."""
    return write_feature_lines(path, (unplaced_feature(e) for e in in_id_order(events)))


def write_geojson_layers(
    incidents: Sequence[Incident], unplaced: Sequence[UnplacedEvent], points: str | Path
) -> dict[str, Path]:
    """The layers beside a points file: areas, transfers and unplaced events (export_layers)."""
    paths = layer_paths(Path(points))
    return {
        "areas": write_areas(incidents, paths["areas"]),
        "transfers": write_transfers(incidents, paths["transfers"]),
        "unplaced": write_unplaced(unplaced, paths["unplaced"]),
    }


# A text cell starting with these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "@", "\t", "\r")
# "-" starts a formula only when a formula follows: "-SUM(A1)", "-A1", "-2+3", "-cmd|...".
# "-5 degrees: cold snap" or "-5-day forecast" are text and are written as they are.
_CALL = r"[A-Za-z_][\w.]*\s*[(!|]"  # a function, a sheet reference, a DDE call
_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_MINUS_FORMULA = re.compile(
    rf"""-\s*(?:
        [=+\-@(]                                 # another operator or a bracket
      | {_CALL}
      | {_CELL}\s*(?:$|[-+*/^&=<>:,;)])          # a cell reference, alone or in an expression
      | [\d.,%\s]*[-+*/^&=<>]\s*(?:[\d(.$]|{_CELL}|{_CALL})   # arithmetic: -2+3, -1*B2
    )""",
    re.VERBOSE,
)


def formula_guarded(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    if text.startswith(_FORMULA_START) or _MINUS_FORMULA.match(text):
        return "'" + text
    return text


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
    # csv quotes a cell with LF but not one with a lone CR, which readers take for a row's
    # end: line breaks are written as LF (as ingest reads them).
    return formula_guarded(text).replace("\r\n", "\n").replace("\r", "\n")


def write_attribution(folder: Path) -> Path:
    """``ATTRIBUTION.txt`` in ``folder``: the data sources' credits (CSV has no metadata)."""
    return write_atomic(folder / ATTRIBUTION_FILE, attribution_text())


def write_csv(
    incidents: Sequence[Incident], path: str | Path, unplaced: Sequence[UnplacedEvent] = ()
) -> Path:
    """The CSV (incidents and unplaced events, by id), ATTRIBUTION.txt and COLUMNS.md beside it.

    Rows are written as they are encoded (the text is never held in memory whole).
    """
    path = Path(path)
    write_attribution(path.parent)
    write_columns(path.parent)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["lat", "lon", *PROPERTY_ORDER])
        for item in _with_unplaced(incidents, unplaced):
            if isinstance(item, Incident):
                lat, lon = _coord(item.place.lat), _coord(item.place.lon)
                props = incident_properties(item)
            else:
                lat = lon = None
                props = unplaced_properties(item)
            writer.writerow(
                [_csv_cell(lat), _csv_cell(lon)] + [_csv_cell(props[key]) for key in PROPERTY_ORDER]
            )
    return path


def write_parquet(
    incidents: Sequence[Incident], path: str | Path, unplaced: Sequence[UnplacedEvent] = ()
) -> Path:
    """GeoParquet (mapper/export_parquet.py; needs pyarrow, the ``parquet`` extra)."""
    from mapper.export_parquet import write_geoparquet

    path = Path(path)
    written = write_geoparquet(incidents, path, unplaced)
    write_columns(path.parent)
    return written


def write_geojson_export(
    incidents: Sequence[Incident], path: str | Path, unplaced: Sequence[UnplacedEvent] = ()
) -> Path:
    """`mapper export --format geojson`: the points file, its layers and COLUMNS.md."""
    path = Path(path)
    write_geojson(incidents, path)
    write_geojson_layers(incidents, unplaced, path)
    write_columns(path.parent)
    return path


EXTENSIONS = {"geojson": "geojson", "csv": "csv", "parquet": "parquet"}
_WRITERS = {"geojson": write_geojson_export, "csv": write_csv, "parquet": write_parquet}


def write_incidents(
    incidents: Sequence[Incident],
    path: str | Path,
    fmt: str,
    unplaced: Sequence[UnplacedEvent] = (),
) -> Path:
    """Write incidents (and unplaced events) in one of EXTENSIONS' formats."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(_WRITERS)}")
    return writer(incidents, path, unplaced)
