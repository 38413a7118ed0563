"""The merge's candidate query: narrow, yet every incident a report may join is among its rows;
and the places columns it reads, added by a migration to stores made before them."""

import random
import sqlite3

import pytest

from mapper.config import IncidentsConfig
from mapper.incidents.candidates import candidates_sql, stored_anchor
from mapper.incidents.codec import MERGED_ROLES, dump_event, dump_place, load_event, to_json
from mapper.incidents.merge import Report, date_window, match, widest_reach
from mapper.incidents.store import SCHEMA_VERSION, Store
from mapper.models import Event, EventLocation, Facts, Place
from tests.incidents.test_store import TINGRI, add, item

SELECT = (
    "SELECT i.incident_id, i.category, i.date, i.place_id, i.lat, i.lon, i.extent_km, p.data, "
    "a.first_run, json_extract(e.data, '$.facts.magnitude') FROM incidents i "
    "LEFT JOIN places p ON p.place_id = i.place_id "
    "LEFT JOIN articles a ON a.article_id = i.anchor_article_id "
    "LEFT JOIN events e ON e.article_id = i.anchor_article_id "
    "WHERE i.category = ? AND (i.date BETWEEN ? AND ? OR (i.date IS NULL AND a.first_run = ?)) "
)
# The place test of mapper 0.x before the narrowing: the same place, a near latitude, or any
# incident of the same country.
BROAD = (
    "AND (i.place_id = ? OR abs(i.lat - ?) * 111.0 <= ? + max(i.extent_km, ?) "
    "OR json_extract(p.data, '$.country') = ?) ORDER BY i.seq"
)
CHINA = Place("ne:CN", "China", 35.0, 103.0, "country", "country", "CN", extent_km=300)
XIZANG = Place("geonames:20", "Xizang", 31.0, 89.0, "admin1", "admin1", "CN", "CN-XZ", 0, 400)
DISTRICT = Place("geonames:21", "Tingri County", 28.6, 87.0, "admin2", "admin2", "CN", "CN-XZ",
                 0, 40, admin2="geonames:21")  # fmt: skip
FAR_TOWN = Place("geonames:22", "Far Town", 45.0, 125.0, "city", "city", "CN", extent_km=10)
NEAR_TOWN = Place("geonames:23", "Near Town", 28.7, 87.3, "city", "city", "CN", extent_km=10)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "mapper.sqlite") as opened:
        yield opened


def rows(store, report, config, place_test, args):
    window = date_window(report, config)
    head = (report.event.category, *window, report.batch)
    return store.db.execute(SELECT + place_test, (*head, *args)).fetchall()


def broad(store, report, config):
    place, reach = report.place, config.merge_distance_km * widest_reach(report)
    args = (place.place_id, place.lat, reach, place.extent_km, place.country or "")
    return rows(store, report, config, BROAD, args)


def narrow(store, report, config):
    reach = config.merge_distance_km * widest_reach(report)
    test, args = candidates_sql(report.place, reach)
    return rows(store, report, config, f"AND {test} ORDER BY i.seq", args)


def report_at(place, day, category="flood_storm", magnitude=None, batch=1):
    doc, event = item("q", day, category, place=place, magnitude=magnitude)
    return Report(event, doc.article, place, batch)


def anchors(found):
    parsed = {}
    return [stored_anchor(*row, parsed) for row in found]


def test_narrow_query_leaves_out_same_country_towns_far_away(store):
    config = IncidentsConfig()
    # A day apart and merged a day at a time, they stay five incidents.
    places = (CHINA, XIZANG, DISTRICT, FAR_TOWN, NEAR_TOWN)
    days = ("2025-01-05", "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09")
    founders = [
        item(f"a{n}", d, "flood_storm", place=p)
        for n, (p, d) in enumerate(zip(places, days, strict=True))
    ]
    add(store, *founders, config=IncidentsConfig(merge_window_days=0))
    assert len(store.incidents()) == 5
    town = report_at(TINGRI, "2025-01-07")
    assert [r[3] for r in broad(store, town, config)] == [
        "ne:CN",
        "geonames:20",
        "geonames:21",
        "geonames:22",
        "geonames:23",
    ]
    # The town far away in the same country can contain nothing and lies out of reach.
    assert [r[3] for r in narrow(store, town, config)] == [
        "ne:CN",
        "geonames:20",
        "geonames:21",
        "geonames:23",
    ]
    # A report at the country meets everything of its country.
    country = report_at(CHINA, "2025-01-07")
    assert len(narrow(store, country, config)) == 5
    # A report in a district meets its district by the district's id even from afar.
    inside = replace_place(FAR_TOWN, "geonames:24", admin2="geonames:21")
    assert [r[3] for r in narrow(store, report_at(inside, "2025-01-07"), config)] == [
        "ne:CN",
        "geonames:20",
        "geonames:21",
        "geonames:22",
    ]
    joined = match(report_at(inside, "2025-01-07"), anchors(broad(store, town, config)), config)
    assert joined is not None and joined.place.place_id == "ne:CN"  # the oldest that contains it


def test_narrow_query_keeps_a_small_place_within_5_km(store):
    """Places smaller than 5 km contain what lies within 5 km (hierarchy._within), beyond
    their extents and a merge distance of 0."""
    config = IncidentsConfig(merge_distance_km=0.0)
    spot = Place("test:1", "Spot", 10.0, 10.0, "city", "city", "AA", extent_km=1.0)
    near = Place("test:2", "Near", 10.03, 10.0, "relative", "point", "AA", extent_km=0.5)
    add(store, item("a", "2025-01-07", "flood_storm", place=spot), config=config)
    report = report_at(near, "2025-01-07")
    assert [r[3] for r in narrow(store, report, config)] == ["test:1"]
    assert match(report, anchors(narrow(store, report, config)), config).place.place_id == "test:1"


