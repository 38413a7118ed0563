"""Relative places resolve to the right part of the named place."""

import pytest

from mapper.gazetteer import haversine_km

# (text, phrase, expected lat, lon, tolerance km)
CASES = [
    (
        "Cargo went by rail to a depot near Russia's southwestern border.",
        "Russia's southwestern border",
        50.5,
        37.0,
        500,
    ),
    ("Strikes hit northern Gaza overnight.", "northern Gaza", 31.53, 34.47, 15),
    ("A blast hit a village 50 km south of Kyiv.", "50 km south of Kyiv", 50.0, 30.52, 10),
    # Regression: the comma of "1,200" was read as a decimal comma (1.2 km).
    (
        "A tanker was boarded 1,200 km east of Mombasa.",
        "1,200 km east of Mombasa",
        -4.05,
        50.5,
        30,
    ),
    ("A shell landed 2,5 km north of Kyiv.", "2,5 km north of Kyiv", 50.477, 30.52, 2),
    ("A village 30 miles east of Denver flooded.", "30 miles east of Denver", 39.74, -104.42, 15),
    (
        "Russia massed troops near the border with Ukraine.",
        "near the border with Ukraine",
        50.0,
        37.0,
        400,
    ),
    (
        "The quake hit the northern foothills of the Himalayas.",
        "the northern foothills of the Himalayas",
        34.0,
        84.0,
        900,
    ),
    ("Storms lashed Spain's northern coast.", "Spain's northern coast", 43.4, -4.5, 250),
    (
        "Fighting raged in the eastern part of Ukraine.",
        "the eastern part of Ukraine",
        48.5,
        38.5,
        300,
    ),
    # what the named place is, between the direction and the name
    (
        "The hamlet lies some 45 km southeast of the town of Mandalay.",
        "45 km southeast of the town of Mandalay",
        21.69,
        96.39,
        15,
    ),
    (
        "The quake's epicentre was 120 kilometres west of the capital, Kathmandu.",
        "120 kilometres west of the capital, Kathmandu",
        27.7,
        84.1,
        25,
    ),
    # a unit conversion in brackets
    (
        "Shelling hit a village 12 kilometers (7.5 miles) north of Kharkiv.",
        "12 kilometers (7.5 miles) north of Kharkiv",
        50.11,
        36.25,
        10,
    ),
]


@pytest.mark.parametrize(("text", "phrase", "lat", "lon", "km"), CASES)
def test_relative_place_points_into_the_right_part(geoparser, text, phrase, lat, lon, km):
    relative = [t.relative for t in geoparser.parse_text(text) if t.relative is not None]
    assert relative, f"no relative place in {text!r}"
    place = relative[0]
    assert place.name == phrase
    assert place.precision == "region"
    assert haversine_km(place.lat, place.lon, lat, lon) <= km, (place.lat, place.lon)
    assert place.extent_km > 0


def test_relative_place_keeps_the_toponym_itself(geoparser):
    [gaza] = [t for t in geoparser.parse_text("Strikes hit northern Gaza.") if t.name == "Gaza"]
    assert gaza.place is not None and gaza.relative is not None
    assert gaza.relative.lat > gaza.place.lat  # northern part lies north of the whole


def test_plain_mentions_have_no_relative_place(geoparser):
    toponyms = geoparser.parse_text("Floods hit Dhaka and Chittagong in Bangladesh.")
    assert toponyms and all(t.relative is None for t in toponyms)


def test_every_relative_phrase_holds_a_cue_word(geoparser):
    """The shortcut skips texts and toponyms without a cue word: every phrase must hold one."""
    from mapper.geoparse.relative import _CUE

    for text, phrase, *_ in CASES:
        assert _CUE.search(phrase), phrase
        assert any(t.relative is not None for t in geoparser.parse_text(text)), text
    for phrase in ("the fringes of the ", "on the slopes of ", "'s frontier", "northwestern "):
        assert _CUE.search(phrase)


def test_no_cue_word_means_no_relative_place(geoparser):
    from mapper.geoparse.relative import _match, add_relative_places

    text = "Aid reached Kabul and Herat; later Quetta, Peshawar and Lahore, officials said."
    toponyms = geoparser.resolver.resolve(text, geoparser.recognizer.recognize(text))
    assert add_relative_places(text, toponyms) == toponyms
    # A cue word in the text but far from a toponym: the toponyms are left as they are, as
    # the patterns themselves would leave them.
    far = text + " " * 70 + "The road north was closed."
    toponyms = geoparser.resolver.resolve(far, geoparser.recognizer.recognize(far))
    assert add_relative_places(far, toponyms) == toponyms
    for t in toponyms:
        before, after = far[max(0, t.start - 60) : t.start], far[t.end : t.end + 60]
        assert _match(before, after, t, toponyms, toponyms.index(t)) is None


def _country(gazetteer, name):
    entries = gazetteer.index.get(name)
    entry = next(e for e in entries if gazetteer.kinds[e] == "country")
    return gazetteer.place(entry)


def test_border_with_a_country_far_away_is_the_base_countrys_nearest_border(gazetteer):
    """Countries whose boxes do not meet share no border: the base's own border stands in."""
    from mapper.geoparse.relative import _border_with, _edge

    portugal, japan = _country(gazetteer, "portugal"), _country(gazetteer, "japan")
    assert _border_with(portugal, japan) == _edge(portugal, None)


def test_border_with_a_neighbour_lies_between_them(gazetteer):
    from mapper.geoparse.relative import _border_with

    portugal, spain = _country(gazetteer, "portugal"), _country(gazetteer, "spain")
    place = _border_with(portugal, spain)
    assert place.place_id.endswith(f"border:{spain.place_id}")
    # The Portuguese-Spanish border runs north-south near 7 degrees west.
    assert 37.0 < place.lat < 42.2 and -8.9 < place.lon < -6.0
