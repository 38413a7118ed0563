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


# The words of the gated patterns, their near misses ("within", "-in") and odd characters.
_NEAR_WORDS = (
    "on", "off", "over", "into", "inside", "outside", "around", "throughout", "across", "hit",
    "hits", "rocked", "shook", "lashed", "flooded", "entered", "captured", "took", "stormed",
    "raided", "bombed", "targeted", "besieged", "surrounded", "attacks", "strike", "raids",
    "offensive", "airstrikes", "landfall", "towns", "cities", "villages", "provinces", "areas",
    "outskirts", "suburbs", "port", "island", "county", "township", "capital", "within", "-in",
    "(in", "x2in", "in,", "of.", "at-", "Of", "ON", "bound", "headed", "Heading", "en", "route",
    "en-route", "sailing", "flying", "travelling", "traveling", "its", "their", "way", "Way",
    "away", "-bound", "towards", "toward", "quoted", "by", "cited", "reported", "sources",
    "source", "official", "spokesman", "spokeswoman", "ministry", "government", "embassy",
    "authorities", "announced", "speaking", "briefing", "reporters", "neighboring",
    "neighbouring", "shaking", "also", "spread", "reached", "parts", "affected", "areas", "and",
    "AND", "band", "previous", "previously", "past", "historic", "historically", "history",
    "anniversary", "recalled", "since", "1999", "2003", "former", "formerly", "last", "decade",
    "decades", "month", "years", "ago", "Kelvin", "K", "ſince", "ſources", "it’s",
)  # fmt: skip
GATED_WORDS = [
    *WORDS,
    *_NEAR_WORDS,
    # phrases, so that the longer patterns match now and then
    "heading for the",
    "Bound  to",
    "on its way from",
    "en route towards",
    "sailing to the port of",
    "to the city of",
    "told reporters in",
    "according to",
    "felt as far away as",
    "felt in",
    "reaching as far as",
    "and in the",
    "last year",
    "since 1999",
    "in the past",
    "attacks on the",
    "town of",
    "officials in",
    "ministry of",
]
GATED = [
    (scene._LOCATIVE_FAST, scene._LOCATIVE_BEFORE),
    (scene._HEADING_FAST, scene._HEADING_BEFORE),
    (locations._AFFECTED_FAST, locations._AFFECTED_BEFORE),
    (locations._SPEAKER_BEFORE_FAST, locations._SPEAKER_BEFORE),
    (lead._PAST_FAST, lead._PAST),
]


def _gated_windows(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = [rng.choice(GATED_WORDS) for _ in range(rng.randrange(1, 14))]
        words = [w.upper() if rng.random() < 0.1 else w for w in words]
        seps = [rng.choice((" ", " ", " ", "  ", "\n", ", ", "\t")) for _ in words]
        text = "".join(w + s for w, s in zip(words, seps, strict=True))
        out.append(text[rng.randrange(0, 4) :] if rng.random() < 0.3 else text)
    return out


@pytest.mark.parametrize(("fast", "pattern"), GATED, ids=[p.pattern[:20] for _, p in GATED])
def test_gated_patterns_answer_as_the_pattern(fast: LoweredPattern, pattern: re.Pattern[str]):
    """Needles and tail words only skip windows the pattern cannot match."""
    assert fast.needles or fast.tail_words
    hits = 0
    for window in _gated_windows(len(pattern.pattern), 20000):
        mine, theirs = fast.search(window), pattern.search(window)
        assert (mine is None) == (theirs is None), window
        if mine is not None:
            hits += 1
            assert mine.span() == theirs.span(), window
            if pattern.groups:
                assert mine.span(1) == theirs.span(1), window
    assert hits > 100  # the windows exercise the matching side too


def test_the_locative_search_starts_at_the_last_words() -> None:
    window = "officials said the town was quiet before the strikes on the old "
    found = scene._LOCATIVE_FAST.search(window)
    assert found is not None
    assert window[found.start(1) : found.end(1)] == "strikes on"
    assert scene._LOCATIVE_FAST.search("officials said the town was quiet, before ") is None
    assert scene._HEADING_FAST.search("a ship heading for the port of ") is not None


def test_windows_of_the_lowered_text_give_the_roles_and_evidence_of_the_text() -> None:
    """The scene and the context roles read slices of the article lower-cased once: the same
    answers as each window lowered (or not) on its own, for a mention at every word."""
    from mapper.events.lead import Sentences
    from mapper.models import Toponym

    from .speed_corpus import articles

    checked = 0
    for _, raw, _ in articles(12, seed=5):
        text = raw.encode("ascii", "replace").decode()  # only ASCII texts are lowered once
        text += (
            " The quake was felt as far away as Dunmore. A ferry heading for the port of Kestrel"
            " was hit off Varna-bound routes. Floods also hit Ostrel, and in Pell."
        )
        low = text.lower()
        sentences = Sentences(text, 2020)
        topos = [
            Toponym(m.start(), m.end(), m.group()) for m in re.finditer(r"[A-Za-z][\w-]*", text)
        ]
        roles = [None] * len(topos)
        for i, topo in enumerate(topos):
            assert locations._context_role(topo, text, low) == locations._context_role(topo, text)
            assert scene._mention_evidence(
                i, topos, text, roles, None, sentences, False, low
            ) == scene._mention_evidence(i, topos, text, roles, None, sentences, False)
            checked += 1
    assert checked > 1000
