"""Building the index: takes the installed data packages and curated tables, gives a Gazetteer."""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
from collections.abc import Iterator
from importlib import metadata
from typing import TypeVar

from mapper.gazetteer.index import _SOURCE_PACKAGES, Gazetteer
from mapper.gazetteer.names import fold_accents_all, name_keys, name_prefixes

log = logging.getLogger("mapper.gazetteer")
_T = TypeVar("_T")


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
