"""Numbers as news writes them: digits, separators, words, multipliers and vague quantities.

``NUMBER`` is a regex fragment (no capturing groups) that fact patterns embed; ``parse_number``
turns the matched text into a value. Vague quantities follow ACLED's coding conventions
("dozens" 12, "scores" 20, "hundreds" 100) so counts stay comparable with conflict data.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}

# Vague quantities, longest first so "tens of thousands" wins over "tens".
VAGUE = {
    "hundreds of thousands": 100_000,
    "tens of thousands": 10_000,
    "thousands": 1_000,
    "hundreds": 100,
    "scores": 20,
    "dozens": 12,
    "tens": 10,
    "half a dozen": 6,
    "a dozen": 12,
    "a score of": 20,
    "several": 3,
    "a few": 3,
    "a couple of": 2,
    "a handful of": 3,
}

_UNIT_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_WORD = "|".join(_TENS)
_WORD_NUM = (
    rf"(?:(?:{_TENS_WORD})(?:[- ](?:{_UNIT_WORD}))?|{_UNIT_WORD})"
    rf"(?:\s+hundred(?:\s+(?:and\s+)?(?:(?:{_TENS_WORD})(?:[- ](?:{_UNIT_WORD}))?|{_UNIT_WORD}))?)?"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[  ]\d{3})+(?!\d)|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?:million|billion|thousand|hundred)|(?:bn|mn|m|k)(?![a-z]))"
_VAGUE = "|".join(re.escape(k) for k in sorted(VAGUE, key=len, reverse=True))

# The fragment fact patterns embed. Order matters: vague phrases before plain words.
NUMBER = (
    rf"(?<![\w.])(?:(?:{_VAGUE})(?![a-z])"
    rf"|(?:{_DIGITS}){_SCALE}?(?![\d,]*\d)"
    rf"|(?:{_WORD_NUM})(?:\s+(?:thousand|million|billion))?(?![a-z])"
    rf"|an?\s+(?:hundred|thousand|million)(?![a-z]))"
)
NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)
# The same for lower-cased text, without IGNORECASE (several times faster to scan).
NUMBER_LOW_RE = re.compile(NUMBER)
_FULL_RE = re.compile(rf"\s*{NUMBER}\s*", re.IGNORECASE)
_SPACE_RE = re.compile(r"[\s-]+")


def _words_value(words: list[str]) -> int | None:
    total = current = 0
    seen = False
    for word in words:
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        elif word in ("a", "an"):
            current = current or 1
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(text: str) -> float | None:
    """Return the value of a number as written, or None if it is not one.

    Examples: "1,200" -> 1200, "twenty-two" -> 22, "1.2 million" -> 1200000, "dozens" -> 12.
    """
    raw = text.strip().lower()
    if not raw:
        return None
    if raw in VAGUE:
        return float(VAGUE[raw])
    match = re.match(r"([\d,.  ]+?)\s*([a-z]+)?$", raw)
    if match and match.group(1)[0].isdigit():
        digits = re.sub(r"[,  ]", "", match.group(1))
        try:
            value = float(digits)
        except ValueError:
            return None
        unit = match.group(2)
        if unit:
            scale = _SCALES.get(unit) or _SHORT_SCALES.get(unit)
            if scale is None:
                return None
            value *= scale
        return value
    value = _words_value(_SPACE_RE.split(raw))
    return None if value is None else float(value)


def is_vague(text: str) -> bool:
    """True for quantities such as "dozens" or "several" that are conventions, not counts."""
    return text.strip().lower() in VAGUE


def is_number(text: str) -> bool:
    """True if the whole text is one number expression."""
    return _FULL_RE.fullmatch(text) is not None
