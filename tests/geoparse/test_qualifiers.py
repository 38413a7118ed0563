"""Qualifiers around a name decide which place it is (issue 12, pattern 3), in our own sentences."""

import pytest

from mapper.gazetteer import haversine_km


def place_of(geoparser, text: str, name: str, nth: int = 0):
    found = [t for t in geoparser.parse_text(text) if t.name == name]
    assert len(found) > nth, f"{name!r} not recognised in {text!r}"
    return found[nth]


def test_qualifiers_a_lake_named_in_full_is_what_its_short_name_means(geoparser):
    text = (
        "Fishermen on Lake Victoria reported high waves on Sunday. Boats on Victoria, the "
        "largest lake in Africa, stayed in port."
    )
    short = place_of(geoparser, text, "Victoria")
    assert short.place is not None and short.place.place_id == "region:lake_victoria"
    assert "short for" in short.reason


def test_qualifiers_a_continent_holds_only_its_own_countries(geoparser):
    # "X, Africa" must not accept a namesake on another continent as inside Africa.
    resolver = geoparser.resolver
    g = geoparser.gazetteer
    [africa] = [e for e in g.lookup("Africa") if g.kinds[e] == "continent"]
    [kaduna_city] = [e for e in g.lookup("Kaduna") if g.kinds[e] == "city"]
    [malta] = [e for e in g.lookup("Malta") if g.kinds[e] == "country"]
    assert resolver._inside(kaduna_city, africa)
    assert not resolver._inside(malta, africa)


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen attacked travellers between the cities of Kaduna and Zaria on Friday.",
        "Traders in the city of Kaduna closed their shops after the riots.",
    ],
)
def test_qualifiers_city_words_mean_the_city_not_the_state(geoparser, text):
    kaduna = place_of(geoparser, text, "Kaduna")
    assert kaduna.place is not None and kaduna.place.feature_class == "city"
    assert haversine_km(kaduna.place.lat, kaduna.place.lon, 10.53, 7.44) < 20


def test_qualifiers_a_state_word_still_means_the_state(geoparser):
    kaduna = place_of(geoparser, "Schools in Kaduna State reopened on Monday.", "Kaduna")
    assert kaduna.place is not None and kaduna.place.feature_class == "admin1"
