"""Severity bands: the edges of every default band, caps, casualty-free categories, overrides."""

from __future__ import annotations

import pytest

from mapper.events.severity import (
    DEFAULT_SEVERITY_TABLE,
    score_severity,
    severity_table_from_mapping,
)
from mapper.events.taxonomy import Category, load_taxonomy
from mapper.models import Facts

TAXONOMY = load_taxonomy("default")
QUAKE = TAXONOMY.get("earthquake")
DIPLOMACY = TAXONOMY.get("diplomacy_sanctions")


@pytest.mark.parametrize(
    ("facts", "level", "reason"),
    [
        (Facts(killed=1), 2, "2: 1 killed"),
        (Facts(killed=9), 2, "2: 9 killed"),
        (Facts(killed=10), 3, "3: 10 killed"),
        (Facts(killed=99), 3, "3: 99 killed"),
        (Facts(killed=100), 4, "4: 100 killed"),
        (Facts(killed=126), 4, "4: 126 killed"),
        (Facts(killed=999), 4, "4: 999 killed"),
        (Facts(killed=1000), 5, "5: 1,000 killed"),
        (Facts(displaced=99), 0, "0: no facts reported"),
        (Facts(displaced=100), 2, "2: 100 displaced"),
        (Facts(displaced=1000), 3, "3: 1,000 displaced"),
        (Facts(displaced=79_999), 3, "3: 79,999 displaced"),
        (Facts(displaced=80_000), 4, "4: 80,000 displaced"),
        (Facts(displaced=800_000), 5, "5: 800,000 displaced"),
        (Facts(magnitude=4.9), 0, "0: no facts reported"),
        (Facts(magnitude=5.0), 2, "2: magnitude 5"),
        (Facts(magnitude=6.0), 3, "3: magnitude 6"),
        (Facts(magnitude=7.0), 4, "4: magnitude 7"),
        (Facts(magnitude=9.1), 4, "4: magnitude 9.1"),  # capped at 4
        (Facts(evacuated=100), 2, "2: 100 evacuated"),
        (Facts(evacuated=2_000_000), 4, "4: 2,000,000 evacuated"),  # capped at 4
        (Facts(killed=3, magnitude=7.1), 4, "4: magnitude 7.1"),  # the highest band wins
        (Facts(killed=0), 0, "0: no facts reported"),
        (Facts(), 0, "0: no facts reported"),
    ],
)
def test_default_bands(facts: Facts, level: int, reason: str) -> None:
    assert score_severity(facts, QUAKE) == (level, reason)


@pytest.mark.parametrize(
    "category_id", ["diplomacy_sanctions", "military_cooperation", "protest_unrest"]
)
def test_casualty_free_categories_without_facts(category_id: str) -> None:
    level, reason = score_severity(Facts(), TAXONOMY.get(category_id))
    assert level == 1
    assert reason.startswith("1: ")


def test_casualty_free_with_deaths_uses_the_band() -> None:
    assert score_severity(Facts(killed=12), DIPLOMACY) == (3, "3: 12 killed")


def test_table_override() -> None:
    table = severity_table_from_mapping({"killed": {"thresholds": [1, 5], "levels": [3, 5]}})
    assert score_severity(Facts(killed=5), QUAKE, table) == (5, "5: 5 killed")
    assert score_severity(Facts(displaced=1000), QUAKE, table) == (3, "3: 1,000 displaced")
    assert DEFAULT_SEVERITY_TABLE.bands["killed"].level(5) == 2


def test_bad_override() -> None:
    with pytest.raises(ValueError, match="killed"):
        severity_table_from_mapping({"killed": {"thresholds": [1, 5], "levels": [3]}})


def test_plain_category() -> None:
    category = Category("test", "Test", "#000000", "circle")
    assert score_severity(Facts(injured=12), category) == (2, "2: 12 injured")
