"""The geoparser's memories and one-pass scans give exactly the answers of the plain code."""

from __future__ import annotations

import itertools

import pytest

from mapper.geoparse import recognize as recognize_module
from mapper.geoparse import relative as relative_module
from mapper.geoparse.memo import MemoResolver
from mapper.geoparse.recognize import Recognizer
from mapper.geoparse.relative import add_relative_places
from mapper.geoparse.resolve import Resolver
from mapper.geoparse.scan import capitalised, lowercase_words, tokenize

from ..events.speed_corpus import articles
from .test_recognize_scan import TEXTS

# Our own sentences: one name in several settings within an article (cues, division and
# settlement words, cities before it), so the per-article memory of choices must tell them apart.
SETTINGS = [
    "Georgia said talks with Russia resumed. Savannah, Georgia, flooded; Georgia state police"
    " and the city of Georgia in Vermont were spared. Tbilisi, Georgia, was calm; Georgia said.",
    "Portland, Maine, and Portland, Oregon, held votes; in Portland the turnout was low, and"
    " the town of Portland stayed quiet. Portland (Oregon) officials spoke.",
    "Victoria state and Lake Victoria and Victoria, Canada: the Victoria ferry left Victoria.",
    "Turkish troops reached the Turkish capital; the Turkish capital Ankara and Izmir, Turkey.",
]
ODD = [
    "slopesouth of Kyiv, ſouth of Lviv, NORTHEAST of Kharkiv, the fringedge of Odesa",
    "edgeast Goma; borderfrontier Bukavu; the footHills of Nepal; Westnorth Juba",
]


@pytest.fixture(scope="module")
def plain(gazetteer) -> Resolver:
    return Resolver(gazetteer)


@pytest.fixture(scope="module")
def memo(gazetteer) -> MemoResolver:
    return MemoResolver(gazetteer)


@pytest.fixture(scope="module")
def recognizer(gazetteer) -> Recognizer:
    return Recognizer(gazetteer)


@pytest.mark.parametrize("text", TEXTS + SETTINGS + ODD + ["", "x", "Éé 12 ab-Cd O'Neil's"])
def test_tokenize_is_the_plain_scans(text):
    tokens, caps, lower = tokenize(recognize_module._TOKEN, text)
    assert tokens == [m.span() for m in recognize_module._TOKEN.finditer(text)]
    assert caps == capitalised(text, tokens)
    assert lower == lowercase_words(text)


@pytest.mark.parametrize("text", SETTINGS + ODD + TEXTS[:6])
def test_cue_windows_are_the_plain_search(text):
    starts = [m.start() for m in relative_module._CUE.finditer(text)]
    for low, high in itertools.combinations(range(len(text) + 1), 2):
        if high - low > 70:
            continue
        want = relative_module._CUE.search(text[low:high]) is not None
        assert relative_module._cue_within(text, starts, low, high) == want, (low, high)


def test_overlapping_cue_is_found():
    # "slopes" hides "south" from a scan of the whole text; the window after "slope" has it.
    text = "slopesouth"
    starts = [m.start() for m in relative_module._CUE.finditer(text)]
    assert starts == [0]
    assert relative_module._cue_within(text, starts, 5, 10)
    assert not relative_module._cue_within(text, starts, 6, 10)


def test_memo_resolver_is_the_resolver(recognizer, plain, memo):
    texts = SETTINGS + TEXTS + [text for _, text, _ in articles(40, seed=7)]
    # Twice, in another order: memories kept from earlier articles must not leak into later.
    for text in texts + texts[::-1]:
        mentions = recognizer.recognize(text)
        for country in ("", "US", "GB"):
            want = plain.resolve(text, mentions, source_country=country)
            got = memo.resolve(text, mentions, source_country=country)
            assert got == want
            assert add_relative_places(text, got) == add_relative_places(text, want)


def test_same_name_in_different_settings(recognizer, memo):
    text = SETTINGS[1]
    toponyms = memo.resolve(text, recognizer.recognize(text))
    portland = [t for t in toponyms if t.name == "Portland"]
    assert len(portland) >= 4
    admin1s = {t.place.admin1 for t in portland[:2] if t.place}
    assert len(admin1s) == 2  # Maine's and Oregon's Portland, one mention each


def test_near_anchor_gives_the_grid_walks_answer_when_few_cities_are_named(gazetteer) -> None:
    """Up to _DIRECT_SCAN cities are tested one by one; the answer is the grid walk's."""
    from mapper.geoparse import resolve as resolve_module
    from mapper.geoparse.resolve import Resolver, _Context

    g = gazetteer
    cities = [e for e in range(len(g)) if g.kinds[e] == "city" and g.populations[e] > 200_000]
    step = max(1, len(cities) // 20)
    context = _Context()
    for entry in cities[::step][:20]:
        context.add(entry, g.names[entry].casefold(), g)
    resolver = Resolver(g)
    candidates = cities[1::7][:400]
    few = [resolver._near_anchor(e, context) for e in candidates]
    limit = resolve_module._DIRECT_SCAN
    try:
        resolve_module._DIRECT_SCAN = -1  # every context walks the grid
        walked = [resolver._near_anchor(e, context) for e in candidates]
    finally:
        resolve_module._DIRECT_SCAN = limit
    assert few == walked
    assert sum(bool(name) for name in few) >= 5  # the test does meet nearby cities
