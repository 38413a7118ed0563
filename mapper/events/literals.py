"""Where numbers, money and month names can start, found by one literal scan of a document.

Python's regex engine tries a pattern at every character, so scanning each fact sentence for
numbers (``NUMBER``) and for dates and measurements to mask (``text._NON_COUNT``) cost more than
the fact rules themselves. Every match of those patterns starts with one of a few literals: a
digit, a currency sign, a number word, "a few"... An Aho-Corasick automaton finds all of them in
one pass over the lower-cased document, and the patterns are then tried only there. The matches
are the ones ``finditer`` gives (tests/events/test_speedups.py checks this on random text).

The shortcuts need the lower-cased text to line up with the text (same length, no characters
that fold oddly); callers check that (``exact``) and otherwise run the patterns in full.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter

import ahocorasick_rs

from mapper.events import text as _text
from mapper.events.numbers import _TENS, _UNITS, NUMBER_LOW_RE, VAGUE

# What a literal can start (bit flags; one literal may start several things).
DIGIT_TOKEN = 1  # a character of ``[\d$€£¥]``: where ``_NON_COUNT`` may start
ASCII_DIGIT = 2  # ``[0-9]``: the sentence is masked with ``_NON_COUNT``, not ``_WORD_MEASURE``
MONTH = 4  # a month name may start here (``_MONTH_BEFORE``)
NUMBER_START = 8  # a match of ``NUMBER`` may start here
MEASURE = 16  # a match of ``_WORD_MEASURE`` may start here

# What ``\s`` and ``\d`` match (``str.isspace``, ``str.isdecimal``: the same tests in CPython).
# No such character lies above the first two planes (tests/events/test_speedups.py checks the
# whole range); reading only those keeps the import fast.
_PLANES = [chr(c) for c in range(0x20000)]
SPACES = tuple(c for c in _PLANES if c.isspace())
DIGITS = tuple(c for c in _PLANES if c.isdecimal())
del _PLANES


def spaced(first: str, seconds: tuple[str, ...]) -> list[str]:
    """Literals that start every ``first\\s+second`` for these seconds: the single-space forms,
    and ``first`` before any other run of white space."""
    out = [f"{first} {w}" for w in seconds]
    out += [first + s for s in SPACES if s != " "]
    out += [f"{first} {s}" for s in SPACES]
    return out


def _a_phrases(words: tuple[str, ...]) -> list[str]:
    """``spaced`` for "a" and "an"."""
    return spaced("a", words) + spaced("an", words)


_MEASURE_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twelve",
    "twenty",
    "fifty",
    "hundred",
    "several",
]


def _literals() -> dict[str, int]:
    kinds: dict[str, int] = {}

    def add(literal: str, kind: int) -> None:
        kinds[literal] = kinds.get(literal, 0) | kind

    for ch in DIGITS:
        add(ch, DIGIT_TOKEN | NUMBER_START | (ASCII_DIGIT if ch in "0123456789" else 0))
    for ch in "$€£¥":
        add(ch, DIGIT_TOKEN)
    for month in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov"):
        add(month, MONTH)
    add("dec", MONTH)
    # ``NUMBER``: the vague phrases, the number words, "a hundred" / "an thousand".
    for phrase in VAGUE:
        if not phrase.startswith("a "):
            add(phrase, NUMBER_START)
    for word in (*_UNITS, *_TENS):
        add(word, NUMBER_START)
    for phrase in (p for p in VAGUE if p.startswith("a ")):
        add(phrase, NUMBER_START)
    for literal in _a_phrases(("hundred", "thousand", "million")):
        add(literal, NUMBER_START)
    # ``_WORD_MEASURE``: "two days", "a  few weeks".
    for word in _MEASURE_WORDS:
        add(word, MEASURE)
    for literal in _a_phrases(("few",)):
        add(literal, MEASURE)
    return kinds


_KINDS = _literals()
_LITERALS = list(_KINDS)
KIND = [_KINDS[lit] for lit in _LITERALS]
_AUTOMATON = ahocorasick_rs.AhoCorasick(_LITERALS, matchkind=ahocorasick_rs.MatchKind.Standard)
_BY_START = itemgetter(1)


def scan(low: str) -> list[tuple[int, int, int]]:
    """(literal, start, end) of every literal in the lower-cased document, by start."""
    hits = _AUTOMATON.find_matches_as_indexes(low, overlapping=True)
    hits.sort(key=_BY_START)
    return hits


def sentence_hits(
    hits: list[tuple[int, int, int]], starts: list[int], a: int, b: int
) -> list[tuple[int, int, int]]:
    """The hits lying wholly in ``[a, b)`` (``starts``: the hits' starts, sorted)."""
    i = bisect_left(starts, a)
    j = bisect_left(starts, b, i)
    return [h for h in hits[i:j] if h[2] <= b]


_NON_COUNT_LOW = _text.NON_COUNT_LOW
_WORD_MEASURE_LOW = _text._WORD_MEASURE_LOW
_MONTH_BEFORE = _text._MONTH_BEFORE


def mask_non_counts(sent: str, low: str, hits: list[tuple[int, int, int]], a: int) -> str:
    """``text.mask_non_counts(sent)`` given the sentence lower-cased (same length, nothing that
    folds oddly) and its literal hits (offsets from ``a``, the sentence's start)."""
    starts: set[int] = set()
    months = [s - a for k, s, _ in hits if KIND[k] & MONTH]
    measures: list[int] = []
    ascii_digit = False
    for k, s, _ in hits:
        kind = KIND[k]
        if kind & MEASURE:
            measures.append(s - a)
        if not kind & DIGIT_TOKEN:
            continue
        i = s - a
        ascii_digit = ascii_digit or bool(kind & ASCII_DIGIT)
        if i and sent[i - 1].isdigit():
            continue
        starts.add(i)
        # "March 5": a month name ends in white space right before the number
        if months and i and sent[i - 1].isspace():
            lo = max(0, i - 14)
            if any(lo <= m < i for m in months):
                month = _MONTH_BEFORE.search(sent, lo, i)
                if month is not None:
                    starts.add(month.start())
    done = -1
    for i in measures:  # as ``_WORD_MEASURE_LOW.finditer(low)`` gives them
        if i >= done and (m := _WORD_MEASURE_LOW.match(low, i)) is not None:
            starts.add(i)
            done = m.end()
    if not starts:
        return sent
    pattern = _NON_COUNT_LOW if ascii_digit else _WORD_MEASURE_LOW
    return _text.mask_at(sent, low, starts, pattern)


def number_starts(low_sent: str, hits: list[tuple[int, int, int]], a: int) -> list[int]:
    """Starts of ``NUMBER_LOW_RE.finditer(low_sent)`` (the masked sentence lower-cased)."""
    out = []
    done = 0
    match = NUMBER_LOW_RE.match
    for k, s, _ in hits:
        i = s - a
        if i < done or not KIND[k] & NUMBER_START:
            continue
        if i and ((c := low_sent[i - 1]).isalnum() or c == "_" or c == "."):
            continue  # the pattern's (?<![\w.])
        m = match(low_sent, i)
        if m is not None:
            out.append(i)
            done = m.end()
    return out
