from mapper.config import IncidentsConfig
from mapper.incidents.merge import (
    Anchor,
    anchor_for,
    build_incidents,
    date_window,
    incident_changes,
    incident_from_reports,
    match,
    report_for,
)
from mapper.models import Article, Event, EventLocation, Facts, Place

TINGRI = Place("geonames:1", "Tingri", 28.66, 87.12, "city", "city", "CN", extent_km=5)
SHIGATSE = Place("geonames:2", "Shigatse", 29.27, 88.88, "city", "city", "CN", extent_km=10)
TIBET = Place("region:tibet", "Tibet", 31.5, 88.0, "region", "region", "CN", extent_km=700)
LA = Place("geonames:3", "Los Angeles", 34.05, -118.24, "city", "city", "US", extent_km=30)


def report(aid, date, category, place, **facts):
    article = Article(
        aid, f"text {aid}", title=f"title {aid}", date=date, url=f"https://example.org/{aid}"
    )
    event = Event(
        aid,
        category,
        Facts(**facts),
        severity=3,
        event_date=date,
        evidence=f"evidence {aid}",
        locations=(EventLocation(place.name, "event", place),),
    )
    return article, event


def build(*reports, **kwargs):
    articles, events = zip(*reports, strict=True)
    return build_incidents(events, articles, IncidentsConfig(), **kwargs)


def test_incidents_merge_same_event_with_latest_toll():
    [incident] = build(
        report("a", "2025-01-07", "earthquake", TIBET, killed=95, magnitude=6.8),
        report("b", "2025-01-08", "earthquake", TIBET, killed=126),
    )
    assert incident.facts.killed == 126
    assert incident.facts.magnitude == 6.8
    assert incident.article_ids == ("a", "b")
    assert (incident.first_seen, incident.last_seen) == ("2025-01-07", "2025-01-08")
    assert [s.url for s in incident.sources] == ["https://example.org/a", "https://example.org/b"]


def test_incidents_highest_policy_keeps_highest_toll():
    [incident] = build(
        report("a", "2025-01-07", "earthquake", TINGRI, killed=126),
        report("b", "2025-01-08", "earthquake", TINGRI, killed=95),
        toll_policy="highest",
    )
    assert incident.facts.killed == 126


def test_incidents_merge_nearby_places_within_extent():
    [incident] = build(
        report("a", "2025-01-07", "earthquake", TINGRI, killed=95),
        report("b", "2025-01-08", "earthquake", TIBET, killed=126),
    )
    assert incident.place == TINGRI  # the first, more precise report places it


def test_incidents_keep_apart_other_category_place_or_time():
    incidents = build(
        report("a", "2025-01-07", "earthquake", TIBET, killed=95),
        report("b", "2025-01-07", "wildfire", LA, evacuated=30000),
        report("c", "2025-01-07", "earthquake", LA),
        report("d", "2025-03-01", "earthquake", TIBET),
    )
    assert len(incidents) == 4


def test_incidents_skip_events_without_place():
    article = Article("x", "No place here.", date="2025-01-01")
    assert build_incidents([Event("x", "other")], [article], IncidentsConfig()) == []


def test_incidents_ids_are_stable():
    first = build(report("a", "2025-01-07", "earthquake", TIBET, killed=95))
    again = build(report("a", "2025-01-07", "earthquake", TIBET, killed=95))
    assert first[0].incident_id == again[0].incident_id
    assert first[0].incident_id.startswith("i") and len(first[0].incident_id) == 16


def test_incidents_undated_reports_of_one_batch_merge_with_the_later_toll():
    # Two undated wire paragraphs of one quake: the batch's date stands in for both, and the
    # later line in the batch is the later report.
    [incident] = build(
        report("a", None, "earthquake", TIBET, killed=95, magnitude=6.8),
        report("b", None, "earthquake", TIBET, killed=126, magnitude=6.8),
    )
    assert incident.facts.killed == 126 and len(incident.sources) == 2


def test_incidents_undated_report_joins_a_dated_one_of_its_batch():
    [incident] = build(
        report("a", "2025-01-07", "earthquake", TIBET, killed=95),
        report("b", None, "earthquake", TINGRI, killed=126),
    )
    assert incident.facts.killed == 126
    assert incident.first_seen == incident.last_seen == "2025-01-07"


def test_incidents_undated_reports_of_different_batches_stay_apart():
    article_a, event_a = report("a", None, "earthquake", TIBET)
    article_b, event_b = report("b", None, "earthquake", TIBET)
    config = IncidentsConfig()
    first = report_for(event_a, article_a, batch=1)
    anchor = anchor_for(first)
    assert match(report_for(event_b, article_b, batch=1), [anchor], config) == anchor
    assert match(report_for(event_b, article_b, batch=2), [anchor], config) is None