def replace_place(place, place_id, **changes):
    from dataclasses import replace

    return replace(place, place_id=place_id, **changes)


def random_place(rng, number):
    kinds = ("country", "admin1", "admin1", "admin2", "city", "city", "region", "rel")
    kind = "admin2" if number % 8 == 0 and rng.random() < 0.8 else rng.choice(kinds)
    country = rng.choice(("AA", "BB", "BB", None))
    code = f"{country}-{rng.randrange(3)}" if country and rng.random() < 0.7 else None
    lat, lon = rng.uniform(0, 25), rng.uniform(0, 25)
    extent = {
        "country": rng.uniform(200, 1500),
        "admin1": rng.uniform(30, 500),
        "admin2": rng.uniform(10, 80),
        "city": rng.uniform(1, 30),
        "region": rng.uniform(300, 2500),
        "rel": rng.uniform(3, 20),
    }[kind]
    place_id = f"test:{number}"
    feature = "relative" if kind == "rel" else kind
    precision = {"rel": "point", "region": "region"}.get(kind, kind)
    admin2 = None
    if kind == "admin2":
        admin2 = place_id
    elif kind in ("city", "rel") and rng.random() < 0.6:
        admin2 = f"test:{rng.randrange(0, 120, 8)}"  # random_place(rng, 8k) may be a district
    return Place(place_id, f"P{number}", lat, lon, feature, precision, country, code,
                 extent_km=extent, admin2=admin2)  # fmt: skip


@pytest.mark.parametrize("distance", [50.0, 5.0, 0.0])
def test_narrow_query_finds_every_incident_the_broad_one_could_match(store, distance):
    """Whatever the kinds, codes and extents, the narrow test keeps the rows match() accepts:
    the merge joins the same incident with either."""
    rng = random.Random(14)
    config = IncidentsConfig(merge_distance_km=distance)
    pool = [random_place(rng, n) for n in range(120)]
    days = [f"2025-03-{d:02d}" for d in range(1, 9)]
    categories = ("flood_storm", "earthquake")
    founders = []
    for n in range(400):
        magnitude = rng.choice((None, 6.1, 6.4))
        founders.append(
            item(
                f"s{n}",
                rng.choice(days),
                rng.choice(categories),
                place=rng.choice(pool),
                magnitude=magnitude,
            )
        )
    add(store, *founders)
    assert len(store.incidents()) > 100
    fewer = joined = 0
    for n in range(600):
        place = rng.choice(pool) if n % 2 else random_place(rng, 1000 + n)
        magnitude = rng.choice((None, 6.1, 6.4))
        report = report_at(place, rng.choice(days), rng.choice(categories), magnitude)
        wide, tight = broad(store, report, config), narrow(store, report, config)
        assert set(tight) <= set(wide)
        expected = match(report, anchors(wide), config)
        found = match(report, anchors(tight), config)
        assert (found and found.incident_id) == (expected and expected.incident_id)
        fewer += len(tight) < len(wide)
        joined += expected is not None
    assert fewer > 100 and joined > 100  # the test exercises both sides


def old_store(path, places):
    """A store as schema version 3 left it: places with their data alone."""
    Store.open(path, migrate_to=3).close()
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO places VALUES (?, ?)",
            [(p.place_id, to_json(dump_place(p))) for p in places],
        )
    db.close()


def test_migration_gives_old_places_their_merge_columns(tmp_path):
    path = tmp_path / "old.sqlite"
    old_store(path, [CHINA, DISTRICT, TINGRI])
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        found = store.db.execute(
            "SELECT place_id, country, kind, admin2 FROM places ORDER BY place_id"
        ).fetchall()
    assert found == [
        ("geonames:1", "CN", "city", None),
        ("geonames:21", "CN", "admin2", "geonames:21"),
        ("ne:CN", "CN", "country", None),
    ]


def test_store_of_the_old_schema_merges_as_before_after_upgrading(tmp_path):
    """Reports stored before the migration meet new ones by containment across the country."""
    path = tmp_path / "mapper.sqlite"
    with Store.open(path) as store:
        add(store, item("a", "2025-01-07", "flood_storm", place=CHINA, killed=10))
        [before] = store.incidents()
    # Back to version 3: the columns go (SQLite >= 3.35 drops columns), the data stays.
    db = sqlite3.connect(path)
    with db:
        for column in ("country", "kind", "admin2"):
            db.execute(f"ALTER TABLE places DROP COLUMN {column}")
        db.execute("DELETE FROM migrations WHERE version = 4")
    db.close()
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        add(store, item("b", "2025-01-08", "flood_storm", place=TINGRI, killed=30))
        [after] = store.incidents()
    assert after.incident_id == before.incident_id
    assert after.article_ids == ("a", "b") and after.place == TINGRI and after.facts.killed == 30


def test_event_read_for_the_merge_keeps_only_the_places_it_merges_by():
    places = [Place(f"test:{n}", f"P{n}", 1.0, 2.0, "city", "city", "AA") for n in range(3)]
    event = Event(
        "a",
        "flood_storm",
        Facts(killed=3),
        event_date="2025-01-01",
        locations=(
            EventLocation("P0", "mentioned", places[0]),
            EventLocation("P1", "event", places[1]),
            EventLocation("P2", "affected", places[2]),
            EventLocation("P0", "origin", places[0]),
        ),
    )
    text = dump_event(event)
    assert load_event(text) == event
    merged = load_event(text, MERGED_ROLES)
    assert [(loc.name, loc.role) for loc in merged.locations] == [("P1", "event"), ("P0", "origin")]
    assert merged.location("event").place == places[1] and merged.facts.killed == 3
