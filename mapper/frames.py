"""pandas at mapper's edges: a DataFrame of articles in, incidents out as a typed DataFrame.

pandas is imported here only, and only when a frame is asked for: ``import mapper`` stays cheap.

articles_jsonl(frame) checks a DataFrame of articles (columns ``id``, ``title``, ``text``,
``date``, ``url``, ``source``; only ``text`` is required) and writes it as the JSONL that the
readers take, one line per row. A missing value (NaN, None, NaT, pd.NA) in an optional column
is "not given"; a missing text or a value of a type no article field holds is an InputError
naming the row. incidents_to_frame(incidents) is the CSV's columns with their types.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from mapper.errors import InputError, printable
from mapper.models import COUNT_FACTS, FACT_FIELDS, Incident

if TYPE_CHECKING:
    import pandas as pd

ARTICLE_COLUMNS = ("id", "title", "text", "date", "url", "source")
# Where messages say a DataFrame's rows come from.
FRAME = "DataFrame"


def is_frame(value: Any) -> bool:
    """True for a pandas DataFrame, without importing pandas when it is not loaded."""
    import sys

    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    import pandas as pd

    try:
        return bool(pd.isna(value)) if not isinstance(value, str | bytes) else False
    except (TypeError, ValueError):  # a list or array: not one missing value
        return False


def _kind(value: Any) -> str:
    """A value's type with its article: "an int", "a list"."""
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def row_name(position: int, label: Any) -> str:
    """How a message names a row: by position (0-based, as ``frame.iloc``) and index label."""
    if isinstance(label, int | str) and label != position:
        return f"{FRAME} row {position} (index {printable(str(label), 60)!r})"
    return f"{FRAME} row {position}"


def _scalar(name: str, value: Any, where: str) -> str | int | float | None:
    """A field's value as the readers take it: a string or a number (numpy's as Python's;
    a whole float, as an int column with a gap holds, as an int); None when missing."""
    if _missing(value):
        return None
    if isinstance(value, str):
        return value
    if not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is not None and math.isfinite(number) and not isinstance(value, complex):
            return int(number) if number == int(number) else number
    raise InputError(f"{where}: {name!r} is {_kind(value)}, not a string")


def _date_field(value: Any, where: str) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):  # pandas Timestamps are datetimes
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if type(value).__name__ == "datetime64":  # numpy's, as a column of dates holds them
        import pandas as pd

        return pd.Timestamp(value).date().isoformat()
    raise InputError(f"{where}: 'date' is {_kind(value)}, not a date or a string")


def article_records(frame: pd.DataFrame) -> Iterable[dict[str, Any]]:
    """One checked JSON record per row, in order; InputError names the first bad row."""
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        raise InputError(f"{FRAME}: a column name repeats ({', '.join(columns)})")
    if "text" not in columns:
        shown = printable(", ".join(columns), 200) or "none"
        raise InputError(f"{FRAME}: no 'text' column (columns: {shown})")
    used = [c for c in ARTICLE_COLUMNS if c in columns]
    frame = frame.set_axis(columns, axis=1)[used]
    for position, (label, row) in enumerate(
        zip(frame.index, frame.itertuples(index=False), strict=True)
    ):
        where = row_name(position, label)
        values = dict(zip(used, row, strict=True))
        text = values["text"]
        if _missing(text):
            raise InputError(f"{where}: 'text' is missing")
        if not isinstance(text, str):
            raise InputError(f"{where}: 'text' is {_kind(text)}, not a string")
        record: dict[str, Any] = {"text": text}
        for name in ("id", "title", "url", "source"):
            if name in values and (value := _scalar(name, values[name], where)) is not None:
                record[name] = value
        if "date" in values and (day := _date_field(values["date"], where)) is not None:
            record["date"] = day
        yield record


def write_articles_jsonl(frame: pd.DataFrame, out: TextIO) -> int:
    """The frame's rows as JSONL (one line per row, so line N is row N-1); returns the rows."""
    count = 0
    for record in article_records(frame):
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    if not count:
        raise InputError(f"{FRAME}: no rows")
    return count


# The columns of incidents_to_frame, with their pandas dtypes. Counts are nullable integers
# (<NA> = not reported, never 0), dates are datetime64[s] (day precision, any year mapper keeps).
_STRING_COLUMNS = (
    "incident_id",
    "category",
    "severity_reason",
    "place",
    "place_id",
    "country",
    "precision",
    "feature_class",
    "place_reason",
    "title",
    "evidence",
    "origin_name",
    "destination_name",
)
_FLOAT_COLUMNS = ("lat", "lon", "extent_km", "origin_lat", "origin_lon")
_FLOAT_COLUMNS += ("destination_lat", "destination_lon")
_DATE_COLUMNS = ("date", "first_seen", "last_seen")


def frame_dtypes() -> dict[str, str]:
    """Column -> dtype of the incidents frame (documented in docs/api.md)."""
    types: dict[str, str] = {}
    types.update(dict.fromkeys(_STRING_COLUMNS, "string"))
    types.update(dict.fromkeys(_FLOAT_COLUMNS, "float64"))
    types.update(dict.fromkeys(_DATE_COLUMNS, "datetime64[s]"))
    types.update({name: "Int64" if name in COUNT_FACTS else "Float64" for name in FACT_FIELDS})
    types.update({"severity": "int64", "sources": "int64", "new": "bool"})
    types.update(dict.fromkeys(("article_ids", "urls", "references"), "object"))
    return types


def incidents_to_frame(incidents: Sequence[Incident]) -> pd.DataFrame:
    """One row per incident, by id: the CSV's columns (lat, lon first), typed."""
    import pandas as pd

    from mapper.export import PROPERTY_ORDER, incident_properties

    rows = []
    for incident in sorted(incidents, key=lambda i: i.incident_id):
        place = incident.place
        row = {
            "lat": place.lat if place is not None else None,
            "lon": place.lon if place is not None else None,
        }
        row.update(incident_properties(incident))
        rows.append(row)
    types = frame_dtypes()
    order = ["lat", "lon", *PROPERTY_ORDER]
    data: dict[str, Any] = {}
    for name in order:
        values = [row.get(name) for row in rows]
        kind = types.get(name, "object")
        if kind == "float64":
            data[name] = pd.Series([math.nan if v is None else v for v in values], dtype=kind)
        elif kind == "object":
            data[name] = pd.Series(values, dtype=object)
        else:
            data[name] = pd.Series(values, dtype=kind)
    return pd.DataFrame(data, columns=order)
