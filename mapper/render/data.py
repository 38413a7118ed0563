"""Incidents -> the data the map's script draws: columns per category, in two parts.

The *layers* hold what the map needs to draw and filter (place, severity, day, flow ends); the
*details* hold what only popups and search read (ids, titles, facts, evidence, sources). Each is
one array per field, in the same row order, so 100,000 incidents cost a few lists rather than
100,000 objects to encode here and to parse in the browser. Places and sources are stored once
in tables and referenced by index.

Every string from an article reaches the page only through this module, as JSON inside a
``<script type="application/json">`` element (see :func:`script_json`); the page's script puts
it into the DOM with ``textContent``, never as HTML.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from mapper.events.taxonomy import Taxonomy
from mapper.models import Facts, Incident, Place, Source
from mapper.render.assets import icon_name
from mapper.urls import safe_url

log = logging.getLogger(__name__)

# Precisions drawn as an area (circle of the place's extent) rather than a pin.
AREA_PRECISIONS = frozenset({"admin1", "country", "region"})
# Smallest circle drawn for an area whose extent is unknown, in km.
MIN_AREA_KM = 25.0
# Evidence longer than this is cut in the compact (large) variant.
COMPACT_EVIDENCE_CHARS = 400

FACT_LABELS = {
    "killed": "Killed",
    "injured": "Injured",
    "missing": "Missing",
    "displaced": "Displaced",
    "evacuated": "Evacuated",
    "trapped": "Trapped",
    "rescued": "Rescued",
    "magnitude": "Magnitude",
    "area_burned_ha": "Area burned (ha)",
    "buildings_destroyed": "Buildings destroyed",
}
assert set(FACT_LABELS) == {f.name for f in fields(Facts)}, "a Facts field lacks a label"

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def escape_for_script(json_text: str) -> str:
    """Make JSON text safe inside a ``<script>`` element: the one escaping path of the map.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so no string can close the element or open
    a comment; JSON.parse restores them as text.
    """
    return _SCRIPT_ESCAPE_RE.sub(lambda m: _SCRIPT_ESCAPES[m.group(0)], json_text)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# Items of a long list encoded by one json.dumps call: big enough for the C encoder to do the
# work, small enough that no chunk is more than a few hundred KB.
_ITEMS_PER_CHUNK = 1000


def json_chunks(value: Any, depth: int = 4) -> Iterator[str]:
    """The text of ``json.dumps(value)`` (compact, as :func:`script_json` writes it) in pieces.

    Dicts down to ``depth`` levels are opened here and their members encoded one by one, and
    lists are encoded a slice at a time, so the text of 100,000 incidents is never one
    string. Joined, the pieces are the same text as one dump.
    """
    if isinstance(value, list | tuple) and value:
        for start in range(0, len(value), _ITEMS_PER_CHUNK):
            # A slice's brackets cut off: "[a,b]" -> "a,b".
            piece = _dumps(value[start : start + _ITEMS_PER_CHUNK])[1:-1]
            yield ("[" if start == 0 else ",") + piece
        yield "]"
    elif depth > 0 and isinstance(value, dict) and value and all(type(k) is str for k in value):
        glue = "{"
        for key, member in value.items():
            yield glue + _dumps(key) + ":"
            yield from json_chunks(member, depth - 1)
            glue = ","
        yield "}"
    else:
        yield _dumps(value)


def script_json(value: Any) -> str:
    """``value`` as JSON for a ``<script type="application/json">`` element."""
    return escape_for_script(_dumps(value))


def script_json_chunks(value: Any) -> Iterator[str]:
    """:func:`script_json` in pieces (see :func:`json_chunks`), each escaped for the element."""
    for chunk in json_chunks(value):
        yield escape_for_script(chunk)


def html_attr(text: str) -> str:
    """Text for a double-quoted HTML attribute (only the page skeleton and the iframe snippet)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def pack(value: Any) -> str:
    """Gzip (fixed mtime, so output is deterministic) and base64 a JSON value."""
    return "".join(pack_chunks(value))


# Bytes of compressed data per base64 piece: a multiple of 3, so that the pieces' base64 text
# joins into the text of the whole.
_BASE64_BLOCK = 3 * 64 * 1024


