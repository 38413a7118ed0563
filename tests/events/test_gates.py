"""LoweredPattern gives the pattern's own answers, and the scene quotes the text's own words."""

from __future__ import annotations

import random
import re

import pytest

from mapper.events import lead, locations, scene
from mapper.events.gates import LoweredPattern

PATTERNS = [
    scene._LOCATIVE_BEFORE,
    scene._UNIT_AFTER,
    scene._BOUND_AFTER,
    scene._HEADING_BEFORE,
    locations._AFFECTED_BEFORE,
    locations._SPEAKER_AFTER,
    locations._SPEAKER_BEFORE,
    locations._FROM_BEFORE,
    locations._TO_BEFORE,
    locations._IMMEDIATE_PREPOSITION,
    lead._PAST,
]
WORDS = [
    "In",
    "IN",
    "in",
    "at",
    "AT",
    "Near",
    "the",
    "THE",
    "struck",
    "Shelled",
    "town",
    "of",
    "Village",
    "-bound",
    "Bound",
    "for",
    "heading",
    "to",
    "officials",
    "Said",
    "said",
    "told",
    "Reporters",
    "according",
    "To",
    "felt",
    "As",
    "Far",
    "as",
    "neighbouring",
    "from",
    "FROM",
    "into",
    "ſtruck",
    "Kabul",
    "İn",
    "Über",
    "café",
    ",",
    ".",
    "’s",
    "'s",
    "district",
    "Province",
    "Last",
    "year",
    "YEARS",
    "ago",
    "History",
    "formerly",
    "Since",
    "1998",
]


def _windows(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randrange(1, 8))]
        out.append(" ".join(words) + rng.choice(("", " ", "  ", "\n")))
    return out


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
def test_lowered_pattern_answers_as_the_pattern(pattern: re.Pattern[str]) -> None:
    fast = LoweredPattern(pattern)
    assert fast._lowered is not None  # every pattern here takes the fast path
    for window in _windows(len(pattern.pattern), 3000):
        for mine, theirs in ((fast.search(window), pattern.search(window)),
                             (fast.match(window), pattern.match(window))):  # fmt: skip
            assert (mine is None) == (theirs is None), window
            if mine is not None:
                assert mine.span() == theirs.span(), window
                if pattern.groups:
                    assert mine.span(1) == theirs.span(1), window


def test_a_pattern_with_capitals_runs_as_written() -> None:
    pattern = re.compile(r"\bAir Force\b", re.IGNORECASE)
    assert LoweredPattern(pattern)._lowered is None
    assert LoweredPattern(pattern).search("the air force said") is not None


def test_the_scene_quotes_the_word_as_the_text_writes_it(geoparser) -> None:
    from mapper.events.locations import assign_roles

    text = "Floods swept through the valley. IN Lyon, rescuers worked through the night."
    toponyms = geoparser.parse_text(text)
    roles = assign_roles(toponyms, text)
    event = next(loc for loc in roles if loc.role == "event")
    assert event.name == "Lyon"
    assert "after “IN”" in event.reason
