"""Failures users of other geoparsers report, as a table: text, mention, expected place."""

import pytest

from mapper.config import GeoparseConfig
from mapper.errors import ConfigError
from mapper.gazetteer import haversine_km
from mapper.geoparse import Geoparser

# (text, mention, expected country, expected lat, lon, tolerance km)
CASES = [
    (
        "Wildfires spread near Spokane and Yakima in Washington state.",
        "Washington",
        "US",
        47.4,
        -120.5,
        300,
    ),
    ("Lawmakers in Washington, D.C. debated the budget.", "Washington", "US", 38.9, -77.04, 50),
    ("Protesters gathered in Bangor, Maine, on Saturday.", "Bangor", "US", 44.80, -68.77, 30),
    ("Students in Bangor, Wales, marched to the pier.", "Bangor", "GB", 53.23, -4.13, 30),
    (
        "Russian troops massed near Georgia's border as Tbilisi protested.",
        "Georgia",
        "GE",
        42.2,
        43.5,
        250,
    ),
    ("Storms hit Atlanta and Savannah, Georgia, overnight.", "Georgia", "US", 32.7, -83.4, 300),
    ("Floods swept through Valencia, Spain, killing dozens.", "Valencia", "ES", 39.47, -0.38, 100),
    ("Power cuts hit Valencia in Carabobo, Venezuela.", "Valencia", "VE", 10.16, -68.0, 50),
    ("The university in Moscow, Idaho, closed after the storm.", "Moscow", "US", 46.73, -117.0, 30),
    ("Shelling resumed as Moscow denied involvement in Ukraine.", "Moscow", "RU", 55.75, 37.62, 30),
    ("A pipeline burst in Long Beach, California.", "Long Beach", "US", 33.77, -118.19, 30),
    ("Sanctions on Russia widened on Monday.", "Russia", "RU", 60.0, 100.0, 600),
    ("Monsoon floods hit India and Bangladesh.", "India", "IN", 22.0, 79.0, 400),
    ("Heavy fighting continued in Gaza on Tuesday.", "Gaza", "PS", 31.45, 34.4, 50),
]


@pytest.mark.parametrize(("text", "mention", "country", "lat", "lon", "km"), CASES)
def test_geoparse_resolves_ambiguous_names(geoparser, text, mention, country, lat, lon, km):
    toponyms = {t.name: t for t in geoparser.parse_text(text)}
    assert mention in toponyms, f"{mention!r} not recognised in {sorted(toponyms)}"
    place = toponyms[mention].place
    assert place is not None
    assert place.country == country, toponyms[mention].reason
    assert haversine_km(place.lat, place.lon, lat, lon) <= km


@pytest.mark.parametrize(
    ("text", "not_places"),
    [
        (
            "The White House said on Friday that talks would resume.",
            {"White House", "White", "House"},
        ),
        ("National Security Council spokesman John Kirby said the deal was done.", {"Kirby"}),
        ("Police said the suspect fled.", {"Police"}),
        ("Aid groups warned of shortages.", {"Aid"}),
        ("Nelson Mandela visited the camp.", {"Nelson"}),
    ],
)
def test_geoparse_rejects_false_hits(geoparser, text, not_places):
    names = {t.name for t in geoparser.parse_text(text)}
    assert not names & not_places


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Firefighters in Sydney said the blaze was contained.", "Sydney", "AU"),
        ("The governor of Mosul said the bridge would reopen.", "Mosul", "IQ"),
        ("Nurses from Goma told reporters the ward was full.", "Goma", "CD"),
    ],
)
def test_geoparse_a_town_before_said_is_a_place_after_in_of_or_from(geoparser, text, name, country):
    # Regression: "X said" made every one-word town a speaker, even "officials in X said".
    toponyms = {t.name: t for t in geoparser.parse_text(text)}
    assert name in toponyms and toponyms[name].place.country == country


def test_geoparse_a_name_alone_before_said_is_still_a_speaker(geoparser):
    assert "Sydney" not in {t.name for t in geoparser.parse_text("Sydney said she would stay.")}


def test_geoparse_spans_match_text(geoparser):
    text = "Russia's army shelled Kharkiv; the U.S. and the UK condemned it."
    toponyms = geoparser.parse_text(text)
    for t in toponyms:
        assert text[t.start : t.end] == t.name
    names = [t.name for t in toponyms]
    assert "Russia" in names  # possessive trimmed
    assert "Kharkiv" in names


