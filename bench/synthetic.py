"""Synthetic news sentences for the benchmarks: templated, seeded, with real place names."""

from __future__ import annotations

import random
from datetime import date

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# (category the sentence reports, template); {place}, {n}, {m}, {mag}, {day} are filled in.
TEMPLATES = (
    (
        "earthquake",
        "A magnitude {mag} earthquake struck near {place} on {day}, killing at least {n} people "
        "and injuring {m}, officials said.",
    ),
    (
        "flood_storm",
        "Floods in {place} have displaced {n} people after days of heavy rain, and {m} homes "
        "were destroyed, the disaster agency said on {day}.",
    ),
    (
        "airstrike_shelling",
        "An airstrike on {place} on {day} killed {n} people, including {m} children, local "
        "medics said.",
    ),
    (
        "wildfire",
        "A wildfire near {place} forced {n} residents to evacuate on {day} and burned {m} "
        "hectares of forest, firefighters said.",
    ),
    (
        "protest_unrest",
        "Thousands of protesters marched in {place} on {day}; police said {n} people were "
        "arrested and {m} injured in clashes.",
    ),
    (
        "accident",
        "A bus crash outside {place} on {day} killed {n} passengers and injured {m}, police said.",
    ),
)


def synthetic_text(rng: random.Random, place: str, day: date) -> tuple[str, str]:
    """(category, text): one templated report about ``place`` on ``day``."""
    category, template = rng.choice(TEMPLATES)
    text = template.format(
        place=place,
        n=rng.randint(2, 400),
        m=rng.randint(2, 90),
        mag=round(rng.uniform(4.5, 7.9), 1),
        day=WEEKDAYS[day.weekday()],
    )
    return category, text
