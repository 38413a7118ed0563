"""Event date from the text and the article's date -> ISO date (YYYY-MM-DD) or None.

The first date expression in the text is taken as the event's: an explicit date ("15 May 2022",
"May 15", "2022-05-15"; a range gives its start), a weekday ("on Tuesday": the latest such day on or
before the article date) or a relative phrase ("yesterday", "last month", "three days ago"). A
date in a dateline ("KABUL (Jan. 5, 2011) -") stands in for a missing article date. Without an
article date, only a full explicit date in the text gives an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import ahocorasick_rs

from mapper.events import literals

_MONTH_NUM = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Capitalised only, so "may" the verb is no month.
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1}

_DATE_RE = re.compile(
    rf"\b(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b"
    rf"|\b(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH})\b\.?(?:,?\s+(?P<dy>\d{{4}}))?"
    rf"|\b(?P<mm>{_MONTH})\b\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|km|mi))"
    rf"(?:,?\s+(?P<my>\d{{4}}))?"
    rf"|\b(?:in|since|during|of|early|late|mid-?)\s+(?P<ym>{_MONTH})\b\.?,?\s+(?P<yy>\d{{4}})\b"
    rf"|\b(?P<wd>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
    rf"|\b(?P<rel>(?i:yesterday|today|tonight|this\s+morning|this\s+afternoon|this\s+evening"
    rf"|last\s+night|overnight|last\s+week|last\s+weekend|over\s+the\s+weekend|last\s+month"
    rf"|last\s+year|earlier\s+this\s+week))\b"
    rf"|\b(?P<agon>\d+|(?i:one|two|three|four|five|six|seven|a))\s+(?P<agou>(?i:days?|weeks?))"
    rf"\s+(?i:ago)\b"
)
MAX_CHARS = 3000

# Speed: ``_DATE_RE`` tried at every character of 3,000 costs ~100 µs, but each of its matches
# starts at a word start with a digit, a month name, a weekday or one of a few words ("in May
# 2020", "last week", "two days ago"). An automaton finds those literals in the lower-cased text
# and the regex is tried only there (the same matches as ``finditer``; test_speedups checks it).
_CASE_ODD = "\u0130\u0131\u017f\u212a"  # fold to other letters or to two characters
_MONTH_HIT, _WORD = 1, 2
_CAPITALISED = {m: m.capitalize() for m in _MONTH_NUM}
_YEAR_WORDS = ("in", "since", "during", "of", "early", "late", "mid", "mid-")
_ORDINALS = ("st", "nd", "rd", "th")


def _date_literals() -> dict[str, int]:
    kinds: dict[str, int] = dict.fromkeys(_MONTH_NUM, _MONTH_HIT)
    kinds.update(dict.fromkeys((*_WEEKDAYS, "yesterday", "today", "tonight", "overnight"), _WORD))
    phrases = {
        "this": ("morning", "afternoon", "evening"),
        "last": ("night", "week", "month", "year"),
        "over": ("the",),
        "earlier": ("this",),
    }
    for first, seconds in phrases.items():
        for literal in literals.spaced(first, seconds):
            kinds[literal] = kinds.get(literal, 0) | _WORD
    return kinds


_KINDS = _date_literals()
_LITERALS = list(_KINDS)
_KIND = [_KINDS[k] for k in _LITERALS]
_AUTOMATON = ahocorasick_rs.AhoCorasick(_LITERALS, matchkind=ahocorasick_rs.MatchKind.Standard)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _skip_space(text: str, j: int) -> int:
    """The start of the run of white space that ends at ``j``."""
    while j and text[j - 1].isspace():
        j -= 1
    return j


def _day_starts(head: str, month: int, starts: set[int]) -> None:
    """Where "15 May", "3rd of June" may start, for a month name at ``month``."""
    j = _skip_space(head, month)
    if j == month:
        return
    ends = [j]
    if j >= 2 and head.startswith("of", j - 2):
        k = _skip_space(head, j - 2)
        if k < j - 2:
            ends.append(k)
    for end in list(ends):
        if end >= 2 and head[end - 2 : end] in _ORDINALS:
            ends.append(end - 2)
    for end in ends:
        for width in (1, 2):
            if end >= width and head[end - width : end].isdecimal():
                starts.add(end - width)


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """``_DATE_RE.finditer(text, 0, MAX_CHARS)``."""
    head = text[:MAX_CHARS]
    low = head.lower()
    if len(low) != len(head) or any(c in head for c in _CASE_ODD):
        yield from _DATE_RE.finditer(text, 0, MAX_CHARS)
        return
    if "ago" in low:  # "3 days ago" (rare): the number may be any digits or a word
        yield from _DATE_RE.finditer(text, 0, MAX_CHARS)
        return
    starts: set[int] = set()
    for k, s, _ in _AUTOMATON.find_matches_as_indexes(low, overlapping=True):
        if s and _is_word(head[s - 1]):
            continue  # every alternative opens with \b before a word character
        if _KIND[k] & _WORD:
            starts.add(s)
        elif head.startswith(_CAPITALISED[_LITERALS[k]], s):  # the regex reads "May", not "may"
            starts.add(s)  # "May 15"
            _day_starts(head, s, starts)  # "15 May"
            # "in May 2020", "mid-June 2021": the word before the month opens the match
            j = _skip_space(head, s)
            if j < s:
                for word in _YEAR_WORDS:
                    if j >= len(word) and head.startswith(word, j - len(word)):
                        starts.add(j - len(word))
    # "2022-05-15": four digits before a hyphen
    q = head.find("-")
    while q >= 0:
        if q >= 4 and head[q - 4 : q].isdecimal():
            starts.add(q - 4)
        q = head.find("-", q + 1)
    done = 0
    match = _DATE_RE.match
    for start in sorted(starts):
        if start >= done and (m := match(text, start, MAX_CHARS)) is not None:
            done = m.end()
            yield m


_DATELINE_END = re.compile(r"\s*\)?\s*(?:[-–—:]|\(|$)")


def _ymd(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(name: str) -> int:
    return _MONTH_NUM[name[:3].lower()]


def _without_year(month: int, day: int, ref: date) -> date | None:
    """A day-month without a year: the latest such date not far after the reference date."""
    candidate = _ymd(ref.year, month, day)
    if candidate is not None and candidate > ref + timedelta(days=7):
        candidate = _ymd(ref.year - 1, month, day)
    return candidate


def _relative(m: re.Match[str], ref: date) -> date:
    if m.group("wd"):
        target = _WEEKDAYS.index(m.group("wd").lower())
        return ref - timedelta(days=(ref.weekday() - target) % 7)
    if m.group("agon"):
        raw = m.group("agon").lower()
        n = int(raw) if raw.isdigit() else _NUM_WORDS[raw]
        return ref - timedelta(days=n * (7 if m.group("agou").lower().startswith("week") else 1))
    rel = " ".join(m.group("rel").lower().split())
    if rel in ("yesterday", "last night", "overnight"):
        return ref - timedelta(days=1)
    if rel in ("last week", "earlier this week"):
        return ref - timedelta(days=7 if rel == "last week" else 2)
    if rel in ("last weekend", "over the weekend"):
        return ref - timedelta(days=(ref.weekday() - 5) % 7 or 7)
    if rel == "last month":
        first = ref.replace(day=1) - timedelta(days=1)
        return first.replace(day=1)
    if rel == "last year":
        return date(ref.year - 1, 1, 1)
    return ref


def _absolute(m: re.Match[str], ref: date | None) -> tuple[date | None, bool]:
    """(date, has_year) for an explicit date match, or (None, False) if not explicit."""
    if m.group("iy"):
        return _ymd(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), True
    if m.group("ym"):
        return _ymd(int(m.group("yy")), _month(m.group("ym")), 1), True
    if m.group("dm") or m.group("mm"):
        month = _month(m.group("dm") or m.group("mm"))
        day = int(m.group("dd") or m.group("md"))
        year = m.group("dy") or m.group("my")
        if year:
            return _ymd(int(year), month, day), True
        return (_without_year(month, day, ref) if ref else None), False
    return None, False


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None
    return None


def resolve_event_date(text: str, article_date: str | None) -> str | None:
    """Return the event's ISO date, or None when neither the text nor the article gives one.

    Example: ``resolve_event_date("Floods hit the town on Tuesday.", "2024-05-09")`` ->
    ``"2024-05-07"``.
    """
    ref = _parse_iso(article_date)
    # The event's date is given early; far down an article dates are background.
    for m in _date_matches(text):
        if m.group("iy") or m.group("dm") or m.group("mm") or m.group("ym"):
            found, has_year = _absolute(m, ref)
            if found is None:
                continue
            in_dateline = m.start() < 120 and _DATELINE_END.match(text, m.end())
            if in_dateline and has_year and ref is None:
                ref = found  # the dateline dates the article; read on for the event's date
                continue
            return found.isoformat()
        if ref is not None:
            return _relative(m, ref).isoformat()
    return ref.isoformat() if ref else None
