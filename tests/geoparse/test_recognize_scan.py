"""The recognizer's shortcuts (scan.py) find exactly what trying every token finds."""

from __future__ import annotations

import random

import pytest

from mapper.geoparse import recognize as recognize_module
from mapper.geoparse.recognize import Recognizer
from mapper.geoparse.scan import (
    LowercaseWords,
    StartWords,
    capital_tokens,
)
from mapper.geoparse.wordlists import CONNECTORS, ORG_WORDS, PERSON_TITLES, SUFFIX_WORDS
from tests.geoparse.reference_recognizer import reference_recognize

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


@pytest.fixture(scope="module")
def recognizer(gazetteer) -> Recognizer:
    return Recognizer(gazetteer)


@pytest.mark.parametrize("text", TEXTS)
def test_shortcuts_find_what_every_token_finds(recognizer, text):
    found = recognizer.recognize(text)
    assert found == reference_recognize(recognizer, text)
    assert found  # every sentence names a place


def test_whole_article_and_repeats(recognizer):
    article = " ".join(TEXTS)
    assert recognizer.recognize(article) == reference_recognize(recognizer, article)
    # A word's answer is kept: the second pass over the same words finds the same.
    assert recognizer.recognize(article) == reference_recognize(recognizer, article)


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
    _assert_scans_match_tokens(text)


def _assert_scans_match_tokens(text: str) -> None:
    """capital_tokens and LowercaseWords answer what the full token list says."""
    tokens = [m.span() for m in recognize_module._TOKEN.finditer(text)]
    caps = capital_tokens(recognize_module._TOKEN, text)
    expected = [(text[s:e], s, e) for s, e in tokens if text[s].isupper()]
    assert list(zip(caps.words, caps.starts, caps.ends, strict=True)) == expected, text
    lower = frozenset(text[s:e] for s, e in tokens if text[s].islower())
    asked = LowercaseWords(recognize_module._TOKEN, text)
    # every token, every token in lower case, and pieces of tokens that are not tokens
    queries = {text[s:e] for s, e in tokens} | {text[s:e].lower() for s, e in tokens}
    queries |= {text[s + 1 : e] for s, e in tokens} | {text[s : e - 1] for s, e in tokens}
    for word in sorted(queries):
        assert (word in asked) == (word in lower), (text, word)


# Pieces of odd text: capitals after letters and joiners, dots, digits, letters outside ASCII
# in both cases, titlecase and caseless letters, non-letters that are upper case.
_ODD_PIECES = [
    "U.S.", "U.S.A", "A.B", "St.", "Mt.x", "Ft", "aB", "iPhone", "al-Assad", "x-Y", "Abu-Dhabi",
    "O'Neil", "o’neil", "’s", "'s", "-", "--", "'", ".", " ", "  ", "\u00a0", "\n", "5", "5K",
    "_", "x_Y", "É", "é", "École", "ÉCOLE", "İzmir", "ı", "ß", "ǅx", "Ⓐbc", "中文", "Ωmega",
    "ωmega", "²", "Łódź", "—", "(", ")", ",", "KABUL", "Kabul", "kabul", "kabul's",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(40))
def test_scans_match_tokens_on_random_text(seed):
    rng = random.Random(seed)
    for _ in range(25):
        text = "".join(rng.choice(_ODD_PIECES) for _ in range(rng.randint(0, 14)))
        _assert_scans_match_tokens(text)


def test_start_words(gazetteer, recognizer):
    words = StartWords(gazetteer, recognizer.prefixes)
    assert words._can_start("Kharkiv") and words._can_start("Kharkiv's")
    assert words._can_start("New")  # "New York"
    assert words._can_start("Kabul-based") and words._can_start("Krakow")
    assert not words._can_start("Xqzwv")


_JOINS = [" ", " ", " ", ", ", ". ", ".\n", "\n", "-", "'s ", "’s ", "-based ", "\u00a0", "  "]
_JOINS += [" (", ") ", " said ", " the ", " of ", " in ", ": ", "—", " 12 ", "'"]


def _random_text(rng: random.Random, vocabulary: list[str]) -> str:
    pieces = []
    for _ in range(rng.randint(1, 40)):
        word = rng.choice(vocabulary)
        pieces.append(rng.choice((word, word, word.title(), word.upper(), word.lower())))
        pieces.append(rng.choice(_JOINS))
    return "".join(pieces[: rng.choice((-1, len(pieces)))])  # names at the text's end too


@pytest.fixture(scope="module")
def vocabulary(gazetteer, recognizer) -> list[str]:
    """Place names as the gazetteer writes them (diacritics, several words), their folded
    keys, demonyms, and the words the filters read: connectors, titles, unit and org words."""
    rng = random.Random(14)
    names = sorted(set(gazetteer.names))
    words = rng.sample(names, 400) + rng.sample(sorted(gazetteer.index), 300)
    words += rng.sample(sorted(gazetteer.demonyms), 40)
    words += rng.sample(sorted(recognizer.first_names), 40)
    words += rng.sample(sorted(recognizer.stopwords), 40)
    words += sorted(CONNECTORS | PERSON_TITLES | ORG_WORDS | SUFFIX_WORDS)
    words += ["LGA", "Township", "district", "village of", "Local Government Area", "U.S."]
    words += ["St.", "Mt.", "Kelly", "John", "Mr", "NATO", "CNN", "KABUL", "Kabul-based", "Łódź"]
    return words


@pytest.mark.parametrize("seed", range(20))
def test_random_texts_find_what_every_token_finds(recognizer, vocabulary, seed):
    rng = random.Random(seed)
    for _ in range(30):
        text = _random_text(rng, vocabulary)
        assert recognizer.recognize(text) == reference_recognize(recognizer, text), text
