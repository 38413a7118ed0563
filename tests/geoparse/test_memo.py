"""The geoparser's memories and one-pass scans give exactly the answers of the plain code."""

from __future__ import annotations

import itertools

import pytest

from mapper.geoparse import relative as relative_module
from mapper.geoparse.memo import MemoResolver
from mapper.geoparse.recognize import Recognizer
from mapper.geoparse.relative import add_relative_places
from mapper.geoparse.resolve import Resolver, ResolverSettings

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


@pytest.mark.parametrize("text", SETTINGS + ODD + TEXTS[:6])
def test_cue_windows_are_the_plain_search(text):
    starts = [m.start() for m in relative_module._CUE.finditer(text)]
    for low, high in itertools.combinations(range(len(text) + 1), 2):
        if high - low > 70:
            continue
        want = relative_module._CUE.search(text[low:high]) is not None
        assert relative_module._cue_within(text, starts, low, high) == want, (low, high)


@pytest.mark.parametrize("text", SETTINGS + ODD + TEXTS[:6] + ["Südwest SOUTHEAST sOuThErN"])
def test_cue_windows_from_every_hit_are_the_plain_search(text):
    """With the ends of every literal hit (_cue_hits), a window needs no regex search."""
    starts, ends = relative_module._cue_hits(text)
    windows = ((low, high) for low in range(len(text)) for high in range(low + 1, low + 71))
    for low, high in windows:
        want = relative_module._CUE.search(text[low:high]) is not None
        assert relative_module._cue_within(text, starts, low, high, ends) == want, (low, high)


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


# Our own sentences: the same names in the same settings, in articles whose other places
# point elsewhere, so a choice kept from one article must not be given in the next.
ELSEWHERE = [
    "Floods reached Portland overnight. Crews from Maine arrived by noon.",
    "Floods reached Portland overnight. Crews from Oregon arrived by noon.",
    "Floods reached Portland overnight. Crews from Jamaica arrived by noon.",
    "Floods reached Portland overnight. Crews from Augusta and Bangor arrived by noon.",
    "Floods reached Portland overnight. Crews came from far away.",
    "Storms hit Springfield again. Officials in Missouri counted the damage.",
    "Storms hit Springfield again. Officials in Illinois counted the damage.",
    "Storms hit Springfield again; Worcester and Boston were spared.",
    "Protests in Georgia grew as Tbilisi filled with marchers.",
    "Protests in Georgia grew as Atlanta filled with marchers.",
]


@pytest.mark.parametrize(
    "settings",
    [
        ResolverSettings(),
        ResolverSettings(country_hint="us"),
        ResolverSettings(country_hint="GB", min_score=3.0),
        ResolverSettings(bbox_hint=(-10.0, 35.0, 30.0, 60.0)),
    ],
)
def test_choices_kept_across_articles_are_the_resolvers(gazetteer, recognizer, settings):
    """One MemoResolver over a batch keeps each ranked choice by what the ranking reads (the
    signals and the context's answers about the candidates): every article's toponyms must be a
    fresh Resolver's, whatever the articles before it named, and the memory must be used."""
    plain, memo = Resolver(gazetteer, settings), MemoResolver(gazetteer, settings)
    texts = ELSEWHERE + SETTINGS + TEXTS + [text for _, text, _ in articles(150, seed=11)]
    decisions = 0
    for number, text in enumerate(texts + ELSEWHERE[::-1]):
        mentions = recognizer.recognize(text)
        country = ("", "US", "GB")[number % 3]
        assert memo.resolve(text, mentions, source_country=country) == plain.resolve(
            text, mentions, source_country=country
        ), text
        decisions += len(memo._choices)  # the article's distinct signals, each ranked once
    assert 0 < len(memo._ranked) < decisions / 3


def test_same_setting_in_other_articles_reads_their_context(gazetteer, recognizer):
    """ "Portland" in the same words thrice, the state or country named after it differing:
    the choice kept from the first article is not the second's or the third's."""
    memo = MemoResolver(gazetteer)
    found = []
    for text in ELSEWHERE[:3] + ELSEWHERE[:1]:
        toponyms = memo.resolve(text, recognizer.recognize(text))
        portland = next(t for t in toponyms if t.name == "Portland")
        found.append((portland.place.admin1, portland.place.feature_class))
    maine = ("US-ME", "city")
    assert found == [maine, ("US-OR", "city"), ("JM-04", "admin1"), maine]


def test_same_name_in_different_settings(recognizer, memo):
    text = SETTINGS[1]
    toponyms = memo.resolve(text, recognizer.recognize(text))
    portland = [t for t in toponyms if t.name == "Portland"]
    assert len(portland) >= 4
    admin1s = {t.place.admin1 for t in portland[:2] if t.place}
    assert len(admin1s) == 2  # Maine's and Oregon's Portland, one mention each


def test_near_anchor_gives_the_grid_walks_answer_when_few_cities_are_named(gazetteer) -> None:
    """Up to _DIRECT_SCAN cities are tested one by one; the answer is the grid walk's."""
    from mapper.geoparse import geometry as geometry_module
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
    limit = geometry_module._DIRECT_SCAN
    try:
        geometry_module._DIRECT_SCAN = -1  # every context walks the grid
        walked = [resolver._near_anchor(e, context) for e in candidates]
    finally:
        geometry_module._DIRECT_SCAN = limit
    assert few == walked
    assert sum(bool(name) for name in few) >= 5  # the test does meet nearby cities


@pytest.mark.parametrize("key", ["victoria", "seti", "saint helens", "kenya", "o'higgins", "x"])
def test_short_forms_look_up_only_kept_full_names(key):
    """resolve() keeps a chosen multi-word name for later short forms only when _FEATURE_NAME
    matches it: every full name _short_form looks up for a key must match."""
    from mapper.geoparse import resolve as resolve_module

    fuller = [f"{word} {key}" for word in resolve_module._FEATURE_BEFORE]
    fuller += [f"{key} {word}" for word in resolve_module._FEATURE_AFTER]
    assert all(resolve_module._FEATURE_NAME.match(full) for full in fuller)
    assert not resolve_module._FEATURE_NAME.match(f"new {key}")


def test_toponym_fields_in_the_order_resolve_builds_them():
    """resolve() builds each Toponym by position, for speed: the order must be this one."""
    from dataclasses import fields

    from mapper.models import Toponym

    names = [f.name for f in fields(Toponym)][:7]
    assert names == ["start", "end", "name", "place", "score", "reason", "demonym"]


def test_ranked_choices_start_over_past_their_limit(gazetteer, recognizer, monkeypatch):
    """The cross-article memory is bounded; starting over changes no answer."""
    from mapper.geoparse import memo as memo_module

    monkeypatch.setattr(memo_module, "RANKED_LIMIT", 8)
    plain, memo = Resolver(gazetteer), MemoResolver(gazetteer)
    most = 0
    for text in SETTINGS + ELSEWHERE + TEXTS:
        mentions = recognizer.recognize(text)
        before = len(memo._ranked)
        assert memo.resolve(text, mentions) == plain.resolve(text, mentions)
        assert before <= 8 or len(memo._ranked) <= len(memo._choices)
        most = max(most, len(memo._ranked))
    assert most > 8  # it did fill past the limit, and was emptied
