"""Candidates -> the one value reported per fact (``_choose``), and the summing of a matched list of
numbers into one count (``_sum_numbers``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mapper.events.numbers import NUMBER_RE, is_vague, parse_number

_RANGE_JOIN = re.compile(r"^\s*(?:-|–|to|or|and)\s*$", re.IGNORECASE)
# Counts are of people: a number whose noun is a place, a building, a case of disease or an animal
# ("evacuated seven villages", "550 suspected cases and nine deaths") is not summed into a toll.
_NOT_PEOPLE = re.compile(
    r"\s*(?:[a-z-]+\s+)?(?:villages?|towns?|cities|districts?|provinces?|regions?|areas?"
    r"|neighbou?rhoods?|communities|settlements?|camps?|houses?|homes?|buildings?|structures?"
    r"|schools?|hospitals?|shops?|cases?|infections?|vehicles?|cars?|trucks?|boats?|ships?"
    r"|vessels?|flights?|planes?|family|cattle|livestock|animals?|cows?|sheep|goats?|dogs?|birds?"
    r"|hectares?|acres?|tons?|tonnes?|times|percent)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value a rule found, with what the chooser needs to rank it."""

    field: str
    value: float
    in_title: bool
    start: int
    sentence: tuple[int, int]
    weak: bool = False  # hedged ("may have") or background ("since March")
    vague: bool = False  # "dozens", "several"
    cumulative: bool = False  # "death toll rose to", "so far"
    coded: bool = False  # analyst's note: "fatalities coded as 6"
    background: bool = False  # the weak reason is background, not a hedge


def _sum_numbers(span: str, between: bool = False) -> tuple[float | None, bool]:
    """Sum the numbers in a list span, reading ranges ("25 to 35", "between 20 and 30") as their
    lower bound; ``between`` says the span follows a "between" outside it."""
    total = 0.0
    vague = True
    found = False
    prev_end = None
    low = span.lower()
    in_between = between or low.lstrip().startswith("between") or " between " in low
    for match in NUMBER_RE.finditer(span):
        if prev_end is not None and _RANGE_JOIN.match(span[prev_end : match.start()]):
            joiner = span[prev_end : match.start()].strip().lower()
            if joiner != "and" or in_between:
                prev_end = match.end()
                continue
        value = parse_number(match.group(0))
        prev_end = match.end()
        if value is None or _NOT_PEOPLE.match(span, match.end()):
            continue
        found = True
        total += value
        vague = vague and is_vague(match.group(0))
    return (total if found else None), vague


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _choose(cands: list[Candidate]) -> Candidate | None:
    """Pick the value to report among one field's candidates (see ``facts``' module docstring)."""
    if not cands:
        return None
    coded = [c for c in cands if c.coded]
    if coded:
        return coded[-1]
    for in_title, weak in ((False, False), (True, False), (False, True), (True, True)):
        group = [c for c in cands if c.in_title == in_title and c.weak == weak]
        if not group:
            continue
        exact = [c for c in group if not c.vague]
        cumulative = [c for c in exact if c.cumulative]
        if cumulative:
            return max(cumulative, key=lambda c: c.value)
        if group[0].vague and exact:
            return exact[0]
        if group[0].vague and not in_title:
            # "dozens killed" then "as many as 80 feared dead": the hedged count is the figure.
            later = [
                c
                for c in cands
                if c.weak and not c.background and not c.vague and c.value >= group[0].value
            ]
            if later:
                return later[0]
        return group[0]
    return None
