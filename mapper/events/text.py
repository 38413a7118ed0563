"""Text helpers shared by the event stage: sentence spans and masking of non-count numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

# A sentence ends at . ! ? followed by space and an upper-case letter, a digit or a quote,
# unless the word before the stop is a common abbreviation ("Jan.", "Gen.", "U.S.").
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n|\s*\n(?=[A-Z])")
_ABBREV_WORDS = (
    "mr|mrs|ms|dr|st|gen|lt|col|maj|capt|sgt|gov|sen|rep|rev|prof|no|vs|inc|co|corp|ltd"
    f"|jr|sr|mt|ft|approx|est|{MONTHS}"
)
_ABBREV = re.compile(
    rf"(?:\b(?:{_ABBREV_WORDS})|\b[a-z]|\b(?:[a-z]\.)+[a-z])\.$",
    re.IGNORECASE,
)
_ABBREV_SET = frozenset(_ABBREV_WORDS.split("|"))


def _may_be_abbreviation(text: str, lo: int, end: int) -> bool:
    """False when ``_ABBREV.search(text, lo, end)`` cannot match (``text[end - 1]`` is the
    stop): the word before the stop is plain ASCII, two letters or more, and no abbreviation."""
    before = text[lo : end - 1]
    if not before or before[-1].isspace():
        return True  # no word before the stop: let the regex say
    # the last run of non-space before the stop; plain ASCII letters make it the whole word
    token = before.rsplit(None, 1)[-1]
    return (
        not (token.isalpha() and token.isascii()) or len(token) < 2 or token.lower() in _ABBREV_SET
    )


# Numbers that are dates, times, ages or measurements, never counts of people.
_NON_COUNT = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?(?![a-z])"
    r"|\b(?:1[89]|20)\d{2}s?\b"
    r"|\b(?:\d(?:[\d.,]*\d)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty"
    r"|hundred|several"
    r"|a few)(?:\s*|-)(?:km|kms|kilomet\w*|mi|miles?|mph|kph|km/h|met(?:re|er)s?|m|feet|foot|ft"
    r"|inch\w*|mm|cm|kg|kilos?|kilograms?|pounds?|lbs?|tons?|tonnes?|percent|per cent|%|hours?"
    r"|days?|weeks?|months?|years?|minutes?|seconds?|degrees?|hectares?|ha|acres?|sq|square"
    r"|storeys?|stor(?:y|ies)|floors?|calibre|caliber|rounds|gallons?|litres?|liters?"
    r"|magnitude)\b(?!-old)"
    r"|[$€£¥]\s?[\d.,]+\s*(?:million|billion|bn|m|k)?|\b[\d.,]+\s*(?:dollars|euros|rupees|usd)\b",
    re.IGNORECASE,
)


# Speed: ``_SENT_END`` tried at every position of a text costs as much as all the fact rules, but
# a match starts right after a stop, at a newline, or at the start of a run of white space that
# holds a newline. Those places are found by a one-character scan and the regex is tried there
# only; the matches are the ones ``finditer`` gives (tests/events/test_speedups.py fuzzes this).
_BREAK_CHAR = re.compile(r"[.!?\n]")
_CLOSERS = "\"'”’)"
# One text is split several times (facts, evidence, scene): the last few splits are kept.
_SPLIT_CACHE: dict[str, tuple[tuple[int, int], ...]] = {}
_SPLIT_CACHE_SIZE = 4


def _sentence_ends(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, plain) of each ``_SENT_END`` match, left to right and non-overlapping;
    ``plain`` says the gap is spaces after a full stop (where an abbreviation may stand)."""
    out: list[tuple[int, int, bool]] = []
    done = 0
    match = _SENT_END.match
    for hit in _BREAK_CHAR.finditer(text):
        q = hit.start()
        if q < done:
            continue
        if text[q] == "\n":
            run = q
            while run > done and text[run - 1].isspace():
                run -= 1
            starts: tuple[int, ...] = (run, q) if run < q else (q,)
        else:
            # after a stop every match opens with a closing quote or white space
            after = text[q + 1 : q + 2]
            if not after or (after not in _CLOSERS and not after.isspace()):
                continue
            starts = (q + 1,)
        for start in starts:
            m = match(text, start)
            if m is not None:
                done = m.end()
                gap = text[start:done]
                plain = start > 0 and text[start - 1] == "." and "\n" not in gap and not gap.strip()
                out.append((start, done, plain))
                break
    return out


