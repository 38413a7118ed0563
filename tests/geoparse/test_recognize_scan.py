"""The recognizer's shortcuts (scan.py) find exactly what trying every token finds."""

from __future__ import annotations

import itertools

import pytest

from mapper.geoparse import recognize as recognize_module
from mapper.geoparse.recognize import Mention, Recognizer, _DocumentWords
from mapper.geoparse.scan import StartWords, capitalised, lowercase_words
from mapper.geoparse.settlements import supported_villages
from mapper.geoparse.wordlists import ORG_WORDS

# Our own sentences, written to reach every branch of the longest match: diacritics and their
# absence, possessives, "-based", abbreviations with dots, unit words, connectors, datelines,
# acronyms, a non-breaking space, people named like towns, words that are also villages.
TEXTS = [
    "KYIV, March 3 (Wire) - Drones hit Kharkiv and Odesa overnight, Ukraine's air force said.",
    "Flights from São Paulo and Sao Paulo to Zürich resumed; Zurich's airport reopened.",
    "The Kabul-based group said aid reached Herat, Mazar-i-Sharif and the Panjshir Valley.",
    "Rescuers in St. Petersburg and Mt. Kenya National Park searched for hikers.",
    "Gunmen attacked Ayo LGA and Gwoza district in Borno State, Nigeria, police said.",
    "The village of Nkwo near Enugu flooded, and Nkwo Ayo market closed.",
    "Protests spread from Rio de Janeiro to Belo Horizonte and Porto Alegre.",
    "John Kelly met Kelly Smith in Kelly, and Kelly said the talks in Paris went well.",
    "President Jackson visited Jackson, Mississippi, and Mr Lincoln toured Lincoln.",
    "Storms hit the U.S. and the UK; NATO and the UN met in New York and Washington, D.C.",
    "Heavy rain fell on Łódź, Lodz and Kraków; Krakow's mayor warned of floods.",
    "Canadian troops landed in Canada and Australian ships sailed from Darwin to Perth.",
    "Fighting near Donetsk\u00a0Oblast and the New\u00a0York office, said Reuters in London.",
    "Lake Victoria rose, and Victoria's premier said the Seti River flooded the Seti valley.",
    "A quake struck Şanlıurfa and Sanliurfa province; Gaziantep felt it, said AFP.",
    "Officials in Springfield, Illinois, and Portland, Maine, and Portland, Oregon, spoke.",
    "Cambridge Analytica and the Paris Police and Oxford University said nothing new.",
    "Tornadoes hit Moore, Oklahoma, while Moore said the Moore family was safe.",
    "Afghanistan's north: Kunduz, Baghlan and Takhar; Pakistan-made trucks were seen.",
    "The ÉCOLE in Évry, the café in Île-de-France and İzmir's port were closed.",
    "Aid went by road from Goma to Bukavu, and by air from Nairobi to Juba and Khartoum.",
]


def _reference(recognizer: Recognizer, text: str) -> list[Mention]:
    """The recognizer before scan.py: the longest match tried at every token."""
    tokens = [(m.start(), m.end()) for m in recognize_module._TOKEN.finditer(text)]
    parts: set[str] = set()
    for (s1, e1), (s2, e2) in itertools.pairwise(tokens):
        if e1 + 1 != s2 or text[e1] != " ":
            continue
        first, second = text[s1:e1], text[s2:e2]
        if not (first[0].isupper() and second[0].isupper()):
            continue
        if first.casefold() in recognizer.stopwords or second.casefold() in ORG_WORDS:
            continue
        if recognizer._is_place_word(first) or recognizer._is_place_word(second):
            continue
        parts.update((first, second))
    doc = _DocumentWords(
        lowercase=frozenset(text[s:e] for s, e in tokens if text[s].islower()),
        name_parts=frozenset(parts),
    )
    mentions: list[Mention] = []
    villages: list = []
    i = 0
    while i < len(tokens):
        match = recognizer._longest_match(text, tokens, i, villages)
        if match is None:
            i += 1
            continue
        mention, next_i = match
        if recognizer._keep(text, tokens, i, next_i, mention, doc):
            mentions.append(mention)
        i = next_i
    if villages:
        mentions = supported_villages(
            recognizer.gazetteer,
            text,
            mentions,
            villages,
            lambda m, i, next_i: recognizer._keep(text, tokens, i, next_i, m, doc),
            Mention,
        )
    return mentions


@pytest.fixture(scope="module")
def recognizer(gazetteer) -> Recognizer:
    return Recognizer(gazetteer)


@pytest.mark.parametrize("text", TEXTS)
def test_shortcuts_find_what_every_token_finds(recognizer, text):
    found = recognizer.recognize(text)
    assert found == _reference(recognizer, text)
    assert found  # every sentence names a place


def test_whole_article_and_repeats(recognizer):
    article = " ".join(TEXTS)
    assert recognizer.recognize(article) == _reference(recognizer, article)
    # A word's answer is kept: the second pass over the same words finds the same.
    assert recognizer.recognize(article) == _reference(recognizer, article)


def test_expected_mentions(recognizer):
    names = [m.name for m in recognizer.recognize(TEXTS[1])]
    assert names[:3] == ["São Paulo", "Sao Paulo", "Zürich"]
    kabul = recognizer.recognize(TEXTS[2])[0]
    assert (kabul.name, kabul.start, kabul.end) == ("Kabul", 4, 9)


@pytest.mark.parametrize(
    "text",
    [
        "U.S.army McDonald rock'n'roll Abu-dhabi 5km ı-word éclair Élan x_y o'neil",
        "the iPhone's über-fast 'quoted' words -dash- and—em—dashes",
        "Mt.kenya St.lucia a.b.c A.B.c naïve ŉame",
    ],
)
def test_lowercase_words_are_the_lowercase_tokens(text):
    tokens = [(m.start(), m.end()) for m in recognize_module._TOKEN.finditer(text)]
    expected = frozenset(text[s:e] for s, e in tokens if text[s].islower())
    assert lowercase_words(text) == expected
    assert [tokens[i] for i in capitalised(text, tokens)] == [
        (s, e) for s, e in tokens if text[s].isupper()
    ]


def test_start_words(gazetteer, recognizer):
    words = StartWords(gazetteer, recognizer.prefixes)
    assert words._can_start("Kharkiv") and words._can_start("Kharkiv's")
    assert words._can_start("New")  # "New York"
    assert words._can_start("Kabul-based") and words._can_start("Krakow")
    assert not words._can_start("Xqzwv")
