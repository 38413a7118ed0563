"""Recognition helpers for small settlements and the units named after towns.

Villages: tens of thousands share names with surnames and words, so a name only villages
bear becomes a mention when the text supports it. Units: "Ayo LGA", "Ayo Township" and
"Ayo district" name the unit around the town of Ayo; without an entry for the unit, the
town stands for it and the mention covers the unit word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mapper.gazetteer import Gazetteer

# Words that say a name is a settlement: "Ayo village", "the village of Ayo".
_VILLAGE_BEFORE = re.compile(
    r"\b(?:village|villages|hamlet|settlement|town|community) of\s+$", re.IGNORECASE
)
_VILLAGE_AFTER = re.compile(
    r"\s+(?:village|hamlet|settlement|community|LGA|Local Government Area|"
    r"[Tt]ownship|[Dd]istrict|[Tt]ehsil|[Rr]ayon|[Rr]aion)\b"
)
# Unit words after a town's name that make the phrase the unit named after it. "County" is
# left out: US counties are mostly named after people, not after a town inside them.
_UNIT_AFTER = re.compile(
    r"\s+(LGA|Local Government Area|[Tt]ownship|[Dd]istrict|[Tt]ehsil|[Rr]ayon|[Rr]aion|"
    r"[Mm]unicipality|[Ss]ub-[Dd]istrict)\b"
)
# Unit words used in a few countries only: elsewhere "Ayo Township" is not Ayo's unit
# (US townships are named after anything).
_UNIT_COUNTRIES = {
    "lga": frozenset(("NG", "AU")),
    "local government area": frozenset(("NG", "AU")),
    "township": frozenset(("MM", "ZA", "TW", "CN")),
    "tehsil": frozenset(("IN", "PK")),
    "rayon": frozenset(("RU", "UA", "BY", "AZ", "KZ", "KG", "TJ", "MD", "UZ", "TM")),
    "raion": frozenset(("RU", "UA", "BY", "MD")),
}
# Names that are a direction, not a town: "Central District" is a court's or a city's part.
_GENERIC = frozenset(
    ("north", "south", "east", "west", "central", "northern", "southern", "eastern", "western")
)
TOWN_KINDS = frozenset(("city", "village"))
# Words after a name that make the pair a unit or an organisation, never a person's name:
# "Ayo District", "Ayo Township" and "Ayo PDF" (a local force) keep a later bare "Ayo" a place.
_NOT_A_SURNAME = frozenset(
    ("district", "township", "region", "province", "division", "county", "municipality", "lga")
)


def not_a_person_pair(first: str, second: str) -> bool:
    """Whether two capitalised words side by side are no person's name: "Ayo District",
    "Ayo PDF" (initials after a name written in lower case; a dateline is all capitals), or a
    possessive before a name ("Kuro Region's Ayo")."""
    return (
        second.casefold() in _NOT_A_SURNAME
        or (len(second) >= 2 and second.isupper() and not first.isupper())
        or first.endswith(("'s", "’s", "'", "’"))
    )


def unit_candidates(
    gazetteer: Gazetteer, text: str, name: str, end: int, entries: tuple[int, ...]
) -> tuple[int, tuple[int, ...]]:
    """(end of the unit word, towns it can be named after) for "Ayo| LGA"; (end, ()) if none."""
    match = _UNIT_AFTER.match(text, end)
    if match is None or name.casefold() in _GENERIC:
        return end, ()
    countries = _UNIT_COUNTRIES.get(match.group(1).casefold())
    g = gazetteer
    towns = tuple(
        e
        for e in entries
        if g.kinds[e] in TOWN_KINDS and (countries is None or g.countries[e] in countries)
    )
    return match.end(), towns


def framed_as_settlement(text: str, start: int, end: int) -> bool:
    return bool(
        _VILLAGE_BEFORE.search(text, max(0, start - 30), start) or _VILLAGE_AFTER.match(text, end)
    )


def supported_villages(
    gazetteer: Gazetteer,
    text: str,
    mentions: list,
    villages: list,
    keep: Callable[[object, int, int], bool],
    make: Callable[..., object],
) -> list:
    """Add the names only villages bear where the text supports one of them.

    ``mentions`` are the other mentions, ``villages`` (mention, first token, next token)
    the candidate village names. One is kept when a settlement or unit word frames it, or
    when the text names the first-level division or district it lies in; its candidates
    are then cut to the villages so supported. It replaces the mentions it overlaps.
    """
    g = gazetteer
    areas: set[str] = set()
    for mention in mentions:
        for entry in mention.entries:
            if g.kinds[entry] in ("admin1", "admin2"):
                areas.add(g.admin1s[entry])
                areas.add(g.place_ids[entry])
    added: list = []
    # Longest first at each start: "Nkwo Ayo" before "Nkwo".
    for mention, i, next_i in sorted(villages, key=lambda v: (v[0].start, -v[0].end)):
        inside = tuple(
            e
            for e in mention.entries
            if g.admin1s[e] in areas or (g.admin2s[e] >= 0 and g.place_ids[g.admin2s[e]] in areas)
        )
        if inside:
            mention = make(mention.start, mention.end, mention.name, inside)
        elif not framed_as_settlement(text, mention.start, mention.end):
            continue
        if not keep(mention, i, next_i):
            continue
        if any(m.start < mention.end and mention.start < m.end for m in added):
            continue
        added.append(mention)
    if not added:
        return mentions
    kept = [m for m in mentions if not any(v.start < m.end and m.start < v.end for v in added)]
    return sorted([*kept, *added], key=lambda m: m.start)
