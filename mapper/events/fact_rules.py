"""FactRule, and the builders of the rule table's common shapes (object, "left N dead", a single
victim) -> FactRule values with lazily compiled regexes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mapper.events.fact_grammar import NLIST, NLIST_GREEDY, NPW, QUAL
from mapper.events.lazy_re import LazyPattern


@dataclass(frozen=True, slots=True)
class FactRule:
    """One way a fact is written. ``value`` fixes the number for number-less phrasings."""

    field: str
    regex: re.Pattern[str] | LazyPattern  # table rules compile on first use (see lazy_re)
    keywords: tuple[str, ...] = ()  # the rule runs only on sentences containing one of these
    value: float | None = None
    cumulative: bool = False
    coded: bool = False
    passive: bool = False  # the match ends with a verb that must not take an object
    # How the rule is run over a sentence (for speed; the matches are the same): "scan" tries every
    # position, "number" only where a number starts, "keyword" only in a window around one of
    # its keywords (for patterns that can start far from any literal, such as a name).
    anchor: str = "scan"
    # For a "keyword" rule: a zero-width regex that matches at every position where a match of
    # the rule can start (and maybe others); the rule is then tried only there.
    start_at: re.Pattern[str] | None = None


def _rule(field: str, pattern: str, keywords: str, **kwargs: object) -> FactRule:
    return FactRule(
        field,
        LazyPattern(pattern, re.IGNORECASE),
        tuple(keywords.split()),
        **kwargs,  # type: ignore[arg-type]
    )


def _object(field: str, verbs: str, keywords: str, tail: str = "") -> FactRule:
    """'<verb> <numbers> <noun phrase>': "killing 3 soldiers and 2 civilians"."""
    return _rule(field, rf"\b(?:{verbs})\s+(?:{QUAL})(?P<n>{NLIST_GREEDY}){tail}", keywords)


def _left(field: str, state: str, keywords: str) -> FactRule:
    """'left/leaving <numbers> <state>': "leaving 12 dead", "left 8,000 people homeless"."""
    return _rule(
        field,
        rf"\b(?:left|leaving|leaves|leave|rendered|rendering|made|making)\s+(?:{QUAL})"
        rf"(?P<n>{NLIST})\s+(?:{state})\b",
        keywords,
    )


# "a dozen", "a number of": quantities, not one person.
_NOT_ONE = (
    r"(?!(?:dozen|few|couple|handful|number|total|score|series|lot|group|family|crowd|hundred"
    r"|thousand|million)\b)"
)


# Where a ``_single`` match can start: "a"/"an"/"one"/"he"/"she" and a space, two capitalised
# words, or "caus"/"result"/"led ".
SINGLE_START = re.compile(
    r"\b(?=(?i:(?:an?|one|s?he)\s|caus|result|led\s)|[A-Z][a-z]+\s+[A-Z][a-z])"
)


def _single(field: str, verbs: str, keywords: str) -> FactRule:
    """'a/an <noun phrase> was <verb>': "a police officer was shot dead" -> 1; also a named
    subject ("Ahmed Ali, a local leader, was killed") and "the death of a man"."""
    return _rule(
        field,
        rf"(?:(?<!\bno\s)\b(?:an?|one|he|she)\s+{_NOT_ONE}(?:{NPW}\s+){{0,6}}?"
        rf"|(?-i:\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{1,2}})\s*(?:,[^,.;]{{3,60}},\s*)?)"
        rf"(?:(?:was|is|has\s+been|had\s+been|got|later|also|reportedly|allegedly|subsequently"
        rf"|eventually|seriously|critically|fatally|(?:injured|wounded|shot|stabbed|attacked|beaten"
        rf"|hospitali[sz]ed|tortured|abducted|kidnapped)\s+and)\s+)*(?:{verbs})\b"
        rf"|\b(?:caus\w+|result\w*\s+in|led\s+to)\s+the\s+(?:\w+\s+)?deaths?\s+(?:[\w#]+\s+){{0,3}}?"
        rf"of\s+(?:an?|one)\s",
        keywords,
        value=1.0,
        passive=True,
        anchor="keyword",
        start_at=SINGLE_START,
    )