def test_geoparse_demonyms_link_to_country(geoparser):
    [toponym] = [t for t in geoparser.parse_text("Ukrainian drones struck a depot.") if t.demonym]
    assert toponym.name == "Ukrainian"
    assert toponym.place is not None and toponym.place.country == "UA"


def test_geoparse_all_caps_dateline(geoparser):
    toponyms = geoparser.parse_text("NAIROBI, Kenya — Floods displaced thousands.")
    assert [t.name for t in toponyms][:2] == ["NAIROBI", "Kenya"]
    assert toponyms[0].place.country == "KE"


def test_geoparse_reason_explains_context(geoparser):
    [bangor] = [t for t in geoparser.parse_text("A fire in Bangor, Maine.") if t.name == "Bangor"]
    assert "Maine" in bangor.reason


def test_geoparse_abstains_between_small_namesakes(geoparser):
    # Three villages called Bāghān, none much bigger than the others, and no other clue.
    [bains] = [t for t in geoparser.parse_text("The meeting took place in Bāghān yesterday.")]
    assert bains.place is None
    assert "no context" in bains.reason


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Canadian troops arrived in Latvia.", "Canadian", "CA"),  # demonym, not Canadian, Texas
        ("Exports to China fell, officials in Texas said.", "China", "CN"),  # not China, Texas
        ("Mexico's president spoke in Mexico City about Mexico.", "Mexico", "MX"),
    ],
)
def test_geoparse_broad_names_resist_local_context(geoparser, text, name, country):
    toponyms = [t for t in geoparser.parse_text(text) if t.name == name]
    assert toponyms and toponyms[0].place.feature_class == "country"
    assert toponyms[0].place.country == country


@pytest.mark.parametrize(
    ("url", "country"),
    [(None, "US"), ("https://www.example.ca/news/1", "CA")],
)
def test_geoparse_outlet_country_breaks_ties(geoparser, url, country):
    [richmond] = [t for t in geoparser.parse_text("Police closed roads in Richmond.", url=url)]
    assert richmond.place.country == country


def test_geoparse_own_name_beats_alternate_name(geoparser):
    toponyms = geoparser.parse_text("Snow fell on Hamilton.", url="https://example.ca/a")
    [hamilton] = [t for t in toponyms if t.name == "Hamilton"]
    assert hamilton.place.country == "CA"


@pytest.mark.parametrize(
    ("config", "country"),
    [
        (GeoparseConfig(), "GB"),
        (GeoparseConfig(country_hint="AU"), "AU"),
        (GeoparseConfig(bbox_hint=[140.0, -40.0, 155.0, -28.0]), "AU"),
    ],
)
def test_geoparse_hints_from_config(gazetteer, config, country):
    geoparser = Geoparser(gazetteer, config)
    [newport] = [t for t in geoparser.parse_text("Roads closed in Newport.") if t.name == "Newport"]
    assert newport.place.country == country


def test_geoparse_bad_bbox_hint(gazetteer):
    with pytest.raises(ConfigError, match="bbox_hint"):
        Geoparser(gazetteer, GeoparseConfig(bbox_hint=[1.0, 2.0]))


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Protesters gathered in Sanliurfa on Friday.", "Sanliurfa", "TR"),
        ("Snow closed the roads around Eskisehir.", "Eskisehir", "TR"),
        ("A storm hit Tromso overnight.", "Tromso", "NO"),
    ],
)
def test_geoparse_names_without_diacritics(geoparser, text, name, country):
    [toponym] = [t for t in geoparser.parse_text(text) if t.name == name]
    assert text[toponym.start : toponym.end] == name
    assert toponym.place is not None and toponym.place.country == country


def test_geoparse_partly_folded_spelling_keeps_offsets(geoparser):
    text = "Flooding in Şanliurfa and Eskişehir forced evacuations."
    names = {t.name: t.place.country for t in geoparser.parse_text(text) if t.place}
    assert names == {"Şanliurfa": "TR", "Eskişehir": "TR"}


def test_geoparse_common_word_not_a_small_place_without_its_diacritics(geoparser):
    # "Lack" folds to a Polish village's name; the sentence means the word.
    assert geoparser.parse_text("Lack of rain ruined the harvest in Kenya.")[0].name == "Kenya"


