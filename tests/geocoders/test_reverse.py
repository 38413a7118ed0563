"""OfflineGeocoder.reverse(): the STRtree nearest search is exact, and the country is the
polygon's, checked against brute force over the real gazetteer and Natural Earth shapes."""

from __future__ import annotations

import math
import random

import pytest
from geopy.exc import GeocoderQueryError
from geopy.point import Point

from mapper.gazetteer import haversine_km
from mapper.geocoders import OfflineGeocoder
from mapper.geocoders.nearest import NearestPlaces, country_shapes


@pytest.fixture(scope="module")
def geocoder(gazetteer):
    return OfflineGeocoder(gazetteer=gazetteer)


@pytest.fixture(scope="module")
def airports(gazetteer):
    return NearestPlaces(gazetteer, {"facility"})


def brute_force(index: NearestPlaces, lat: float, lon: float) -> tuple[float, int]:
    g = index.gazetteer
    return min((haversine_km(lat, lon, g.lats[e], g.lons[e]), e) for e in index.entries)


def awkward_points(seed: int = 7) -> list[tuple[float, float]]:
    """Points anywhere, plus next to the antimeridian and the poles."""
    rng = random.Random(seed)
    points = [
        (math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(60)
    ]
    points += [
        (rng.uniform(-60, 70), rng.choice((-1, 1)) * rng.uniform(179.0, 180.0)) for _ in range(30)
    ]
    points += [
        (rng.choice((-1, 1)) * rng.uniform(84.0, 90.0), rng.uniform(-180, 180)) for _ in range(10)
    ]
    return points  # fmt: skip


def test_nearest_equals_a_brute_force_scan(airports):
    for lat, lon in awkward_points():
        expected_km, expected = brute_force(airports, lat, lon)
        found = airports.nearest(lat, lon)
        assert found and found[0].entry == expected, (lat, lon)
        assert found[0].km == pytest.approx(expected_km, abs=1e-6)


def test_nearest_across_the_antimeridian(airports, gazetteer):
    # Just west of 180 degrees, the nearest airport may lie just east of it, and vice versa.
    crossings = 0
    for lat, lon in [(-16.5, 179.999), (-16.5, -179.999), (65.0, -179.999), (52.0, 179.999)]:
        _, expected = brute_force(airports, lat, lon)
        [found, *_] = airports.nearest(lat, lon)
        assert found.entry == expected
        crossings += (gazetteer.lons[found.entry] > 0) != (lon > 0)
    assert crossings >= 1


def test_nearest_within_a_radius(airports):
    assert airports.nearest(0.0, -30.0, max_km=50) == []  # mid-Atlantic
    within = airports.within(51.47, -0.45, 30)  # around a large airport
    assert within and all(n.km <= 30 for n in within)
    assert [n.km for n in within] == sorted(n.km for n in within)


def test_reverse_answers_the_nearest_town_with_its_country(geocoder, gazetteer):
    for query in [(48.8566, 2.3522), Point(48.8566, 2.3522), "48.8566, 2.3522", [48.8566, 2.3522]]:
        location = geocoder.reverse(query)
        assert location.raw["country"] == "FR"
        assert location.raw["address"]["country"] == "France"
        assert location.raw["type"] in ("city", "village")
        assert location.raw["distance_km"] < 2
    location = geocoder.reverse((41.7151, 44.8271))
    g = gazetteer
    nearest = min(
        (haversine_km(41.7151, 44.8271, g.lats[e], g.lons[e]), e)
        for e, kind in enumerate(g.kinds)
        if kind in ("city", "village") and g.countries[e] == "GE"
    )
    assert location.raw["place_id"] == g.place_ids[nearest[1]]
    assert location.raw["distance_km"] == pytest.approx(nearest[0], abs=1e-3)


def test_the_country_is_the_one_whose_polygon_holds_the_point(geocoder):
    shapes = country_shapes()
    rng = random.Random(11)
    g = geocoder.gazetteer
    towns = [e for e, kind in enumerate(g.kinds) if kind == "city"]
    checked = 0
    for _ in range(150):
        town = towns[rng.randrange(len(towns))]
        lat, lon = g.lats[town] + rng.uniform(-0.2, 0.2), g.lons[town] + rng.uniform(-0.2, 0.2)
        shape = shapes.at(lat, lon)
        location = geocoder.reverse((lat, max(-180.0, min(180.0, lon))))
        if shape is None or shape.iso2 is None or location is None:
            continue
        assert location.raw["country"] == shape.iso2, (lat, lon, location.address)
        checked += 1
    assert checked > 100


def test_points_far_from_towns(geocoder):
    assert geocoder.reverse((0.0, -30.0)) is None  # open ocean
    desert = geocoder.reverse((21.0, 12.0), zoom=10)  # no town within reverse_max_km
    assert desert.raw["type"] == "country" and desert.raw["country"] in ("NE", "TD", "LY")
    near_only = OfflineGeocoder(gazetteer=geocoder.gazetteer, reverse_max_km=0.001)
    assert near_only.reverse((48.8566, 2.3522)).raw["type"] == "country"
    with pytest.raises(ValueError, match="reverse_max_km"):
        OfflineGeocoder(reverse_max_km=0)


def test_zoom_levels(geocoder):
    madrid = (40.4168, -3.7038)
    assert geocoder.reverse(madrid, zoom=3).raw["type"] == "country"
    assert geocoder.reverse(madrid, zoom=3).raw["country"] == "ES"
    assert geocoder.reverse(madrid, zoom=6).raw["type"] == "admin1"
    assert geocoder.reverse(madrid, zoom=10).raw["type"] == "city"
    plain = geocoder.reverse(madrid, True, None, False, False, 18)  # Nominatim's order
    assert "address" not in plain.raw and "namedetails" not in plain.raw
    named = geocoder.reverse(madrid, namedetails=True)
    assert named.raw["namedetails"] == {"name": named.raw["name"]}
    with pytest.raises(GeocoderQueryError, match="zoom"):
        geocoder.reverse(madrid, zoom=19)


def test_reverse_list_and_bad_points(geocoder):
    many = geocoder.reverse((41.69, 44.83), False)
    assert isinstance(many, list) and len(many) == 1 and many[0].raw["country"] == "GE"
    with pytest.raises(ValueError, match="coordinate pair or Point"):
        geocoder.reverse("not a point")
    with pytest.raises(ValueError), pytest.warns(UserWarning, match="Latitude"):
        geocoder.reverse((95.0, 0.0))  # geopy's Point refuses it, as for any geopy geocoder


def test_a_fresh_geocoder_builds_once_under_concurrent_first_calls():
    from concurrent.futures import ThreadPoolExecutor

    geocoder = OfflineGeocoder()  # nothing loaded: the first calls race to build
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(geocoder.reverse, [(41.7151, 44.8271)] * 4))
    assert len({a.address for a in answers}) == 1 and answers[0].raw["country"] == "GE"
    assert len(geocoder._nearest) == 1
