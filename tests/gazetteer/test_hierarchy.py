"""place_contains: containment between Place values."""

from __future__ import annotations

from mapper.gazetteer.hierarchy import iso_admin1_parents, place_contains
from mapper.models import Place

COUNTRY = Place("geonames:1", "Kenya", 0.5, 37.9, "country", "country", country="KE", extent_km=430)
PROVINCE = Place(
    "admin1:KE-05",
    "Elgeyo",
    1.0,
    35.5,
    "admin1",
    "admin1",
    country="KE",
    admin1="KE-05",
    extent_km=60,
)
DISTRICT = Place(
    "admin2:KE-05:keiyo",
    "Keiyo District",
    0.9,
    35.5,
    "admin2",
    "admin2",
    country="KE",
    admin1="KE-05",
    extent_km=30,
    admin2="admin2:KE-05:keiyo",
)
TOWN = Place(
    "geonames:2",
    "Iten",
    0.67,
    35.51,
    "city",
    "city",
    country="KE",
    admin1="KE-05",
    population=42_000,
    extent_km=3,
    admin2="admin2:KE-05:keiyo",
)
VILLAGE = Place(
    "csc:3", "Ayo", 0.68, 35.52, "village", "city", country="KE", admin1="KE-05", extent_km=2
)
ELSEWHERE = Place(
    "geonames:4",
    "Mombasa",
    -4.05,
    39.67,
    "city",
    "city",
    country="KE",
    admin1="KE-28",
    population=1_200_000,
    extent_km=17,
)
ABROAD = Place("geonames:5", "Kampala", 0.35, 32.58, "city", "city", country="UG", admin1="UG-C")


def test_country_contains_what_shares_its_code():
    assert place_contains(COUNTRY, PROVINCE)
    assert place_contains(COUNTRY, TOWN)
    assert not place_contains(COUNTRY, ABROAD)
    assert not place_contains(COUNTRY, COUNTRY)


def test_division_contains_its_places_only():
    assert place_contains(PROVINCE, DISTRICT)
    assert place_contains(PROVINCE, TOWN)
    assert place_contains(PROVINCE, VILLAGE)
    assert not place_contains(PROVINCE, ELSEWHERE)
    assert not place_contains(PROVINCE, COUNTRY)
    assert not place_contains(TOWN, PROVINCE)


def test_district_by_membership_or_extent():
    assert place_contains(DISTRICT, TOWN)  # names it as its admin2
    assert place_contains(DISTRICT, VILLAGE)  # no admin2: within its extent
    assert not place_contains(DISTRICT, ELSEWHERE)
    assert not place_contains(DISTRICT, PROVINCE)
    other = Place(
        "geonames:6",
        "Eldoret",
        0.52,
        35.27,
        "city",
        "city",
        country="KE",
        admin1="KE-27",
        admin2="admin2:KE-27:wareng",
    )
    assert not place_contains(DISTRICT, other)  # it names another unit


def test_town_contains_what_lies_within_its_extent():
    assert place_contains(TOWN, VILLAGE)
    assert not place_contains(VILLAGE, TOWN)
    assert not place_contains(TOWN, ELSEWHERE)


def test_division_contains_what_lies_in_its_listed_parts():
    region = Place("admin1:FR-ARA", "Auvergne", 45.5, 4.5, "admin1", "admin1", "FR", "FR-ARA")
    department = Place("admin1:FR-69", "Rhône", 45.9, 4.6, "admin1", "admin1", "FR", "FR-69")
    town = Place("geonames:7", "Villefranche", 45.99, 4.72, "city", "city", "FR", "FR-69")
    parents = {"FR-69": "FR-ARA"}
    assert place_contains(region, town, admin1_parents=parents)
    assert place_contains(region, department, admin1_parents=parents)
    assert not place_contains(department, region, admin1_parents=parents)
    assert not place_contains(region, town, admin1_parents={})  # an empty listing: codes alone
    # Without a gazetteer's listing, ISO 3166-2's own parent codes decide.
    assert place_contains(region, town)
    assert place_contains(region, department)
    assert not place_contains(department, region)


def test_iso_parents_cover_provinces_inside_regions():
    parents = iso_admin1_parents()
    assert parents["FR-69"] == "FR-ARA"
    province = Place("admin1:BF-BAM", "Bam", 13.3, -1.5, "admin1", "admin1", "BF", "BF-BAM")
    region = Place("admin1:BF-05", "Centre-Nord", 13.2, -1.1, "admin1", "admin1", "BF", "BF-05")
    town = Place("geonames:9", "Kongoussi", 13.33, -1.53, "city", "city", "BF", "BF-BAM")
    assert parents["BF-BAM"] == "BF-05"
    assert place_contains(region, town)
    assert place_contains(region, province)
    assert not place_contains(province, region)


def test_a_division_reaches_past_its_extent_for_places_without_a_code():
    # A division's extent is a radius of its area; a measured point 150 km from its point
    # (extent 120 km) lies inside, one 200 km off does not.
    division = Place("admin1:NL-VA", "Vale", 20.0, 90.0, "admin1", "admin1", "NL", "NL-VA", 0, 120)
    near = Place("rel:x:40km135", "40 km southeast of Ayo", 18.65, 90.0, "relative", "region", "NL")
    far = Place("rel:x:90km180", "90 km south of Ayo", 18.2, 90.0, "relative", "region", "NL")
    assert place_contains(division, near)
    assert not place_contains(division, far)
