"""Namesakes, capitals named by a demonym and names beside unit words (issue 12), in our own
sentences, on the real gazetteer."""

from __future__ import annotations

import pytest

from mapper.gazetteer import haversine_km


def named(geoparser, text: str, name: str):
    return [t for t in geoparser.parse_text(text) if t.name == name]


def test_a_demonym_before_capital_names_the_capital(geoparser):
    text = "Protesters blocked a motorway some 30 km north of the Norwegian capital on Friday."
    [country] = named(geoparser, text, "Norwegian")
    assert country.demonym and country.place is not None and country.place.country == "NO"
    [capital] = named(geoparser, text, "capital")
    assert not capital.demonym
    assert capital.place is not None and capital.place.name == "Oslo"
    assert capital.reason == "the capital of Norway"
    # The offset is measured from the capital: 30 km north of Oslo.
    assert capital.relative is not None
    assert 25 < haversine_km(59.91, 10.75, capital.relative.lat, capital.relative.lon) < 35
    assert capital.relative.lat > capital.place.lat


def test_capital_without_a_demonym_or_article_is_no_place(geoparser):
    text = "Norwegian capital markets rallied on Friday."
    assert named(geoparser, text, "capital") == []


def test_a_small_namesake_abroad_abstains(geoparser):
    # The only Arapgir the gazetteer holds is a Turkish town; the text is about Chad.
    text = (
        "Gunmen burned the village of Arapgir overnight. Chad's army sent troops from Abeche, "
        "and aid agencies in Chad said 40 families had fled."
    )
    [village] = named(geoparser, text, "Arapgir")
    assert village.place is None
    assert "namesake" in village.reason


@pytest.mark.parametrize(
    "text",
    [
        # Its own country named: the town.
        "Gunmen burned shops in Arapgir, Turkey overnight. Chad's and Chad's traders fled.",
        # Demonyms count half: two say who the soldiers were, not where the town is.
        "Chadian soldiers trained near Arapgir this week. Chadian officers watched.",
    ],
)
def test_a_small_town_is_kept_with_its_country_or_only_demonyms_against_it(geoparser, text):
    [town] = named(geoparser, text, "Arapgir")
    assert town.place is not None and town.place.country == "TR"


@pytest.mark.parametrize(
    "text",
    [
        "Another Pyawbwe resident said the shelling went on all night in Pyawbwe.",
        "An officer of the Pyawbwe PDF said the jets returned. Shells fell on Pyawbwe.",
        "Jets struck Mandalay Region’s Pyawbwe Township. Shells fell on Pyawbwe.",
        "A Pyawbwe District official said the jets returned. Shells fell on Pyawbwe.",
    ],
)
def test_a_town_beside_a_unit_word_acronym_or_possessive_is_no_persons_name(geoparser, text):
    found = [t for t in geoparser.parse_text(text) if t.name.startswith("Pyawbwe")]
    assert found and all(t.place is not None and t.place.country == "MM" for t in found)
    assert found[-1].name == "Pyawbwe" and found[-1].start == text.rindex("Pyawbwe")


def test_an_offset_in_nautical_miles(geoparser):
    text = "The tanker was boarded 200 nautical miles east of Mombasa, the navy said."
    [port] = named(geoparser, text, "Mombasa")
    assert port.relative is not None and port.relative.name.startswith("200 nautical miles")
    distance = haversine_km(port.place.lat, port.place.lon, port.relative.lat, port.relative.lon)
    assert distance == pytest.approx(370.4, abs=1.0)
    assert port.relative.lon > port.place.lon


def test_initials_after_a_name_but_not_an_all_capitals_dateline():
    from mapper.geoparse.settlements import not_a_person_pair

    assert not_a_person_pair("Ayo", "PDF")
    assert not_a_person_pair("Ayo", "Township")
    assert not_a_person_pair("Region’s", "Ayo")
    # In an all-capitals dateline the second word is a name like any other.
    assert not not_a_person_pair("SAINT-JEAN", "BAPTISTE")
    assert not not_a_person_pair("John", "Ayo")
