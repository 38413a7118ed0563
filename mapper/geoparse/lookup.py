"""Name key -> what the gazetteer finds for it, kept per key: the recognizer's inner loop.

A key's answer (its candidate entries, whether it is a demonym, a possessive to drop, whether
only villages bear the name) and whether longer names begin with it depend on the gazetteer
alone, so each distinct key of a batch is looked up once. So is each candidate set's profile:
the kinds and sizes the precision filters ask about.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from mapper.gazetteer import Gazetteer, fold_accents

# Kinds the common-word and person-name filters treat as minor places.
MINOR_KINDS = frozenset(("city", "village", "admin2"))
POSSESSIVE = re.compile(r"['’]s?$")
# Answers remembered; past this the memory starts over (a batch's vocabulary is smaller).
_MEMORY = 1 << 18

# (entries, demonym, characters of a possessive to drop, whether only villages bear the name)
Spec = tuple[tuple[int, ...], bool, int, bool]


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised span: its text, the candidate entries and whether it is a demonym."""

    start: int
    end: int
    name: str
    entries: tuple[int, ...]
    demonym: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """A candidate set's kinds and sizes, as the precision filters read them."""

    any_major_kind: bool  # some candidate is more than a town, village or district
    any_broad: bool  # some candidate is a country, continent or region
    all_under_100k: bool
    all_under_20k: bool
    all_minor_under_100k: bool  # every candidate a minor place of under 100,000 people


def mention_of(text: str, start: int, end: int, spec: Spec) -> Mention:
    """The mention a lookup's answer gives for the span ``start:end`` of ``text``."""
    entries, demonym, cut, _ = spec
    end -= cut
    return Mention(start, end, text[start:end], entries, demonym=demonym)


class NameLookup:
    """Answers per name key and per candidate set, each worked out once."""

    def __init__(self, gazetteer: Gazetteer, prefixes: Collection[str]) -> None:
        self.gazetteer = gazetteer
        self.prefixes = prefixes
        self.keys: dict[str, tuple[Spec | None, bool]] = {}  # see ``facts``
        self._profiles: dict[tuple[int, ...], Profile] = {}

    def facts(self, key: str) -> tuple[Spec | None, bool]:
        """A key's lookup (its form without diacritics if it finds nothing itself) and whether
        longer names start with it. Hot callers read ``keys`` first and call this on a miss."""
        known = self.keys.get(key)
        if known is None:
            if len(self.keys) >= _MEMORY:
                self.keys.clear()
            folded = fold_accents(key)
            spec = self.spec(key)
            if spec is None and folded != key:
                spec = self.spec(folded)
            known = self.keys[key] = (spec, key in self.prefixes or folded in self.prefixes)
        return known

    def spec(self, key: str) -> Spec | None:
        """What the key itself finds, whatever the text around it."""
        g = self.gazetteer
        # Demonyms first: "Canadian" is the people of Canada, not Canadian, Texas.
        demonym = g.demonyms.get(key)
        if demonym is not None:
            return ((demonym,), True, 0, False)
        entries = g.index.get(key)
        if entries:
            return (entries, False, 0, self._villages_only(entries))
        stripped = POSSESSIVE.sub("", key)
        if stripped != key and stripped:
            cut = len(key) - len(stripped)
            entries = g.index.get(stripped)
            if entries:
                return (entries, False, cut, self._villages_only(entries))
            demonym = g.demonyms.get(stripped)
            if demonym is not None:
                return ((demonym,), True, cut, False)
        return None

    def find(self, text: str, start: int, end: int, key: str) -> Mention | None:
        """The mention of ``text[start:end]``, looked up under ``key`` as it is."""
        spec = self.spec(key)
        return None if spec is None else mention_of(text, start, end, spec)

    def _villages_only(self, entries: tuple[int, ...]) -> bool:
        kinds = self.gazetteer.kinds
        return all(kinds[e] == "village" for e in entries)

    def profile(self, entries: tuple[int, ...]) -> Profile:
        """What the filters ask of a name's candidates, worked out once per candidate set."""
        found = self._profiles.get(entries)
        if found is None:
            g = self.gazetteer
            kinds = [g.kinds[e] for e in entries]
            populations = [g.populations[e] for e in entries]
            found = Profile(
                any_major_kind=any(k not in MINOR_KINDS for k in kinds),
                any_broad=any(k in ("country", "continent", "region") for k in kinds),
                all_under_100k=all(p < 100_000 for p in populations),
                all_under_20k=all(p < 20_000 for p in populations),
                all_minor_under_100k=all(
                    k in MINOR_KINDS and p < 100_000
                    for k, p in zip(kinds, populations, strict=True)
                ),
            )
            if len(self._profiles) >= _MEMORY:
                self._profiles.clear()
            self._profiles[entries] = found
        return found
