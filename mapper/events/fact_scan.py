"""Helpers that let ``FactExtractor`` try a rule only where it can match: the sentences holding a
trigger, the places of a rule's opening literals, and the window limits around keywords."""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import itemgetter

from mapper.events import fact_patterns as fp
from mapper.events.text import sentence_spans

# Longer "sentences" are tables or run-on lists; their tail carries no readable fact.
MAX_SENTENCE = 1000
# A keyword-anchored rule's match starts at most this far before its keyword ("a 23-year-old
# local shopkeeper was later shot dead": the subject phrase, then the auxiliaries).
KEYWORD_REACH = 160
KEYWORD_TAIL = 40  # and ends at most this far after the keyword's start ("the death of a ")

# Characters whose case forms differ in length or match other letters (see ``candidates``).
_CASE_ODD = "\u0130\u0131\u017f\u212a"

MAX_START_LITERALS = 16


def _anchored(
    rule: fp.FactRule,
    sent: str,
    low: str,
    starts: tuple[str, ...],
    found_at: dict[str, list[int]] | None = None,
) -> list[tuple[fp.FactRule, re.Match[str]]]:
    """``rule.regex.finditer(sent)``, trying the regex only where one of ``starts`` occurs in
    ``low`` (the sentence lower-cased, same length). ``found_at`` keeps each literal's places
    in this sentence for the next rule."""
    positions: set[int] = set()
    if found_at is None:
        found_at = {}
    for literal in starts:
        places = found_at.get(literal)
        if places is None:
            places = found_at[literal] = _find_all(low, literal)
        positions.update(places)
    out = []
    end = -1
    for start in sorted(positions):
        if start >= end and (m := rule.regex.match(sent, start)) is not None:
            out.append((rule, m))
            end = m.end()
    return out


_SUBJECT_RULES = {f: fp.FactRule(f, fp.SUBJECT) for f in fp.SUBJECT_FIELDS}


def _find_all(text: str, literal: str) -> list[int]:
    out = []
    i = text.find(literal)
    while i >= 0:
        out.append(i)
        i = text.find(literal, i + 1)
    return out


def _sentences_with(
    text: str, hits: list[tuple[int, int, int]], literals: list[str], is_verb: list[bool]
) -> list[tuple[tuple[int, int], set[str], list[tuple[int, int]]]]:
    """The sentences holding a trigger stem, each with the set of literals found in it and the
    (literal, start) of its subject verbs' literals in start order."""
    hits = sorted(hits, key=_START)
    starts = [h[1] for h in hits]
    out = []
    i = 0
    for a, b in sentence_spans(text):
        i = bisect_left(starts, a, i)
        j = bisect_left(starts, b, i)
        if i == j:
            continue
        seg = hits[i:j]
        present = {literals[k] for k, _, _ in seg}
        if not present.isdisjoint(_TRIGGERS):
            out.append(((a, b), present, [(k, s) for k, s, _ in seg if is_verb[k]]))
        i = j
    return out


_START = itemgetter(1)
_TRIGGERS = frozenset(fp.TRIGGERS)