def test_geoparse_village_needs_support(geoparser):
    assert geoparser.parse_text("Gunmen raided Chesongoch on Monday.") == []
    [village] = geoparser.parse_text("Floods cut off Chesongoch village on Monday.")
    assert village.place.feature_class == "village" and village.place.country == "KE"
    found = geoparser.parse_text("Floods hit Chesongoch in Elgeyo-Marakwet County, officials said.")
    assert [t.place.admin1 for t in found] == ["KE-05", "KE-05"]
    assert found[0].place.place_id.startswith("csc:")
    assert found[0].reason == "a village of that name"


@pytest.mark.parametrize(
    ("text", "name", "country", "admin1"),
    [
        (
            "Rockets hit Kandahar International Airport at dawn.",
            "Kandahar International Airport",
            "AF",
            "AF-KAN",
        ),
        ("Flights resumed at Kabul airport on Monday.", "Kabul airport", "AF", "AF-KAB"),
        ("Jets took off from Incirlik Air Base overnight.", "Incirlik Air Base", "TR", "TR-01"),
        ("The plane landed at Heathrow Airport in the fog.", "Heathrow Airport", "GB", None),
        ("A drone was seen over RAF Lakenheath.", "RAF Lakenheath", "GB", None),
    ],
)
def test_geoparse_airports_and_air_bases(geoparser, text, name, country, admin1):
    [airport] = [t for t in geoparser.parse_text(text) if t.name == name]
    assert airport.place.feature_class == "facility" and airport.place.precision == "point"
    assert airport.place.country == country
    assert admin1 is None or airport.place.admin1 == admin1
    assert airport.reason == "the facility's own name"


def test_geoparse_city_airport_only_when_unambiguous(geoparser):
    # London has several airports, and "London Airport" in Ontario is not what it means.
    [london] = geoparser.parse_text("Flights were cancelled at London airport.")
    assert london.name == "London" and london.place.country == "GB"
    assert london.place.feature_class == "city"


@pytest.mark.parametrize(
    "text",
    [
        "Heavy rain flooded Wakiso District overnight.",
        "Heavy rain flooded Wakiso district overnight.",
    ],
)
def test_geoparse_district_names_match_the_unit(geoparser, text):
    [district] = geoparser.parse_text(text)
    assert text[district.start : district.end] == district.name
    assert district.place.feature_class == "admin2" and district.place.country == "UG"
    assert district.reason == "district of that name"


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Gunmen stormed a school in Gwoza LGA on Thursday.", "Gwoza LGA", "NG"),
        ("Clashes spread across Hpakant Township at night.", "Hpakant Township", "MM"),
        ("Fighting reached Uvira district by noon.", "Uvira district", "CD"),
    ],
)
def test_geoparse_unit_named_after_its_town(geoparser, text, name, country):
    # A capitalised unit word made these read as a person's name ("Gwoza Lga"); without an
    # entry for the unit, its town stands for it.
    [unit] = geoparser.parse_text(text)
    assert unit.name == name and text[unit.start : unit.end] == name
    assert unit.place.feature_class == "city" and unit.place.country == country


def test_remembering_resolver_resolves_as_the_plain_one(gazetteer):
    """memo.py keeps answers across a batch: article by article they equal a fresh Resolver's,
    whatever the articles before named (the nearest named city is forgotten per article)."""
    from mapper.geoparse.memo import MemoResolver
    from mapper.geoparse.recognize import Recognizer
    from mapper.geoparse.resolve import Resolver

    recognizer = Recognizer(gazetteer)
    articles = [
        "Flooding hit Portland and Bangor in Maine; Augusta sent crews to Portland.",
        "Portland and Salem in Oregon saw record heat; Eugene and Portland opened shelters.",
        "Storms crossed Springfield, Peoria and Chicago, then Springfield again.",
        "In Springfield, Massachusetts, and Worcester, rivers rose; Boston sent boats.",
        "Portland flooded again. Rescuers came from Bangor.",
    ]
    memo = MemoResolver(gazetteer)
    for text in articles * 2:
        mentions = recognizer.recognize(text)
        assert memo.resolve(text, mentions) == Resolver(gazetteer).resolve(text, mentions)