def pack_chunks(value: Any) -> Iterator[str]:
    """:func:`pack` in pieces: the JSON is encoded, gzipped and base64-encoded as it goes.

    The same bytes as ``base64(gzip.compress(json, 6, mtime=0))``, which is zlib's own gzip
    format (wbits 31, mtime 0); fed in pieces, deflate writes the same stream as in one call.
    Neither the JSON text (tens of MB at 100,000 incidents) nor its bytes are held whole.
    """
    deflate = zlib.compressobj(6, zlib.DEFLATED, 31)
    pending = b""
    for chunk in json_chunks(value):
        pending += deflate.compress(chunk.encode("utf-8"))
        if len(pending) >= _BASE64_BLOCK:
            cut = len(pending) - len(pending) % 3
            yield base64.b64encode(pending[:cut]).decode("ascii")
            pending = pending[cut:]
    pending += deflate.flush()
    yield base64.b64encode(pending).decode("ascii")


def _r(value: float) -> float:
    return round(float(value), 5)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@functools.lru_cache(maxsize=8192)
def day_number(text: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO date, or None when there is no valid date.

    The map's time filter compares these integers; a partial date ("2024-03") counts as its
    first day. Cached: a batch has far fewer distinct dates than incidents.
    """
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if match is None:
        return None
    try:
        day = date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None
    return day.toordinal() - _EPOCH_ORDINAL


class _Tables:
    """Places and sources stored once, referenced by index in the same order every time."""

    def __init__(self) -> None:
        self.places: list[tuple[Any, ...]] = []
        self.sources: list[tuple[Any, ...]] = []
        self._place_rows: dict[tuple[Any, ...], int] = {}
        self._source_rows: dict[tuple[Any, ...], int] = {}
        # Most incidents share a handful of Place objects: look those up before building rows.
        self._by_place: dict[Place, int] = {}

    def place(self, place: Place) -> int:
        index = self._by_place.get(place)
        if index is None:
            row = (
                place.name,
                _r(place.lat),
                _r(place.lon),
                place.precision,
                place.country or "",
                round(float(place.extent_km), 1),
            )
            index = self._intern(self._place_rows, self.places, row)
            self._by_place[place] = index
        return index

    def source(self, source: Source, url: str | None) -> int:
        row = (source.title or "", url, source.source or "", source.date or "")
        return self._intern(self._source_rows, self.sources, row)

    @staticmethod
    def _intern(
        index: dict[tuple[Any, ...], int], rows: list[tuple[Any, ...]], row: tuple[Any, ...]
    ) -> int:
        found = index.get(row)
        if found is None:
            found = index[row] = len(rows)
            rows.append(row)
        return found


def _unique_sources(sources: Sequence[Source]) -> list[tuple[Source, str | None]]:
    """Sources without repeats (the same URL, or without URL the same outlet and title, once).

    Each comes with its safe URL, so that is computed once per source.
    """
    seen: set[tuple[str, ...]] = set()
    kept = []
    for source in sources:
        url = safe_url(source.url)
        key = ("url", url) if url else ("text", source.source or "", source.title or "")
        if key in seen:
            continue
        seen.add(key)
        kept.append((source, url))
    return kept


_FACT_NAMES = tuple(FACT_LABELS)
# Columns the map draws and filters with: place, severity, day, flow origin and destination.
DRAW_COLUMNS = ("p", "s", "day", "o", "x")
# Columns only popups and search read; in compact maps they are parsed after the first draw.
DETAIL_COLUMNS = ("id", "t", "d", "r", "f", "e", "w", "src", "fs", "ls", "n")


def _facts(facts: Facts) -> dict[str, int | float] | None:
    """The reported facts in field order (not Facts.reported: this runs per incident)."""
    reported = {name: value for name in _FACT_NAMES if (value := getattr(facts, name)) is not None}
    return reported or None


def _row(incident: Incident, tables: _Tables, compact: bool) -> tuple[Any, ...]:
    """One incident's values in DRAW_COLUMNS + DETAIL_COLUMNS order; None marks "not reported".

    Places and sources are indices into ``tables`` as first met, renumbered by
    :func:`build_layers` once the rows are in the map's order.
    """
    evidence = incident.evidence
    if compact and len(evidence) > COMPACT_EVIDENCE_CHARS:
        evidence = evidence[:COMPACT_EVIDENCE_CHARS].rstrip() + "…"
    sources = [tables.source(s, url) for s, url in _unique_sources(incident.sources)]
    return (
        tables.place(incident.place),
        max(0, min(5, int(incident.severity))),
        day_number(incident.date),
        tables.place(incident.origin) if incident.origin else None,
        tables.place(incident.destination) if incident.destination else None,
        incident.incident_id,
        incident.title or None,
        incident.date or None,
        incident.severity_reason or None,
        _facts(incident.facts),
        evidence or None,
        incident.place_reason or None,
        sources or None,
        incident.first_seen or None,
        incident.last_seen or None,
        1 if incident.new else None,
    )


class _Renumber:
    """Table rows renumbered in the order the map first uses them (the table it writes)."""

    def __init__(self, rows: list[tuple[Any, ...]]):
        self.rows = rows
        self.kept: list[tuple[Any, ...]] = []
        self._new: dict[int, int] = {}

    def __call__(self, index: int | None) -> int | None:
        if index is None:
            return None
        new = self._new.get(index)
        if new is None:
            new = self._new[index] = len(self.kept)
            self.kept.append(self.rows[index])
        return new


def _without_empty(columns: dict[str, list[Any]], keep: tuple[str, ...]) -> dict[str, list[Any]]:
    """Columns minus those with no value at all (bytes count at 100,000 rows)."""
    return {k: v for k, v in columns.items() if k in keep or any(x is not None for x in v)}


def build_layers(
    incidents: Iterable[Incident], taxonomy: Taxonomy, *, compact: bool
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """The categories present (taxonomy order), the data to draw and the popups' details.

    Returns ``(categories, body, details)``: ``body`` is ``{"places", "layers": {category:
    columns}}`` and ``details`` is ``{"sources", "layers": {category: columns}}``, both with
    rows in the same order. Rows are sorted by category (taxonomy order), date and id, so the
    same incidents in any order give the same data.

    ``incidents`` is read once, as it comes: each incident is kept only as its row of values,
    so a stream of them (the store's) is never held whole.
    """
    order = {cid: i for i, cid in enumerate(taxonomy.ids)}
    tables = _Tables()
    rows: dict[str, list[tuple[tuple[str, str], tuple[Any, ...]]]] = {}
    for incident in incidents:
        cid = incident.category
        if cid not in order:
            log.warning(
                "incident %s: category %r is not in taxonomy %s; drawn as %r",
                incident.incident_id,
                cid,
                taxonomy.name,
                taxonomy.fallback,
            )
            cid = taxonomy.fallback
        key = (incident.date or "", incident.incident_id)
        rows.setdefault(cid, []).append((key, _row(incident, tables, compact)))
    places, sources = _Renumber(tables.places), _Renumber(tables.sources)
    draw: dict[str, dict[str, list[Any]]] = {}
    details: dict[str, dict[str, list[Any]]] = {}
    for cid in sorted(rows, key=order.__getitem__):
        members = rows.pop(cid)
        members.sort(key=lambda member: member[0])
        columns: list[list[Any]] = [[] for _ in (*DRAW_COLUMNS, *DETAIL_COLUMNS)]
        for _, row in members:
            # Renumbered in the order the rows are written: place, origin, destination.
            p, s, day, o, x, *rest = row
            values = (places(p), s, day, places(o), places(x), *rest)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        del members
        src = len(DRAW_COLUMNS) + DETAIL_COLUMNS.index("src")
        columns[src] = [None if v is None else [sources(i) for i in v] for v in columns[src]]
        draw[cid] = dict(zip(DRAW_COLUMNS, columns[: len(DRAW_COLUMNS)], strict=True))
        details[cid] = dict(zip(DETAIL_COLUMNS, columns[len(DRAW_COLUMNS) :], strict=True))
    categories = [
        {
            "id": category.id,
            "label": category.label,
            "colour": category.colour,
            "icon": icon_name(category.icon),
            "count": len(draw[category.id]["p"]),
        }
        for category in taxonomy.categories
        if category.id in draw
    ]
    body = {
        "places": places.kept,
        "layers": {cid: _without_empty(cols, ("p", "s", "day")) for cid, cols in draw.items()},
    }
    extra = {
        "sources": sources.kept,
        "layers": {cid: _without_empty(cols, ("id",)) for cid, cols in details.items()},
    }
    return categories, body, extra


def date_span(incidents: Iterable[Incident]) -> tuple[str | None, str | None]:
    """Earliest and latest incident date, or (None, None) when none is dated (one pass)."""
    first: str | None = None
    last: str | None = None
    for incident in incidents:
        day = incident.date
        if day:
            if first is None or day < first:
                first = day
            if last is None or day > last:
                last = day
    return first, last