def _split(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for end, after, plain in _sentence_ends(text):
        # A full stop after an abbreviation ("Jan.", "Gen.") does not end the sentence.
        if (
            plain
            and _may_be_abbreviation(text, max(start, end - 12), end)
            and _ABBREV.search(text, max(start, end - 12), end)
        ):
            continue
        if end > start:
            spans.append((start, end))
        start = after
    if start < len(text):
        spans.append((start, len(text)))
    return tuple(spans)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of ``text``."""
    spans = _SPLIT_CACHE.get(text)
    if spans is None:
        spans = _split(text)
        if len(_SPLIT_CACHE) >= _SPLIT_CACHE_SIZE:
            _SPLIT_CACHE.pop(next(iter(_SPLIT_CACHE)))
        _SPLIT_CACHE[text] = spans
    return list(spans)


_DIGIT = re.compile(r"[0-9]")
# Without digits only spelled-out measurements ("six kilometres", "two days") need masking.
_WORD_MEASURE = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|hundred|several"
    r"|a\s+few)[\s-]+(?:km|kilomet\w*|miles?|met(?:re|er)s?|feet|days?|weeks?|months?|years?"
    r"|hours?|minutes?|hectares?|acres?|tons?|tonnes?)\b",
    re.IGNORECASE,
)


# Speed: ``_NON_COUNT`` tried at every position of an article costs more than all the fact rules
# together, but every match of it starts at a digit, a currency sign, a month name or a number
# word. So it is tried only there: digits and currency signs are found by a character scan (which
# the regex engine does fast), a month name is looked for just before a digit, and number words
# only before a measurement unit.
_DIGIT_TOKEN = re.compile(r"[\d$€£¥]")
_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?\s+$", re.IGNORECASE)
# ``_NON_COUNT`` without IGNORECASE, for lower-cased text (see ``literals``).
NON_COUNT_LOW = re.compile(_NON_COUNT.pattern)
# The same spelled-out measurements, case-sensitive, for lower-cased text (scanned much faster).
_WORD_MEASURE_LOW = re.compile(_WORD_MEASURE.pattern.replace(r"a\s+few", r"a\s+few"))


def _hashes(match: re.Match[str]) -> str:
    return "#" * len(match.group(0))


def mask_non_counts(text: str) -> str:
    """Replace dates, times, years, money and measurements by '#' (same length, same offsets)."""
    starts: set[int] = set()
    for m in _DIGIT_TOKEN.finditer(text):
        i = m.start()
        if i and text[i - 1].isdigit():
            continue
        starts.add(i)
        month = _MONTH_BEFORE.search(text, max(0, i - 14), i)
        if month is not None:
            starts.add(month.start())
    low = text.lower()
    words = _WORD_MEASURE_LOW if len(low) == len(text) else _WORD_MEASURE
    starts.update(m.start() for m in words.finditer(low if words is _WORD_MEASURE_LOW else text))
    if not starts:
        return text
    pattern = _NON_COUNT if _DIGIT.search(text) is not None else _WORD_MEASURE
    return mask_at(text, text, starts, pattern)


def mask_at(text: str, read: str, starts: Iterable[int], pattern: re.Pattern[str]) -> str:
    """``text`` with each match of ``pattern`` replaced by "#"s: tried on ``read`` (``text`` or
    a same-length form of it) at each of ``starts`` in order, skipping starts inside a match,
    as ``finditer`` would meet them when every match starts at one of ``starts``."""
    out: list[str] = []
    done = 0
    for start in sorted(starts):
        if start < done:
            continue
        m = pattern.match(read, start)
        if m is None or m.end() == start:
            continue
        out.append(text[done:start])
        out.append("#" * (m.end() - start))
        done = m.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)
