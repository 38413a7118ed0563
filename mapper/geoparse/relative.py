"""Relative places: "Russia's southwestern border", "northern Gaza", "50 km south of Kyiv",
"near the border with Ukraine", "the foothills of the Himalayas".

(text, resolved Toponyms) -> the same Toponyms, some with ``relative`` set: a Place in the right
part of the named place, precision "region". This module reads the phrases; the shapes are
relative_shapes.py's (countries cut from their Natural Earth polygons, other places from the
circle of their extent).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import replace

from mapper.geoparse.relative_shapes import _border_with, _edge, _offset, _part
from mapper.models import Place, Toponym

# Compass words -> bearing in degrees (clockwise from north).
BEARINGS = {
    "north": 0, "northeast": 45, "north-east": 45, "east": 90, "southeast": 135,
    "south-east": 135, "south": 180, "southwest": 225, "south-west": 225, "west": 270,
    "northwest": 315, "north-west": 315,
}  # fmt: skip
_DIRECTION = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_EDGE = r"(border|borders|frontier|coast|coastline|edge|flank|outskirts|part|parts|region|areas?)"
_UNITS = {"km": 1.0, "kilometres": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometer": 1.0,
          "miles": 1.609344, "mile": 1.609344, "mi": 1.609344,
          "nautical miles": 1.852, "nautical mile": 1.852, "nm": 1.852}  # fmt: skip
# "1,200 km": commas between groups of three digits separate thousands (see _number).
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")

# Patterns that end right before the toponym ...
_BEFORE = [
    (
        "offset",
        re.compile(
            # "1,200 km" (thousands) or "2.5 km" / "2,5 km" (a decimal point or comma)
            rf"({_THOUSANDS.pattern}|\d+(?:[.,]\d+)?)\s*"
            r"(km|kilometres|kilometers|kilometre|kilometer|nautical\s+miles?"
            r"|nm|miles|mile|mi)\s+"
            # a conversion in brackets: "10 kilometres (6 miles) east of"
            + r"(?:\([^()]{1,20}\)\s+)?"
            + r"(?:to the\s+)?"
            + _DIRECTION
            # what the named place is: "of the town of X", "of the capital, X"; or whose:
            # "of the Turkish |capital"
            + r"\s+of\s+(?:the\s+)?(?:(?:\w+\s+)?(?:town|city|village|capital|port)"
            + r"(?:\s+of|,)?\s+|[A-Z][\w'’-]+\s+)?$",
            re.I,
        ),
    ),
    (
        "edge_of",
        re.compile(r"\b(?:the\s+)?" + _DIRECTION + r"\s+" + _EDGE + r"\s+of\s+(?:the\s+)?$", re.I),
    ),
    (
        "border_with",
        re.compile(
            r"\b(?:near|on|along|at|across|close to)\s+(?:the\s+)?border\s+with\s+(?:the\s+)?$",
            re.I,
        ),
    ),
    (
        "foothills",
        re.compile(
            r"\b(?:the\s+)?(?:"
            + _DIRECTION
            + r"\s+)?(?:foothills|slopes|edge|fringes?)\s+of\s+(?:the\s+)?$",
            re.I,
        ),
    ),
    ("part", re.compile(r"\b" + _DIRECTION + r"\s+$", re.I)),
]
# ... and patterns that start right after it.
_AFTER = [
    ("own_edge", re.compile(r"^['’]s\s+" + _DIRECTION + r"\s+" + _EDGE + r"\b", re.I)),
    ("own_border", re.compile(r"^['’]s\s+(border|frontier)\b", re.I)),
]
_WINDOW = 60
# A word every pattern above needs: without one in the text (or near a toponym), no pattern can
# match there, and the text's toponyms are returned as they are, no shape loaded.
_CUE = re.compile(r"north|south|east|west|border|frontier|foothills|slopes|edge|fringe", re.I)
# The longest cue word: a cue inside a window starts within this many characters of a hit
# of one scan of the whole text (a hit may hide an overlapping cue, as in "slopesouth").
_CUE_SPAN = max(map(len, _CUE.pattern.split("|")))
_CUE_WORDS = tuple(_CUE.pattern.split("|"))
# Characters that IGNORECASE matches against ASCII letters but ``str.lower`` does not map to
# them ("ſ" is an "s", the Kelvin sign a "k"): a text holding one is scanned with the regex.
_CASE_ODD = "\u0130\u0131\u017f\u212a"


def _bearing(word: str) -> float:
    """Compass word -> bearing; the patterns capture it without "-ern" ("north" of "northern")."""
    return float(BEARINGS[word.lower()])


def _number(text: str) -> float:
    """A distance as written: commas between groups of three digits separate thousands
    ("1,200"), a lone comma before one or two digits is a decimal comma ("2,5")."""
    if _THOUSANDS.fullmatch(text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _other_country(toponyms: list[Toponym], index: int) -> Place | None:
    """The closest other country named in the article, before or after this mention."""
    base = toponyms[index].place
    order = sorted(range(len(toponyms)), key=lambda i: (abs(i - index), i))
    for i in order:
        place = toponyms[i].place
        if (
            i != index
            and place is not None
            and place.feature_class == "country"
            and base is not None
            and place.country != base.country
        ):
            return place
    return None


@functools.lru_cache(maxsize=4096)
def _named(place: Place, phrase: str) -> Place:
    """Cached geometry under the text's own words ("northern Gaza"): a batch names the same
    few parts again and again, and ``dataclasses.replace`` is slow."""
    return replace(place, name=phrase)


def add_relative_places(text: str, toponyms: list[Toponym]) -> list[Toponym]:
    """Attach a relative Place to each toponym that a spatial phrase qualifies."""
    starts, ends = _cue_hits(text)
    if not starts:
        return list(toponyms)
    result = []
    for index, toponym in enumerate(toponyms):
        place = toponym.place
        if place is None or toponym.demonym:
            result.append(toponym)
            continue
        low = max(0, toponym.start - _WINDOW)
        high = min(len(text), toponym.end + _WINDOW)
        # Most toponyms have no cue word starting anywhere near: one bisect tells (the
        # windows' own tests look no further back than _CUE_SPAN before ``low``).
        near = bisect.bisect_left(starts, low - _CUE_SPAN)
        if near == len(starts) or starts[near] >= high:
            result.append(toponym)
            continue
        before_cue = _cue_within(text, starts, low, toponym.start, ends)
        if not (before_cue or _cue_within(text, starts, toponym.end, high, ends)):
            result.append(toponym)
            continue
        before = text[low : toponym.start]
        after = text[toponym.end : toponym.end + _WINDOW]
        relative = _match(before, after, toponym, toponyms, index, before_cue=before_cue)
        result.append(replace(toponym, relative=relative) if relative else toponym)
    return result


def _cue_hits(text: str) -> tuple[list[int], list[int] | None]:
    """Every cue word in ``text`` (overlapping ones too) as sorted starts and their ends,
    found by a literal search of the lower-cased text (an IGNORECASE alternation costs the
    regex engine a try at every character). In a text holding a character whose case is odd
    the hits are ``_CUE.finditer``'s starts, without ends."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _CASE_ODD):
        return [m.start() for m in _CUE.finditer(text)], None
    hits = []
    for word in _CUE_WORDS:
        i = low.find(word)
        while i >= 0:
            hits.append((i, i + len(word)))
            i = low.find(word, i + 1)
    hits.sort()
    return [start for start, _ in hits], [end for _, end in hits]


