"""Taxonomy loading: the default, extension by a user file, and errors that name the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapper.errors import ConfigError
from mapper.events.taxonomy import load_taxonomy

DEFAULT_IDS = (
    "armed_conflict",
    "airstrike_shelling",
    "terror_attack",
    "protest_unrest",
    "crime_security",
    "military_cooperation",
    "diplomacy_sanctions",
    "earthquake",
    "wildfire",
    "flood_storm",
    "other_natural_hazard",
    "accident",
    "disease_outbreak",
    "other",
)


def test_default() -> None:
    taxonomy = load_taxonomy("default")
    assert taxonomy.ids == DEFAULT_IDS
    assert taxonomy.fallback == "other"
    quake = taxonomy.get("earthquake")
    assert (quake.label, quake.colour, quake.icon) == ("Earthquakes", "#734000", "bullseye")
    assert quake.description
    assert taxonomy.get("diplomacy_sanctions").casualty_free
    assert not quake.casualty_free
    assert all(c.cues for c in taxonomy.categories if c.id != "other")


def test_extends_default(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "extends: default\n"
        "categories:\n"
        "  - id: cyberattack\n"
        "    label: Cyberattacks\n"
        "    colour: '#123456'\n"
        "    icon: laptop\n"
        "    cues: ['\\bransomware\\b', {pattern: '\\bhack(ed|ers?)\\b', weight: 2}]\n"
        "  - id: earthquake\n"
        "    label: Quakes\n"
        "    colour: '#000000'\n"
        "    icon: bullseye\n",
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(str(path))
    assert taxonomy.ids == (*DEFAULT_IDS, "cyberattack")
    assert taxonomy.get("earthquake").label == "Quakes"
    assert [c.weight for c in taxonomy.get("cyberattack").cues] == [1.0, 2.0]


def test_relative_path_against_base_dir(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "categories:\n  - {id: other, label: Other, colour: '#ffffff', icon: circle}\n",
        encoding="utf-8",
    )
    assert load_taxonomy("t.yaml", base_dir=tmp_path).ids == ("other",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("categories: 3\n", "needs a 'categories' list"),
        ("categories:\n  - {id: x, label: X, colour: '#ffffff'}\n", "lacks icon"),
        ("categories:\n  - {id: x, label: X, colour: red, icon: i}\n", "must be #rrggbb"),
        ("categories:\n  - {id: Bad-Id, label: X, colour: '#ffffff', icon: i}\n", "snake_case"),
        (
            "categories:\n  - {id: x, label: X, colour: '#ffffff', icon: i, cues: ['(']}\n",
            "not a valid regex",
        ),
        ("categories:\n  - {id: x, label: X, colour: '#ffffff', icon: i, cues: [3]}\n", "cue 0"),
        (
            "categories:\n  - {id: x, label: X, colour: '#ffffff', icon: i}\n",
            "fallback category 'other'",
        ),
        ("categories: [\n", "not valid YAML"),
    ],
)
def test_bad_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_taxonomy(str(path))


def test_unknown_name() -> None:
    with pytest.raises(ConfigError, match="neither a built-in taxonomy"):
        load_taxonomy("no-such-taxonomy")


def test_unknown_category_lists_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid categories: armed_conflict"):
        load_taxonomy("default").get("volcano")
