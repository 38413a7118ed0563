"""Incidents -> the data the map's script draws: one compact GeoJSON per category.

Every string from an article reaches the page only through this module, as JSON inside a
``<script type="application/json">`` element (see :func:`script_json`); the page's script puts
it into the DOM with ``textContent``, never as HTML. Places and sources are stored once in
tables and referenced by index, which keeps 100,000 incidents small.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any
from urllib.parse import urlsplit

from mapper.events.taxonomy import Taxonomy
from mapper.models import Facts, Incident, Place, Source
from mapper.render.assets import icon_name

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


def script_json(value: Any) -> str:
    """``value`` as JSON for a ``<script type="application/json">`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return escape_for_script(text)


def html_attr(text: str) -> str:
    """Text for a double-quoted HTML attribute (only the page skeleton and the iframe snippet)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def pack(value: Any) -> str:
    """Gzip (fixed mtime, so output is deterministic) and base64 a JSON value."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(gzip.compress(raw.encode("utf-8"), 6, mtime=0)).decode("ascii")


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None (javascript:, data:, garbage)."""
    if not url:
        return None
    url = url.strip()
    if any(ord(ch) < 33 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _r(value: float) -> float:
    return round(float(value), 5)


class _Tables:
    """Places and sources stored once, referenced by index in the same order every time."""

    def __init__(self) -> None:
        self.places: list[list[Any]] = []
        self.sources: list[list[Any]] = []
        self._place_index: dict[tuple[Any, ...], int] = {}
        self._source_index: dict[tuple[Any, ...], int] = {}

    def place(self, place: Place) -> int:
        row = [
            place.name,
            _r(place.lat),
            _r(place.lon),
            place.precision,
            place.country or "",
            round(float(place.extent_km), 1),
            place.place_id,
        ]
        return self._intern(self._place_index, self.places, row)

    def source(self, source: Source) -> int:
        row = [source.title or "", safe_url(source.url), source.source or "", source.date or ""]
        return self._intern(self._source_index, self.sources, row)

    @staticmethod
    def _intern(index: dict[tuple[Any, ...], int], rows: list[list[Any]], row: list[Any]) -> int:
        key = tuple(row)
        if key not in index:
            index[key] = len(rows)
            rows.append(row)
        return index[key]


def _unique_sources(sources: Sequence[Source]) -> list[Source]:
    """Sources without repeats: the same URL (or, without URL, the same outlet and title) once."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for source in sources:
        url = safe_url(source.url)
        key = ("url", url) if url else ("text", source.source or "", source.title or "")
        if key in seen:
            continue
        seen.add(key)
        kept.append(source)
    return kept


def _feature(incident: Incident, tables: _Tables, compact: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"id": incident.incident_id, "p": tables.place(incident.place)}
    evidence = incident.evidence
    if compact and len(evidence) > COMPACT_EVIDENCE_CHARS:
        evidence = evidence[:COMPACT_EVIDENCE_CHARS].rstrip() + "…"
    optional: dict[str, Any] = {
        "t": incident.title,
        "d": incident.date,
        "s": max(0, min(5, int(incident.severity))),
        "r": incident.severity_reason,
        "f": incident.facts.reported(),
        "e": evidence,
        "w": incident.place_reason,
        "src": [tables.source(s) for s in _unique_sources(incident.sources)],
        "o": tables.place(incident.origin) if incident.origin else None,
        "x": tables.place(incident.destination) if incident.destination else None,
        "fs": incident.first_seen,
        "ls": incident.last_seen,
        "n": 1 if incident.new else 0,
    }
    # Empty values are left out: absent means "not reported" to the script, and bytes count.
    props.update({k: v for k, v in optional.items() if v not in (None, "", [], {})})
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [_r(incident.place.lon), _r(incident.place.lat)],
        },
        "properties": props,
    }


# Properties the map needs to draw, filter and search; the rest is only read by popups.
DRAW_KEYS = frozenset({"id", "p", "s", "d", "t", "o", "x"})


def split_details(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Move popup-only properties out of the layers, so the map can draw before parsing them.

    Returns the slimmed body and, per category, one dict per feature in the same order.
    """
    layers: dict[str, Any] = {}
    details: dict[str, list[Any]] = {}
    for cid, collection in body["layers"].items():
        feats, extra = [], []
        for feature in collection["features"]:
            props = feature["properties"]
            feats.append(
                {**feature, "properties": {k: v for k, v in props.items() if k in DRAW_KEYS}}
            )
            extra.append({k: v for k, v in props.items() if k not in DRAW_KEYS})
        layers[cid] = {**collection, "features": feats}
        details[cid] = extra
    return {**body, "layers": layers}, details


def _sort_key(order: dict[str, int], incident: Incident) -> tuple[Any, ...]:
    return (order[incident.category], incident.date or "", incident.incident_id)


def build_layers(
    incidents: Sequence[Incident], taxonomy: Taxonomy, *, compact: bool
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The categories present (taxonomy order) and the tables plus one FeatureCollection each.

    Incidents are sorted, so the same incidents in any order give the same data.
    """
    order = {cid: i for i, cid in enumerate(taxonomy.ids)}
    fixed = []
    for incident in incidents:
        if incident.category not in order:
            log.warning(
                "incident %s: category %r is not in taxonomy %s; drawn as %r",
                incident.incident_id,
                incident.category,
                taxonomy.name,
                taxonomy.fallback,
            )
            incident = _recategorised(incident, taxonomy.fallback)
        fixed.append(incident)
    fixed.sort(key=lambda inc: _sort_key(order, inc))
    tables = _Tables()
    layers: dict[str, dict[str, Any]] = {}
    for incident in fixed:
        collection = layers.setdefault(
            incident.category, {"type": "FeatureCollection", "features": []}
        )
        collection["features"].append(_feature(incident, tables, compact))
    categories = []
    for category in taxonomy.categories:
        if category.id not in layers:
            continue
        categories.append(
            {
                "id": category.id,
                "label": category.label,
                "colour": category.colour,
                "icon": icon_name(category.icon),
                "count": len(layers[category.id]["features"]),
            }
        )
    return categories, {"places": tables.places, "sources": tables.sources, "layers": layers}


def _recategorised(incident: Incident, category: str) -> Incident:
    return replace(incident, category=category)


def date_span(incidents: Sequence[Incident]) -> tuple[str | None, str | None]:
    """Earliest and latest incident date, or (None, None) when none is dated."""
    dates = sorted(i.date for i in incidents if i.date)
    return (dates[0], dates[-1]) if dates else (None, None)
