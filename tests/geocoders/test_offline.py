"""OfflineGeocoder.geocode(): geopy's interface and Nominatim's arguments, on the real gazetteer."""

from __future__ import annotations

import pickle

import pytest
from geopy.distance import distance
from geopy.exc import GeocoderQueryError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from mapper.gazetteer import haversine_km
from mapper.geocoders import OfflineGeocoder

# Keys every answer's raw dict has (documented in mapper/geocoders/locations.py).
RAW_KEYS = {
    "place_id", "name", "display_name", "lat", "lon", "type", "feature_class", "precision",
    "country", "admin1", "population", "extent_km", "importance",
}  # fmt: skip


@pytest.fixture(scope="module")
def geocoder(gazetteer):
    return OfflineGeocoder(gazetteer=gazetteer)


def test_it_is_a_geopy_geocoder_that_loads_the_gazetteer_on_first_use():
    geocoder = OfflineGeocoder()
    assert isinstance(geocoder, Geocoder)
    assert geocoder._gazetteer is None  # nothing loaded yet
    assert geocoder.headers["User-Agent"]  # geopy's base class set it up
    tbilisi = geocoder.geocode("Tbilisi")
    assert tbilisi.raw["country"] == "GE"
    assert len(geocoder.gazetteer) > 100_000


def test_it_pickles_for_process_pools(geocoder):
    fresh = pickle.loads(pickle.dumps(OfflineGeocoder()))  # before loading: a few bytes
    assert fresh.geocode("Tbilisi").raw["country"] == "GE"
    geocoder.reverse((41.69, 44.83))
    state = geocoder.__getstate__()  # built indexes stay behind; the gazetteer travels
    assert state["_nearest"] == {} and state["_countries"] is None
    assert state["_gazetteer"] is geocoder.gazetteer


def test_exactly_one_is_positional_and_false_gives_a_list(geocoder):
    many = geocoder.geocode("Valencia", False)
    assert isinstance(many, list) and 3 <= len(many) <= 10
    assert all(isinstance(location, Location) for location in many)
    countries = [location.raw["country"] for location in many]
    assert {"ES", "VE", "US"} <= set(countries)
    importance = [location.raw["importance"] for location in many]
    assert importance == sorted(importance, reverse=True)
    assert len(geocoder.geocode("Valencia", False, None, 2)) == 2  # timeout, limit positional
    with pytest.raises(ValueError, match="Limit"):
        geocoder.geocode("Valencia", False, limit=0)


def test_country_codes_restrict_the_answers(geocoder):
    spain = geocoder.geocode("Valencia", country_codes="ES")
    assert spain.raw["country"] == "ES"
    assert spain.raw["type"] == "city"  # the city, not the province named after it
    assert haversine_km(spain.latitude, spain.longitude, 39.47, -0.38) < 10
    assert geocoder.geocode("Valencia", country_codes=["us"]).raw["country"] == "US"
    both = geocoder.geocode("Valencia", False, country_codes="ve,es")
    assert {location.raw["country"] for location in both} == {"VE", "ES"}


@pytest.mark.parametrize(
    ("codes", "message"),
    [("USA", "not an ISO 3166-1 alpha-2"), ("QQ", "'QQ'"), (["es", 7], "7"), (34, "int")],
)
def test_country_codes_are_validated(geocoder, codes, message):
    with pytest.raises(GeocoderQueryError, match=message):
        geocoder.geocode("Valencia", country_codes=codes)
    with pytest.raises(ValueError):  # GeocoderQueryError is a ValueError too
        geocoder.geocode("Valencia", country_codes=codes)