HAITI_LIKE = Place("ne:XX", "Islandia", 19.0, -72.5, "country", "country", "XX", extent_km=90)
PORT_TOWN = Place("geonames:9", "Porto Sul", 18.2, -73.75, "city", "city", "XX", extent_km=6)
NEIGHBOUR = Place("geonames:8", "Villa Norte", 19.4, -71.0, "city", "city", "YY", extent_km=6)


def test_incidents_country_and_town_inside_it_merge_at_the_town():
    # 160 km apart, beyond 50 km plus the country's extent: only containment joins them.
    [incident] = build(
        report("a", "2025-03-01", "earthquake", HAITI_LIKE, killed=300),
        report("b", "2025-03-02", "earthquake", PORT_TOWN, killed=700),
    )
    assert incident.place == PORT_TOWN
    assert incident.facts.killed == 700


def test_incidents_town_across_the_border_does_not_join_a_country():
    incidents = build(
        report("a", "2025-03-01", "earthquake", HAITI_LIKE),
        report("b", "2025-03-01", "earthquake", NEIGHBOUR),
    )
    assert len(incidents) == 2


def test_incidents_match_takes_the_oldest_matching_anchor():
    older = Anchor("i1", "earthquake", "2025-01-06", TIBET)
    newer = Anchor("i2", "earthquake", "2025-01-07", TINGRI)
    elsewhere = Anchor("i3", "earthquake", "2025-01-07", LA)
    article, event = report("a", "2025-01-07", "earthquake", TINGRI)
    candidate = report_for(event, article)
    assert match(candidate, [elsewhere, older, newer], IncidentsConfig()) == older
    assert match(candidate, [elsewhere], IncidentsConfig()) is None
    assert date_window(candidate, IncidentsConfig()) == ("2025-01-04", "2025-01-10")


def test_incidents_later_batch_wins_a_same_day_tie():
    article_a, event_a = report("a", "2025-01-07", "earthquake", TIBET, killed=126)
    article_b, event_b = report("b", "2025-01-07", "earthquake", TIBET, killed=95)
    reports = [report_for(event_a, article_a, batch=1), report_for(event_b, article_b, batch=2)]
    assert incident_from_reports("i1", reports, "latest").facts.killed == 95
    assert incident_from_reports("i1", reports, "highest").facts.killed == 126


def test_incidents_changes_name_what_an_update_changed():
    [old] = build(report("a", "2025-01-07", "earthquake", TIBET, killed=95))
    [new] = build(
        report("a", "2025-01-07", "earthquake", TIBET, killed=95),
        report("b", "2025-01-08", "earthquake", TIBET, killed=126),
    )
    changes = incident_changes(old, new)
    assert changes["killed"] == [95, 126] and changes["sources"] == [1, 2]
    assert changes["last_seen"] == ["2025-01-07", "2025-01-08"]
    assert "place" not in changes and incident_changes(new, new) == {}


EPICENTRE = Place(
    "rel:x:125km270",
    "125 km west of Capitalia",
    18.3,
    -73.6,
    "relative",
    "region",
    "XX",
    extent_km=19,
)
HIT_TOWN = Place("geonames:7", "Coastville", 18.5, -74.9, "city", "city", "XX", extent_km=5)


def test_incidents_the_same_magnitude_reaches_farther():
    # 137 km apart: too far for 50 km plus extents, near enough for one quake of one magnitude.
    [incident] = build(
        report("a", "2025-03-01", "earthquake", EPICENTRE, magnitude=7.2, killed=300),
        report("b", "2025-03-02", "earthquake", HIT_TOWN, magnitude=7.2, killed=700),
    )
    assert incident.facts.killed == 700


def test_incidents_different_magnitudes_are_different_quakes():
    incidents = build(
        report("a", "2025-03-01", "earthquake", TINGRI, magnitude=5.1),
        report("b", "2025-03-01", "earthquake", TINGRI, magnitude=6.8),
    )
    assert len(incidents) == 2


def test_incidents_an_undated_report_beside_a_dated_one_keeps_the_larger_toll():
    # Nothing says which came first: tolls rise, so the larger one is the later count.
    [incident] = build(
        report("a", "2025-01-07", "earthquake", TIBET, killed=171),
        report("b", None, "earthquake", TINGRI, killed=80),
    )
    assert incident.facts.killed == 171


def test_incidents_an_offset_from_the_founders_town_places_the_incident():
    # One outlet names the township's town, the other "45 km southeast of" it: the same strike,
    # and the measured point is where it happened (it lies outside the town's own extent).
    offset = Place(
        f"rel:{TINGRI.place_id}:45km135",
        "45 km southeast of Tingri",
        28.37,
        87.46,
        "relative",
        "region",
        "CN",
        extent_km=6.8,
    )
    [incident] = build(
        report("a", "2025-04-11", "airstrike_shelling", TINGRI, killed=80),
        report("b", "2025-04-12", "airstrike_shelling", offset, killed=171),
    )
    assert incident.place == offset
    assert incident.facts.killed == 171
