"""Second-level units (districts, townships, rayons, counties) from countrystatecity's places.

countrystatecity files some districts among its places, named with their unit word
("Wakiso District", "Kyain Seikgyi Township", "Barskiy Rayon", "Muju-gun"). They become kind
"admin2". Each unit's point and extent come from the places nearest to it in its
first-level division (within reach): their centroid and spread; those places record the unit
as their admin2. A unit is indexed under its full name, under its name with the unit word
written the other usual ways ("X LGA", "X Local Government Area"), and under the bare name
only where no town or village of that name exists in the country.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict

from mapper.gazetteer.geodesy import haversine_km
from mapper.gazetteer.index import Gazetteer
from mapper.gazetteer.names import name_key, name_keys

log = logging.getLogger(__name__)

_UNIT = re.compile(
    r"^(?P<bare>.+?)(?:\s+(?P<word>district|sub-district|township|county|rayon|raion|lga|"
    r"local government area|municipality|regency|prefecture|tehsil|taluk|okrug|shire)"
    r"|(?P<suffix>-gun|-si))$",
    re.IGNORECASE,
)
_GENERIC = re.compile(
    r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|"
    r"middle|inner|outer|new|old|greater)[\s-]*)+(?:city|capital|island|islands)?|"
    r"(?:city|capital|island|islands|municipal|metropolitan|urban|rural)",
    re.IGNORECASE,
)
# The unit words news writes for one another.
_SYNONYMS = {
    "lga": ("LGA", "Local Government Area"),
    "local government area": ("LGA", "Local Government Area"),
    "rayon": ("Rayon", "Raion", "District"),
    "raion": ("Rayon", "Raion", "District"),
    "tehsil": ("Tehsil", "District"),
    "taluk": ("Taluk", "District"),
}
MEMBER_KM = 30.0  # a place this close to a unit's point, and nearest to it, lies in it
MIN_EXTENT_KM, MAX_EXTENT_KM, DEFAULT_EXTENT_KM = 5.0, 80.0, 15.0
# MEMBER_KM as degrees of latitude (6371.0088 km Earth radius, as haversine_km), with a margin
# far above rounding errors.
_MEMBER_DEGREES = math.degrees(MEMBER_KM / 6371.0088) * 1.001


def names_a_unit(name: str) -> bool:
    """Whether a name ends in a unit word ("... District"), generic or not."""
    return _UNIT.match(name.strip()) is not None


def unit_names(name: str) -> tuple[str, list[str]] | None:
    """(bare name, the names to index) of a unit's name, or None when it names no unit."""
    match = _UNIT.match(name.strip())
    if match is None or len(match.group("bare")) < 3:
        return None
    bare = match.group("bare")
    if _GENERIC.fullmatch(bare):
        return None  # "Central District" is a court's or a city's part as often as a unit
    word = (match.group("word") or "").lower()
    names = [name.strip()]
    for synonym in _SYNONYMS.get(word, ()):
        names.append(f"{bare} {synonym}")
    return bare, names


def add_units(
    gazetteer: Gazetteer,
    names: dict[int, set[str]],
    units: list[tuple[str, float, float, str, str, int]],
    towns: set[tuple[str, str]] | None = None,
) -> list[int]:
    """Add units (name, lat, lon, country, admin1, id); returns their entries.

    ``towns`` holds (country, name key) of every city and village, when the caller has it.
    """
    g = gazetteer
    if towns is None:
        found = [entry for entry, kind in enumerate(g.kinds) if kind in ("city", "village")]
        countries = [g.countries[e] for e in found]
        towns = set(zip(countries, name_keys([g.names[e] for e in found]), strict=True))
    entries: list[int] = []
    for name, lat, lon, country, admin1, ident in units:
        parsed = unit_names(name)
        if parsed is None:
            continue
        bare, indexed = parsed
        entry = g.add(
            f"csc:{ident}",
            name,
            lat,
            lon,
            "admin2",
            country=country,
            admin1=admin1,
            extent_km=DEFAULT_EXTENT_KM,
            fame=10,
        )
        g.admin2s[entry] = entry
        for alias in indexed:
            names.setdefault(entry, set()).add(alias)
        if (country, name_key(bare)) not in towns:
            names[entry].add(bare)  # no town bears the bare name: it means the unit
        entries.append(entry)
    _place_units(g, entries)
    return entries


def _place_units(g: Gazetteer, units: list[int]) -> None:
    """Members, centroid and extent of each unit from the places nearest to it."""
    by_division: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_division[g.admin1s[unit]].append(unit)
    bare = {u: name_key(unit_names(g.names[u])[0]) for u in units}
    members: dict[int, list[int]] = defaultdict(list)
    lats, lons = g.lats, g.lons
    for entry, kind in enumerate(g.kinds):
        if kind not in ("city", "village", "facility"):
            continue
        here = by_division.get(g.admin1s[entry])
        if not here:
            continue
        lat, lon = lats[entry], lons[entry]
        # A unit further in latitude alone than MEMBER_KM is out of reach (a great circle is
        # no shorter than its north-south part): its distance need not be computed.
        near = [
            (distance, u)
            for u in here
            if abs(lats[u] - lat) <= _MEMBER_DEGREES
            and (distance := haversine_km(lat, lon, lats[u], lons[u])) <= MEMBER_KM
        ]
        if near:
            # A unit named after the town is the town's: Wakiso lies in Wakiso District even
            # where the next district's point is nearer.
            key = name_key(g.names[entry])
            _, unit = min(near, key=lambda item: (bare[item[1]] != key, item))
            members[unit].append(entry)
            g.admin2s[entry] = unit
    for unit in units:
        inside = members.get(unit, [])
        if not inside:
            continue
        lat = (g.lats[unit] + sum(g.lats[e] for e in inside)) / (len(inside) + 1)
        lon = (g.lons[unit] + sum(g.lons[e] for e in inside)) / (len(inside) + 1)
        spread = sorted(haversine_km(lat, lon, g.lats[e], g.lons[e]) for e in inside)
        extent = spread[min(len(spread) - 1, math.ceil(0.8 * len(spread)) - 1)] + 2.0
        g.lats[unit], g.lons[unit] = round(lat, 5), round(lon, 5)
        g.extents[unit] = round(max(MIN_EXTENT_KM, min(MAX_EXTENT_KM, extent)), 1)