@pytest.mark.parametrize(
    ("query", "country", "admin1", "lat", "lon"),
    [
        ("Paris, Texas, USA", "US", "US-TX", 33.66, -95.56),
        ("Paris, Texas", "US", "US-TX", 33.66, -95.56),
        ("Columbus, GA", "US", "US-GA", 32.46, -84.99),
        ("Columbus, Georgia", "US", "US-GA", 32.46, -84.99),
        ("London, Ontario, Canada", "CA", "CA-ON", 42.98, -81.23),
        ("Springfield , Illinois ,", "US", "US-IL", 39.80, -89.64),
        ("Cambridge, England", "GB", "GB-CAM", 52.20, 0.12),
        ("Perth, Scotland", "GB", "GB-PKN", 56.40, -3.43),
        ("Portland, OR", "US", "US-OR", 45.52, -122.68),
        ("Sydney, Nova Scotia", "CA", "CA-NS", 46.14, -60.18),
        ("Naples, Florida", "US", "US-FL", 26.14, -81.80),
    ],
)
def test_qualifier_chains_must_all_hold(geocoder, query, country, admin1, lat, lon):
    location = geocoder.geocode(query)
    assert (location.raw["country"], location.raw["admin1"]) == (country, admin1)
    assert haversine_km(location.latitude, location.longitude, lat, lon) < 15


def test_a_chain_names_the_place_and_its_units(geocoder):
    location = geocoder.geocode("Paris, Texas, USA")
    assert location.address == "Paris, Texas, United States"
    assert location.raw["display_name"] == location.address


@pytest.mark.parametrize(
    ("query", "named"),
    [("Paris, Zqxland", "'Zqxland'"), ("Paris, Zqxland, France", "'Zqxland'")],
)
def test_an_unknown_qualifier_is_refused_by_name(geocoder, query, named):
    with pytest.raises(GeocoderQueryError, match=f"cannot place the qualifier {named}"):
        geocoder.geocode(query)


def test_known_parts_that_do_not_nest_find_nothing(geocoder):
    assert geocoder.geocode("Paris, Kenya") is None
    assert geocoder.geocode("Paris, Texas, France") is None
    assert geocoder.geocode("Zqxland Qwv") is None  # an unknown name itself: nothing found


@pytest.mark.parametrize(
    ("query", "kind", "country", "admin1"),
    [
        ({"city": "Paris", "state": "Texas", "country": "USA"}, "city", "US", "US-TX"),
        ({"city": "Springfield", "state": "IL"}, "city", "US", "US-IL"),
        ({"city": "Valencia", "country": "Spain"}, "city", "ES", "ES-V"),
        ({"state": "Georgia"}, "admin1", "US", "US-GA"),
        ({"country": "Georgia"}, "country", "GE", None),
    ],
)
def test_structured_queries(geocoder, query, kind, country, admin1):
    location = geocoder.geocode(query)
    assert (location.raw["type"], location.raw["country"], location.raw["admin1"]) == (
        kind,
        country,
        admin1,
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"street": "1 Main Street", "city": "Paris"}, "no street data"),
        ({"town": "Paris"}, "'town' is unknown"),
        ({"city": 75}, "must be a string"),
        ({"city": "Paris", "state": "Zqxland"}, "state 'Zqxland'"),
        ({}, "empty"),
        (" , ", "empty"),
        (48.8, "must be a string or a dict"),
    ],
)
def test_bad_queries_are_refused(geocoder, query, message):
    with pytest.raises(GeocoderQueryError, match=message):
        geocoder.geocode(query)


def test_a_structured_city_must_be_a_settlement(geocoder):
    assert geocoder.geocode({"city": "Texas", "country": "US"}) is None


def test_featuretype(geocoder):
    province = geocoder.geocode("Valencia", featuretype="state", country_codes="es")
    assert (province.raw["type"], province.raw["admin1"]) == ("admin1", "ES-V")
    assert geocoder.geocode("Georgia", featuretype="state").raw["admin1"] == "US-GA"
    assert geocoder.geocode("Georgia", featuretype="country").raw["country"] == "GE"
    assert geocoder.geocode("Kaduna", featuretype="city").raw["type"] == "city"
    assert geocoder.geocode("Texas", featuretype="settlement").raw["country"] == "MX"
    with pytest.raises(GeocoderQueryError, match="featuretype 'county'"):
        geocoder.geocode("Texas", featuretype="county")