def _cue_within(
    text: str, starts: list[int], low: int, high: int, ends: list[int] | None = None
) -> bool:
    """``_CUE.search(text[low:high])``. With ``ends``, ``starts`` and ``ends`` are every cue
    word of the text (_cue_hits): there is a cue in the window exactly when one of them lies
    in it. Without, ``starts`` (sorted) is a superset of the regex's hits, and the text itself
    is searched when one begins near enough to the window for a cue to be there."""
    if ends is not None:
        i = bisect.bisect_left(starts, low)
        while i < len(starts) and starts[i] < high:
            if ends[i] <= high:
                return True
            i += 1
        return False
    i = bisect.bisect_left(starts, low - _CUE_SPAN)
    if i == len(starts) or starts[i] >= high:
        return False
    return _CUE.search(text, low, high) is not None


def _match(
    before: str,
    after: str,
    toponym: Toponym,
    toponyms: list[Toponym],
    index: int,
    *,
    before_cue: bool = True,
) -> Place | None:
    """The relative place a phrase around the toponym names. ``before_cue=False`` says
    ``before`` holds no cue word: every _BEFORE pattern needs one, so none is searched."""
    place = toponym.place
    assert place is not None
    for kind, pattern in _AFTER:
        match = pattern.match(after)
        if match:
            phrase = f"{toponym.name}{match.group(0)}"
            if kind == "own_edge":
                return _named(_edge(place, _bearing(match.group(1)), match.group(2)), phrase)
            return _named(_border_with(place, _other_country(toponyms, index)), phrase)
    for kind, pattern in _BEFORE if before_cue else ():
        match = pattern.search(before)
        if not match:
            continue
        phrase = f"{match.group(0)}{toponym.name}".strip()
        if kind == "offset":
            unit = " ".join(match.group(2).lower().split())
            km = _number(match.group(1)) * _UNITS[unit]
            return _named(_offset(place, km, _bearing(match.group(3))), phrase)
        if kind == "edge_of":
            return _named(_edge(place, _bearing(match.group(1)), match.group(2)), phrase)
        if kind == "border_with":
            other = _other_country(toponyms, index)
            if other is not None:
                return _named(_border_with(other, place), phrase)
            return _named(_edge(place, None), phrase)
        if kind == "foothills":
            bearing = _bearing(match.group(1)) if match.group(1) else None
            if bearing is None:
                return replace(
                    place,
                    place_id=f"rel:{place.place_id}:foothills",
                    name=phrase,
                    feature_class="relative",
                    precision="region",
                )
            return _named(_part(place, bearing), phrase)
        if kind == "part":
            return _named(_part(place, _bearing(match.group(1))), phrase)
    return None
