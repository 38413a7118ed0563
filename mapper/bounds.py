"""What the store and the outputs can hold: the bounds every stored date and fact must keep.

A value outside them is a bad record (refused, or skipped under ``ingest.on_bad_record:
skip``) before it is stored, because every later run would trip over it: dates feed date
arithmetic (relative dates, the merge window, --last-days) and facts feed JSON, which has no
Infinity. Reads of stored data apply the same bounds, so what an earlier version let in is
ignored with a warning instead of crashing every later run.
"""

from __future__ import annotations

import logging
import math
from dataclasses import fields, replace
from datetime import date

from mapper.models import Event, Facts

log = logging.getLogger(__name__)

# Two centuries of margin on each side of the dates Python can represent: relative dates
# ("last year", "3 weeks ago") and the merge window (at most MAX_WINDOW_DAYS) stay in range.
DATE_MIN = date(200, 1, 1)
DATE_MAX = date(9799, 12, 31)
# The longest merge window or --last-days a setting may ask for: a century.
MAX_WINDOW_DAYS = 36_525

_PEOPLE = 10_000_000_000  # more than everyone alive
# Per fact: (lowest, highest) value a report can carry.
FACT_BOUNDS: dict[str, tuple[float, float]] = {
    "killed": (0, _PEOPLE),
    "injured": (0, _PEOPLE),
    "missing": (0, _PEOPLE),
    "displaced": (0, _PEOPLE),
    "evacuated": (0, _PEOPLE),
    "trapped": (0, _PEOPLE),
    "rescued": (0, _PEOPLE),
    "buildings_destroyed": (0, 1_000_000_000),
    "magnitude": (-5.0, 12.0),  # beyond any recorded earthquake either way
    "area_burned_ha": (0.0, 15_000_000_000.0),  # the Earth's land area
}


def date_problem(value: str | None) -> str | None:
    """Why an ISO date cannot be stored, or None when it can (or is absent)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return f"date {value!r} is not a date"
    if not DATE_MIN <= day <= DATE_MAX:
        return f"date {value} is outside {DATE_MIN}..{DATE_MAX}"
    return None


def fact_problem(name: str, value: object) -> str | None:
    """Why a fact's value cannot be stored, or None when it can (or is absent)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name} is not a number ({type(value).__name__})"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{name} is {value}, not a finite number"
    low, high = FACT_BOUNDS.get(name, (-math.inf, math.inf))
    if not low <= value <= high:
        shown = f"{value:.3g}" if abs(value) >= 1e15 else str(value)
        return f"{name} {shown} is outside {low:g}..{high:g}"
    return None


def event_problem(event: Event) -> str | None:
    """Why an extracted event cannot be stored, or None when it can."""
    for f in fields(Facts):
        problem = fact_problem(f.name, getattr(event.facts, f.name))
        if problem:
            return problem
    problem = date_problem(event.event_date)
    if problem:
        return f"event {problem}"
    for name in ("severity", "confidence"):
        value = getattr(event, name)
        if isinstance(value, float) and not math.isfinite(value):
            return f"{name} is {value}, not a finite number"
    for loc in event.locations:
        place = loc.place
        if place is not None and not (math.isfinite(place.lat) and math.isfinite(place.lon)):
            return f"place {loc.name!r} has no finite coordinates"
    return None


def clean_facts(facts: Facts, where: str) -> Facts:
    """Stored facts with any out-of-bounds value dropped (with a warning): earlier versions
    stored some (e.g. an infinite area), which JSON cannot hold."""
    bad = {}
    for f in fields(Facts):
        value = getattr(facts, f.name)
        problem = fact_problem(f.name, value)
        if problem:
            log.warning("%s: stored %s; ignored", where, problem)
            bad[f.name] = None
    return replace(facts, **bad) if bad else facts


def clean_date(value: str | None, where: str) -> str | None:
    """A stored date, or None (with a warning) when it is outside what can be computed with."""
    problem = date_problem(value)
    if problem:
        log.warning("%s: stored %s; ignored", where, problem)
        return None
    return value
