"""The built gazetteer: admin-1 codes everywhere, containment, diacritic-free names."""

from __future__ import annotations

from importlib import resources

import pytest

from mapper import gazetteer as gazetteer_module
from mapper.gazetteer import fold_accents, haversine_km


def _city(gazetteer, name: str, country: str) -> int:
    entries = [
        e
        for e in gazetteer.lookup(name)
        if gazetteer.countries[e] == country and gazetteer.kinds[e] == "city"
    ]
    assert entries, f"{name} ({country}) not in the gazetteer"
    return max(entries, key=lambda e: gazetteer.populations[e])


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Şanlıurfa", "Sanliurfa"),
        ("Łódź", "Lodz"),
        ("Tromsø", "Tromso"),
        ("Đà Nẵng", "Da Nang"),
        ("Straße", "Strasse"),
        ("Ærøskøbing", "Aeroskobing"),
        ("Œuilly", "Oeuilly"),
        ("Þingvellir", "Thingvellir"),
        ("İzmir", "Izmir"),
        ("Kraków", "Krakow"),
    ],
)
def test_fold_accents_writes_letters_as_english_does(text, folded):
    assert fold_accents(text) == folded


@pytest.mark.parametrize(
    ("plain", "country"),
    [("Sanliurfa", "TR"), ("Eskisehir", "TR"), ("Lodz", "PL"), ("Tromso", "NO"), ("Izmir", "TR")],
)
def test_lookup_finds_names_written_without_diacritics(gazetteer, plain, country):
    assert any(gazetteer.countries[e] == country for e in gazetteer.lookup(plain))


@pytest.mark.parametrize(
    ("city", "country", "code"),
    [
        ("Marseille", "FR", "FR-13"),
        ("Munich", "DE", "DE-BY"),
        ("Kharkiv", "UA", "UA-63"),
        ("Kaduna", "NG", "NG-KD"),
        ("Maiduguri", "NG", "NG-BO"),
        ("Gaziantep", "TR", "TR-27"),
        ("Naples", "IT", "IT-NA"),
        ("Gdansk", "PL", "PL-22"),
        ("Goma", "CD", "CD-NK"),
        ("Lucknow", "IN", "IN-UP"),
        ("Curitiba", "BR", "BR-PR"),
        ("Mosul", "IQ", "IQ-NI"),
        ("Bangor", "US", "US-ME"),
    ],
)
def test_every_city_has_its_iso_division(gazetteer, city, country, code):
    entry = _city(gazetteer, city, country)
    assert gazetteer.admin1s[entry] == code
    assert code in gazetteer.admin1_entries


def test_nearly_all_cities_have_a_division(gazetteer):
    cities = [e for e, kind in enumerate(gazetteer.kinds) if kind == "city"]
    missing = [e for e in cities if not gazetteer.admin1s[e]]
    assert len(missing) < 0.001 * len(cities)


def test_parents_most_specific_first(gazetteer):
    kaduna = _city(gazetteer, "Kaduna", "NG")
    parents = gazetteer.parents(kaduna)
    assert [gazetteer.kinds[e] for e in parents][-2:] == ["admin1", "country"]
    assert gazetteer.place_ids[parents[-2]] == "admin1:NG-KD"
    assert gazetteer.countries[parents[-1]] == "NG"
    assert gazetteer.parents(gazetteer.country_entries["NG"]) == ()


def test_contains_follows_codes_and_extents(gazetteer):
    goma = _city(gazetteer, "Goma", "CD")
    kinshasa = _city(gazetteer, "Kinshasa", "CD")
    congo = gazetteer.country_entries["CD"]
    north_kivu = gazetteer.admin1_entries["CD-NK"]
    assert gazetteer.contains(congo, goma)
    assert gazetteer.contains(north_kivu, goma)
    assert not gazetteer.contains(north_kivu, kinshasa)
    assert not gazetteer.contains(goma, north_kivu)
    assert not gazetteer.contains(goma, goma)
    assert not gazetteer.contains(gazetteer.country_entries["RW"], goma)


def test_villages_carry_country_and_division(gazetteer):
    villages = [e for e, kind in enumerate(gazetteer.kinds) if kind == "village"]
    assert len(villages) > 10_000
    for entry in villages[:: len(villages) // 50]:
        assert gazetteer.countries[entry]
        assert gazetteer.admin1s[entry] in gazetteer.admin1_entries
        assert gazetteer.populations[entry] == 0
        assert gazetteer.place(entry).precision == "city"


def test_villages_do_not_repeat_cities(gazetteer):
    # A small place that GeoNames lists as a city must not come back as a village beside it.
    for entry in gazetteer.lookup("Chesongoch"):
        assert gazetteer.kinds[entry] == "village"
    nairobi = _city(gazetteer, "Nairobi", "KE")
    for entry in gazetteer.lookup("Nairobi"):
        if gazetteer.kinds[entry] == "village":
            assert (
                haversine_km(
                    gazetteer.lats[entry],
                    gazetteer.lons[entry],
                    gazetteer.lats[nairobi],
                    gazetteer.lons[nairobi],
                )
                > 25
            )


def test_fingerprint_covers_existing_build_modules():
    # A misspelt module would hash as missing and silently stop guarding the cache.
    package = resources.files("mapper")
    for name in gazetteer_module._BUILD_MODULES:
        assert (package / name).is_file(), name


def test_districts_with_points_extents_and_members(gazetteer):
    [unit] = [e for e in gazetteer.lookup("Wakiso District") if gazetteer.kinds[e] == "admin2"]
    place = gazetteer.place(unit)
    assert place.precision == "admin2" and place.admin2 == place.place_id
    assert 5.0 <= place.extent_km <= 80.0
    town = _city(gazetteer, "Wakiso", "UG")
    assert gazetteer.place(town).admin2 == place.place_id
    assert gazetteer.parents(town)[0] == unit
    assert gazetteer.contains(unit, town)
    assert not gazetteer.contains(town, unit)
    assert haversine_km(place.lat, place.lon, gazetteer.lats[town], gazetteer.lons[town]) < 40


def test_bare_district_name_prefers_the_town(gazetteer):
    kinds = {gazetteer.kinds[e] for e in gazetteer.lookup("Wakiso")}
    assert "admin2" not in kinds and "city" in kinds


def test_divisions_listed_inside_others(gazetteer):
    # countrystatecity files Lyon under the Métropole de Lyon, which lies in its region.
    lyon = _city(gazetteer, "Lyon", "FR")
    region = gazetteer.admin1_entries["FR-ARA"]
    assert gazetteer.admin1_parents[gazetteer.admin1s[lyon]] == "FR-ARA"
    assert region in gazetteer.parents(lyon)
    assert gazetteer.contains(region, lyon)
    assert gazetteer.contains(region, gazetteer.admin1_entries["FR-69"])
    assert not gazetteer.contains(gazetteer.admin1_entries["FR-69"], region)
    assert not gazetteer.contains(gazetteer.admin1_entries["FR-IDF"], lyon)
