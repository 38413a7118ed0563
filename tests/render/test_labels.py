"""The basemap's place names: what is listed, in which order, from which zoom."""

from __future__ import annotations

import json

from mapper.render.basemap import basemap_geojson
from mapper.render.labels import (
    CAPITAL,
    CAPITAL_ZOOM,
    CITY,
    COUNTRY,
    _one_per_city,
    _Town,
    basemap_labels,
    city_labels,
    country_labels,
)


def test_rows_are_countries_then_capitals_then_cities():
    rows = basemap_labels()
    kinds = [row[3] for row in rows]
    assert kinds == sorted(kinds)  # every country, then every capital, then the cities
    assert kinds.count(COUNTRY) > 200 and kinds.count(CAPITAL) > 190 and kinds.count(CITY) > 1000
    for name, lat, lon, kind, zoom in rows:
        assert isinstance(name, str) and name.strip() == name and name
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        assert round(lat, 2) == lat and round(lon, 2) == lon
        assert kind in (COUNTRY, CAPITAL, CITY) and 1 <= zoom <= 8


def test_countries_by_rank_with_tiny_ones_later():
    countries = {label.name: label for label in country_labels()}
    names = [label.name for label in country_labels()]
    # Natural Earth's label rank first: a large country before a small one.
    assert names.index("Brazil") < names.index("Uruguay")
    assert countries["Brazil"].zoom == 1
    # A tiny country (Natural Earth's TINY flag) waits for a close zoom.
    assert countries["Monaco"].zoom >= 6 > countries["France"].zoom


def test_capitals_and_large_cities():
    labels = city_labels()
    capitals = {label.name: label for label in labels if label.kind == CAPITAL}
    cities = {(label.name, label.zoom) for label in labels if label.kind == CITY}
    assert {"Paris", "Nairobi", "Lima", "Canberra", "Vaduz"} <= set(capitals)
    assert all(label.zoom <= CAPITAL_ZOOM for label in capitals.values())
    # Not a capital, but a city of millions: labelled from zoom 5.
    assert {("Istanbul", 5), ("Sydney", 5), ("Sydney", 8)} <= cities  # and Sydney, Nova Scotia
    # The most populous first within each kind.
    order = [label.name for label in labels if label.kind == CITY]
    assert order.index("Shanghai") < order.index("Lyon")
    assert abs(capitals["Lima"].lat - -12.04) < 0.05 and abs(capitals["Lima"].lon - -77.03) < 0.05


def test_basemap_carries_the_labels_as_a_foreign_member():
    text = basemap_geojson()
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) > 200
    assert collection["labels"] == basemap_labels()
    assert basemap_geojson() == text  # the same bytes every time


def test_one_label_per_city_not_per_borough():
    city = _Town("Riverton", 10.0, 20.0, 900_000, fame=80, geonameid=1, capital=False)
    # A borough 5 km away with more people than the city's own entry, and few names.
    borough = _Town("Riverton 3 Docks", 10.045, 20.0, 1_200_000, fame=2, geonameid=2, capital=False)
    town = _Town("Hillford", 10.3, 20.0, 150_000, fame=5, geonameid=3, capital=False)  # 33 km
    kept = {t.name: population for t, population in _one_per_city([borough, town, city])}
    assert kept == {"Riverton": 1_200_000, "Hillford": 150_000}
    names = [label.name for label in city_labels()]
    assert "Paris" in names and not any(name.startswith("Paris 1") for name in names)
