"""Priors: which place a bare name means when the article says nothing else about it."""

import pytest

from mapper.geoparse.resolve import _KIND_PRIOR, SMALL_DIVISION_PEOPLE


def place_of(geoparser, text: str, name: str):
    found = [t for t in geoparser.parse_text(text) if t.name == name]
    assert found, f"{name!r} not recognised in {text!r}"
    return found[0].place


@pytest.mark.parametrize(
    ("name", "country"),
    [("Portland", "US"), ("Charlotte", "US"), ("Hamilton", "CA")],
)
def test_priors_a_bare_name_means_the_large_town_not_a_small_states_parish(
    geoparser, name, country
):
    # Regression: each of these went to a parish of an island state (a first-level division
    # outranked every town), though its listed towns hold a few thousand people.
    place = place_of(geoparser, f"Firefighters in {name} worked through the night.", name)
    assert place is not None and place.country == country and place.precision == "city"


def test_priors_the_parish_still_wins_when_its_country_is_named(geoparser):
    text = "Heavy rain flooded roads in the parish of Portland, in north-eastern Jamaica."
    place = place_of(geoparser, text, "Portland")
    assert place is not None and (place.country, place.precision) == ("JM", "admin1")


def test_priors_a_populous_division_keeps_the_divisions_prior(geoparser):
    resolver = geoparser.resolver
    g = geoparser.gazetteer
    [victoria] = [
        e for e in g.lookup("Victoria") if g.kinds[e] == "admin1" and g.countries[e] == "AU"
    ]
    assert g.division_people[g.admin1s[victoria]] > SMALL_DIVISION_PEOPLE
    assert resolver.prior(victoria) == _KIND_PRIOR["admin1"]
