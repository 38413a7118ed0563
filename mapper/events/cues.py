"""Fast matching of many cue regexes: a literal-prefix index in front of anchored regex matches.

Scanning a 600-character text costs Python's regex engine ~7 µs per pattern whatever the pattern,
so 60 cues would cost the whole per-document budget. Instead each cue's possible literal prefixes
("air", "shell", "earth") are read from its parsed pattern and put into one Aho-Corasick automaton;
a document is scanned once, and a cue's regex runs only anchored where one of its prefixes occurs.
Cues whose prefixes cannot be read (e.g. starting with ``\\w``) fall back to a full scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs

try:  # the parser behind `re`; private, so any failure just disables indexing for a cue
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - other Python implementations
    _p = _c = None  # type: ignore[assignment]

PREFIX_LEN = 5  # longer prefixes mean fewer false hits but more alternatives to index
# Cues compiled for the lower-cased scan (no IGNORECASE) are indexed by prefixes this long: a
# prefix hit then fails the cue's regex less often ("forces have" is no "forces entered").
LONG_PREFIX = 10
MIN_PREFIX = 2
MAX_PREFIXES = 3000
_WS_CHARS = ("\n", "\t", "\r", "\u00a0")

Prefixes = list[tuple[str, bool]]  # (literal prefix, whether the pattern part ended with it)


class _Unindexable(Exception):
    pass


class _Prefixer:
    """Reads the literal prefixes (up to ``length`` characters) of a parsed pattern.

    The first ``PREFIX_LEN`` characters read ``\\s`` as a space and ``\\d`` as an ASCII digit (the
    cue scan text has only spaces for white space); past them only plain literals are read
    (anything else ends the prefix), so a longer prefix never skips a place the shorter one
    tries where the pattern matches.
    """

    def __init__(self, length: int, loose: int = PREFIX_LEN) -> None:
        self.length = length
        self.loose = loose

    def seq(self, items: Sequence[tuple[object, object]], i: int = 0, at: int = 0) -> Prefixes:
        if i == len(items):
            return [("", True)]
        op, av = items[i]
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: skip
            return self.seq(items, i + 1, at)
        length = self.length
        out: Prefixes = []
        for head, complete in self.node(op, av, at):
            if complete and at + len(head) < length:
                for tail, done in self.seq(items, i + 1, at + len(head)):
                    joined = head + tail
                    out.append((joined[: length - at], done and at + len(joined) <= length))
            else:
                out.append((head[: length - at], False))
            if len(out) > MAX_PREFIXES:
                raise _Unindexable
        return list(dict.fromkeys(out))

    def node(self, op: object, av: object, at: int) -> Prefixes:
        loose = at < self.loose
        if op is _c.LITERAL:
            ch = chr(av)  # type: ignore[arg-type]
            if not loose and ch.lower() != ch:
                return [("", False)]
            return [(ch.lower(), True)]
        if op is _c.SUBPATTERN:
            return self.seq(list(av[3]), 0, at)  # type: ignore[index]
        if op is _c.BRANCH:
            out: Prefixes = []
            for alt in av[1]:  # type: ignore[index]
                out.extend(self.seq(list(alt), 0, at))
            return out
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av  # type: ignore[misc]
            inner = self.seq(list(sub), 0, at)
            if low == high == 1:
                return inner
            stopped = [(s, False) for s, _ in inner]
            return [*stopped, ("", True)] if low == 0 else stopped
        if op is _c.IN:
            chars = []
            for kind, value in av:  # type: ignore[union-attr]
                if kind is _c.LITERAL:
                    ch = chr(value)
                    if not loose and ch.lower() != ch:
                        return [("", False)]
                    chars.append(ch.lower())
                elif loose and kind is _c.CATEGORY and value is _c.CATEGORY_SPACE:
                    chars.append(" ")
                elif loose and kind is _c.CATEGORY and value is _c.CATEGORY_DIGIT:
                    chars.extend("0123456789")
                else:
                    return [("", False)]
            return [(ch, True) for ch in dict.fromkeys(chars)]
        if loose and op is _c.CATEGORY and av is _c.CATEGORY_SPACE:
            return [(" ", True)]
        return [("", False)]


def literal_prefixes(pattern: str, length: int = PREFIX_LEN) -> list[str] | None:
    """Lower-case literals one of which every match of ``pattern`` starts with, or None.

    Past ``PREFIX_LEN`` characters (``length`` may ask for more) a prefix holds only literals
    the pattern spells out."""
    if _p is None:
        return None
    try:
        prefixes = _Prefixer(length).seq(list(_p.parse(pattern, re.IGNORECASE)))
    except (_Unindexable, RecursionError, re.error, TypeError, IndexError, AttributeError):
        return None
    if any(len(s) < MIN_PREFIX for s, _ in prefixes):
        return None
    return sorted({s for s, _ in prefixes})


def _shortest(prefixes: list[str], prefix: str) -> int:
    """The length of the shortest of a cue's short ``prefixes`` that ``prefix`` begins with."""
    return min(len(p) for p in prefixes if prefix.startswith(p))