def test_viewbox_prefers_and_bounded_restricts(geocoder):
    iberia = [(35.0, -10.0), (44.0, 4.0)]
    assert geocoder.geocode("Valencia", viewbox=iberia).raw["country"] == "ES"
    west_us = [Point(40.0, -100.0), "30, -125"]  # any two corners, in any form geopy reads
    assert geocoder.geocode("Valencia", viewbox=west_us, bounded=True).raw["admin1"] == "US-CA"
    assert geocoder.geocode("Valencia", viewbox=[(60, 10), (70, 20)], bounded=True) is None
    with pytest.raises(GeocoderQueryError, match="needs a viewbox"):
        geocoder.geocode("Valencia", bounded=True)
    with pytest.raises(GeocoderQueryError, match="viewbox must be two points"):
        geocoder.geocode("Valencia", viewbox=[(35.0, -10.0)])


def test_raw_keys_and_the_optional_details(geocoder):
    plain = geocoder.geocode("Paris, Texas")
    assert set(plain.raw) == RAW_KEYS
    full = geocoder.geocode("Paris, Texas", addressdetails=True, extratags=True, namedetails=True)
    assert full.raw["address"] == {
        "city": "Paris",
        "state": "Texas",
        "ISO3166-2-lvl4": "US-TX",
        "country": "United States",
        "country_code": "us",
    }
    assert int(full.raw["extratags"]["population"]) > 10_000
    assert full.raw["namedetails"] == {"name": "Paris"}
    assert geocoder.geocode("Tbilisi", extratags=True).raw["extratags"]["capital"] == "yes"
    assert geocoder.geocode("Tbilisi", language="de").address == "Tbilisi, Georgia"


def test_geometry(geocoder):
    town = geocoder.geocode("Paris, Texas", geometry="geojson").raw["geojson"]
    assert town == {"type": "Point", "coordinates": [-95.55551, 33.66094]}
    country = geocoder.geocode("Portugal", geometry="GeoJSON").raw["geojson"]
    assert country["type"] in ("Polygon", "MultiPolygon")
    assert geocoder.geocode("Paris, Texas", geometry="wkt").raw["geotext"].startswith("POINT")
    with pytest.raises(GeocoderQueryError, match="wkt or geojson"):
        geocoder.geocode("Portugal", geometry="svg")


def test_location_and_point_behave_as_geopy_defines_them(geocoder):
    location = geocoder.geocode("Tbilisi")
    address, (lat, lon) = location  # a Location unpacks to (address, (lat, lon))
    assert address == location.address == location[0]
    assert (lat, lon) == (location.latitude, location.longitude) == location[1]
    assert isinstance(location.point, Point) and location.altitude == 0.0
    assert location.point == Point(location.raw["lat"], location.raw["lon"])
    assert pickle.loads(pickle.dumps(location)) == location
    assert location == geocoder.geocode("Tbilisi")  # deterministic
    baku = geocoder.geocode("Baku")
    assert 440 < distance(location.point, baku.point).km < 460


def test_geopy_rate_limiter_wraps_it(geocoder):
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0)
    assert geocode("Tbilisi").raw["country"] == "GE"
    assert geocode("Valencia", False, country_codes="ES")[0].raw["country"] == "ES"
    strict = RateLimiter(
        geocoder.geocode, min_delay_seconds=0, max_retries=0, swallow_exceptions=False
    )
    with pytest.raises(GeocoderQueryError, match="Zqxland"):
        strict("Paris, Zqxland")
    lenient = RateLimiter(
        geocoder.geocode, min_delay_seconds=0, max_retries=0, return_value_on_exception="-"
    )
    assert lenient("Paris, Zqxland") == "-"
    reverse = RateLimiter(geocoder.reverse, min_delay_seconds=0)
    assert reverse((41.69, 44.83)).raw["country"] == "GE"


def test_it_never_uses_the_network(geocoder):
    from geopy.exc import GeocoderServiceError

    with pytest.raises(GeocoderServiceError, match="no network"):
        geocoder.adapter.get_json("http://127.0.0.1:9/", timeout=1, headers={})