def _gate(pattern: str) -> tuple[str, ...] | None:
    """Literals (exactly as the pattern spells them) one of which starts every match, or None."""
    if _p is None:
        return None
    try:
        prefixes = _Prefixer(PREFIX_LEN, loose=0).seq(list(_p.parse(pattern)))
    except (_Unindexable, RecursionError, re.error, TypeError, IndexError, AttributeError):
        return None
    if not prefixes or any(not s for s, _ in prefixes):
        return None
    return tuple(sorted({s for s, _ in prefixes}))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True, slots=True)
class CueMatch:
    start: int
    end: int
    key: int  # the caller's id for the pattern


class CueIndex:
    """Find all matches of many regexes in one text, each regex anchored at its prefix hits."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = list(patterns)
        by_prefix: dict[str, list[int]] = {}
        self.unindexed: list[int] = []
        # An unindexed cue whose every match starts with one of a few short literals ("#") is
        # scanned only in a text holding one of them.
        self._gates: dict[int, tuple[str, ...] | None] = {}
        # Each cue's PREFIX_LEN prefixes: they fix the order matches are reported in (below).
        short: dict[int, list[str]] = {}
        for key, pattern in enumerate(self.patterns):
            prefixes = literal_prefixes(pattern.pattern)
            if prefixes is None:
                self.unindexed.append(key)
                ignore_case = pattern.flags & re.IGNORECASE  # "s" would match "ſ" there
                self._gates[key] = None if ignore_case else _gate(pattern.pattern)
                continue
            short[key] = prefixes
            if not pattern.flags & re.IGNORECASE:
                prefixes = literal_prefixes(pattern.pattern, LONG_PREFIX) or prefixes
            for prefix in prefixes:
                by_prefix.setdefault(prefix, []).append(key)
        self._prefixes = list(by_prefix)
        # A pattern opening with \b cannot match inside a word: such hits need no regex call.
        self._word_start = [p.pattern.startswith("\\b") for p in self.patterns]
        # Per prefix: whether every pattern behind it opens with \b, and its (key, match, \b).
        self._all_word_start = [
            all(self._word_start[k] for k in by_prefix[p]) for p in self._prefixes
        ]
        # Matches are reported in the order a PREFIX_LEN index finds them: by where the cue's
        # shortest short prefix that matches ends, then by start, then by key (an automaton
        # reports overlapping hits by end, the longer first). That order breaks ties between
        # cues of one category matching the same span, so longer prefixes must not change it.
        self._tries = [
            tuple(
                (k, self.patterns[k].match, self._word_start[k], _shortest(short[k], p))
                for k in by_prefix[p]
            )
            for p in self._prefixes
        ]
        self._keys = [by_prefix[p] for p in self._prefixes]
        # Whether a prefix opens with a word character (a hit there may be inside a word).
        self._opens_word = [p[0].isalnum() or p[0] == "_" for p in self._prefixes]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._prefixes, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self._prefixes
            else None
        )

    @staticmethod
    def normalise(text: str) -> str:
        """The form matching runs on: lower case, every whitespace character a space."""
        # chained replace: str.translate with a mapping goes character by character in Python
        low = text.lower()
        for ch in _WS_CHARS:
            if ch in low:
                low = low.replace(ch, " ")
        return low

    def find(self, text: str) -> list[CueMatch]:
        """All (possibly overlapping) matches in a text already passed through ``normalise``."""
        return [CueMatch(start, end, key) for key, start, end in self.find_spans(text)]

    def find_spans(self, text: str) -> list[tuple[int, int, int]]:
        """``find`` as (key, start, end) tuples, in the same order."""
        found: dict[tuple[int, int, int], int] = {}  # (report order, start, key) -> end
        spans: list[tuple[int, int, int]] = []
        if self._automaton is not None:
            tries, all_word_start = self._tries, self._all_word_start
            opens_word = self._opens_word
            for index, start, _end in self._automaton.find_matches_as_indexes(
                text, overlapping=True
            ):
                inside_word = (
                    opens_word[index]
                    and start > 0
                    and ((c := text[start - 1]).isalnum() or c == "_")
                )
                if inside_word and all_word_start[index]:
                    continue
                # (a cue tried again at a start where it matched matches the same: no check)
                for key, match, word_start, reach in tries[index]:
                    if inside_word and word_start:
                        continue
                    m = match(text, start)
                    if m is not None and m.end() > start:
                        found[(start + reach, start, key)] = m.end()
        spans = [(key, start, end) for (_, start, key), end in sorted(found.items())]
        unindexed: dict[tuple[int, int], int] = {}
        for key in self.unindexed:
            gate = self._gates[key]
            if gate is not None and not any(literal in text for literal in gate):
                continue
            for m in self.patterns[key].finditer(text):
                if m.end() > m.start():
                    unindexed[(key, m.start())] = m.end()
        spans.extend((key, start, end) for (key, start), end in unindexed.items())
        return spans
