"""The store on its own, with hand-made events: batches, merging across them, migrations."""

import json
import sqlite3
from dataclasses import replace

import pytest

from mapper.config import IncidentsConfig
from mapper.errors import StoreError
from mapper.incidents import store as store_module
from mapper.incidents.codec import to_json
from mapper.incidents.schema import MIGRATIONS
from mapper.incidents.store import SCHEMA_VERSION, Store, content_hash, pending
from mapper.models import Article, Event, EventLocation, Facts, GeoparsedArticle, Place, Toponym

TIBET = Place("region:tibet", "Tibet", 31.5, 88.0, "region", "region", "CN", extent_km=700)
TINGRI = Place("geonames:1", "Tingri", 28.66, 87.12, "city", "city", "CN", extent_km=5)
LA = Place("geonames:3", "Los Angeles", 34.05, -118.24, "city", "city", "US", extent_km=30)
LIMA = Place("geonames:4", "Lima", -12.04, -77.03, "city", "city", "PE", extent_km=20)
HASH = "settings-1"


def item(aid, day, category="earthquake", place=TIBET, text=None, **facts):
    """An article, its geoparse and its event, as the stages would hand them over."""
    text = text or f"report {aid} {sorted(facts.items())}"
    article = Article(aid, text, title=f"title {aid}", date=day, url=f"https://example.org/{aid}")
    toponyms = (Toponym(0, 5, place.name, place, score=0.9),) if place else ()
    locations = (EventLocation(place.name, "event", place, 0, 5),) if place else ()
    event = Event(
        aid,
        category,
        Facts(**facts),
        severity=3,
        event_date=day,
        evidence=f"ev {aid}",
        locations=locations,
    )
    return GeoparsedArticle(article, toponyms), event


def add(store, *items, config=None, policy="latest", config_hash=HASH):
    """One batch: plan, write what the plan says, merge. Returns (plan, changes)."""
    config = config or IncidentsConfig()
    # Stored articles processed again yield what they yielded before unless given anew.
    known = store.__dict__.setdefault("known", {})
    known.update({doc.article.article_id: (doc, event) for doc, event in items})
    with store.batch() as batch:
        plan = batch.plan([doc.article for doc, _ in items], config_hash)
        for article in batch.articles(plan):
            # A reused id comes back namespaced (id@content): the given item under it.
            doc, event = known.get(article.article_id) or known[article.article_id.split("@")[0]]
            if doc.article.article_id != article.article_id:
                doc = GeoparsedArticle(article, doc.toponyms)
                event = replace(event, article_id=article.article_id)
            batch.put(doc, event, config_hash)
        changes = batch.update_incidents(config, policy)
    return plan, changes


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "mapper.sqlite") as opened:
        yield opened


def test_store_schema_is_migrated_and_recorded(store):
    assert store.version == SCHEMA_VERSION == len(MIGRATIONS)
    rows = store.db.execute("SELECT version, name FROM migrations ORDER BY version").fetchall()
    assert [v for v, _ in rows] == list(range(1, SCHEMA_VERSION + 1))
    assert rows[0][1] == "initial"
    assert pending(store.db) == []


def test_store_merges_reports_across_batches_with_a_stable_id(store):
    _, first = add(store, item("a", "2025-01-07", killed=95, magnitude=6.8))
    [incident_id] = first.created
    _, second = add(store, item("b", "2025-01-08", place=TINGRI, killed=126))
    assert second.created == [] and list(second.updated) == [incident_id]
    assert second.updated[incident_id]["killed"] == [95, 126]
    assert second.updated[incident_id]["sources"] == [1, 2]
    [incident] = store.incidents()
    assert incident.incident_id == incident_id
    assert incident.facts.killed == 126 and incident.facts.magnitude == 6.8
    assert incident.article_ids == ("a", "b")
    assert (incident.first_seen, incident.last_seen) == ("2025-01-07", "2025-01-08")
    # The founding report fixes the id; the report that names a place inside it places it.
    assert incident.place == TINGRI


def test_store_later_batch_is_the_later_report_on_the_same_day(store):
    add(store, item("a", "2025-01-07", killed=126))
    add(store, item("b", "2025-01-07", killed=95))
    assert store.incidents()[0].facts.killed == 95  # latest: batch 2 wins the tie


def test_store_highest_policy_and_a_policy_change_recomputes(store):
    add(store, item("a", "2025-01-07", killed=126), policy="highest")
    add(store, item("b", "2025-01-08", killed=95), policy="highest")
    assert store.incidents()[0].facts.killed == 126
    _, changes = add(store, policy="latest")  # no article: only the settings changed
    assert store.incidents()[0].facts.killed == 95
    assert [c["killed"] for c in changes.updated.values()] == [[126, 95]]


def test_store_new_marks_the_latest_run_that_changed_something(store):
    add(store, item("a", "2025-01-07", killed=95), item("f", "2025-01-07", "wildfire", LA))
    assert all(i.new for i in store.incidents())
    add(store, item("b", "2025-01-08", killed=126))
    assert {i.category: i.new for i in store.incidents()} == {"earthquake": True, "wildfire": False}
    before = store.digest()
    plan, changes = add(store, item("a", "2025-01-07", killed=95))  # seen: a no-op run
    assert plan.skipped == 1 and not changes
    assert store.digest() == before and store.latest_run() == 2
    assert {i.category: i.new for i in store.incidents()} == {"earthquake": True, "wildfire": False}


def test_store_plan_sorts_new_seen_changed_duplicate_and_stale(store):
    add(store, item("a", "2025-01-07"), item("b", "2025-01-07", "wildfire", LA))
    doc_a, _ = item("a", "2025-01-07")
    copy = Article(
        "a-copy", doc_a.article.text, doc_a.article.title, doc_a.article.date, doc_a.article.url
    )
    edited = Article("b", "corrected text", "title b", "2025-01-07")
    fresh = Article("c", "a new report", "title c", "2025-01-09")
    with store.batch() as batch:
        plan = batch.plan([doc_a.article, copy, edited, fresh], HASH)
        # An id stored for other content is the user's: the newcomer is kept beside it.
        assert [a.article_id for a in plan.new] == [f"b@{content_hash(edited)[:12]}", "c"]
        assert plan.again == []
        assert (plan.skipped, plan.duplicates, plan.reasons) == (2, 1, {})
        stale = batch.plan([fresh], "settings-2")
        assert stale.stale_ids == ["a", "b"] and stale.reasons == {"settings changed": 2}
    assert content_hash(copy) == content_hash(doc_a.article)


def test_store_reprocessing_the_founding_report_dissolves_its_incident(store):
    add(store, item("a", "2025-01-07", killed=95), item("b", "2025-01-08", killed=126))
    [old] = store.incidents()
    # Article a, processed again under new settings, now places the quake in Peru.
    _, changes = add(store, item("a", "2025-01-07", place=LIMA, killed=95), config_hash="s2")
    incidents = {i.place.name: i for i in store.incidents()}
    assert set(incidents) == {"Lima", "Tibet"}
    assert incidents["Tibet"].article_ids == ("b",) and incidents["Tibet"].facts.killed == 126
    assert changes.removed == [old.incident_id]
    assert sorted(changes.created) == sorted(i.incident_id for i in incidents.values())


def test_store_incident_without_reports_is_removed(store):
    _, first = add(store, item("a", "2025-01-07", killed=95))
    # Processed again under other settings, article a no longer places its event.
    text = item("a", "2025-01-07", killed=95)[0].article.text
    _, changes = add(store, item("a", "2025-01-07", text=text, place=None), config_hash="s2")
    assert changes.removed == first.created and store.incidents() == []
    assert store.counts()["articles"] == 1


def test_store_id_reused_by_a_later_batch_keeps_both_articles(store):
    """Issue 17 case 1: ids are the user's; a later batch's "1" must not replace the first."""
    add(store, item("1", "2025-03-03", "airstrike", LA, killed=5))
    quake = item("1", "2025-03-05", "earthquake", LIMA, text="a quake in Lima", killed=12)
    plan, changes = add(store, quake)
    renamed = f"1@{content_hash(quake[0].article)[:12]}"
    assert [a.article_id for a in plan.new] == [renamed] and len(changes.created) == 1
    assert {i.category: i.article_ids for i in store.incidents()} == {
        "airstrike": ("1",),
        "earthquake": (renamed,),
    }
    assert store.load_article("1").text.startswith("report 1")
    again, _ = add(store, quake)  # the same batch again: seen, nothing changes
    assert again.new == [] and again.skipped == 1 and store.counts()["articles"] == 2


def test_store_merge_settings_change_merges_everything_again(store):
    add(store, item("a", "2025-01-07"), item("b", "2025-01-09"))
    assert len(store.incidents()) == 1
    add(store, config=IncidentsConfig(merge_window_days=1))
    assert len(store.incidents()) == 2
    add(store, config=IncidentsConfig())
    assert len(store.incidents()) == 1


def test_store_undated_reports_merge_within_their_batch_only(store):
    add(store, item("a", None, killed=95), item("b", None, killed=126))
    [incident] = store.incidents()
    assert incident.facts.killed == 126 and incident.article_ids == ("a", "b")
    add(store, item("c", None, killed=7))  # another batch: its date is another day
    ids = [i.incident_id for i in store.incidents()]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_store_undated_report_joins_a_dated_incident_of_its_batch(store):
    add(store, item("a", "2025-01-07", killed=95), item("b", None, place=TINGRI, killed=126))
    [incident] = store.incidents()
    assert incident.facts.killed == 126 and incident.place == TINGRI


def test_store_window_keeps_incidents_dated_or_reported_since(store):
    add(store, item("a", "2025-01-07"), item("f", "2025-03-01", "wildfire", LA))
    add(store, item("b", "2025-01-09"))  # the quake is reported again on the 9th
    assert len(store.incidents(since="2025-01-08")) == 2
    assert [i.category for i in store.incidents(since="2025-01-10")] == ["wildfire"]
    assert store.article_count(since="2025-01-08") == 2


def test_store_batch_that_fails_leaves_the_store_as_it_was(store):
    add(store, item("a", "2025-01-07"))
    before = store.digest()
    with pytest.raises(RuntimeError), store.batch() as batch:
        doc, event = item("b", "2025-01-08")
        batch.put(doc, event, HASH)
        batch.update_incidents(IncidentsConfig(), "latest")
        raise RuntimeError("boom")
    assert store.digest() == before


def test_store_unresolved_places_most_frequent_first(store):
    doc, event = item("a", "2025-01-07")
    unresolved = (Toponym(10, 13, "Zed"), Toponym(20, 23, "Zed"), Toponym(30, 33, "Ash"))
    doc = GeoparsedArticle(doc.article, doc.toponyms + unresolved)
    with store.batch() as batch:
        batch.put(doc, event, HASH)
    assert store.unresolved_places() == {"Zed": 2, "Ash": 1}


def test_store_migrates_a_version_1_database(tmp_path):
    path = tmp_path / "old.sqlite"
    Store.open(path, migrate_to=1).close()
    db = sqlite3.connect(path)
    doc, event = item("a", "2025-01-07", killed=95)
    from dataclasses import asdict

    from mapper.incidents.merge import build_incidents

    [incident] = build_incidents([event], [doc.article], IncidentsConfig())
    data = asdict(incident)
    del data["new"]
    with db:
        db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "a",
                content_hash(doc.article),
                HASH,
                "title a",
                "2025-01-07",
                None,
                None,
                "",
                doc.article.text,
            ),
        )
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?)", ("a", "earthquake", json.dumps(asdict(event)))
        )
        db.execute(
            "INSERT INTO incidents VALUES "
            "(?, 1, 'earthquake', '2025-01-07', ?, 31.5, 88.0, 700, 'a', ?)",
            (incident.incident_id, TIBET.place_id, json.dumps(data)),
        )
        db.execute("INSERT INTO incident_reports VALUES ('a', ?)", (incident.incident_id,))
        db.execute(
            "INSERT INTO meta VALUES ('merge_settings', ?)",
            (to_json({"incidents": asdict(IncidentsConfig()), "toll_policy": "latest"}),),
        )
    db.close()
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.db.execute("SELECT latest_date, changed_run FROM incidents").fetchone() == (
            "2025-01-07",
            None,
        )
        [old] = store.incidents()
        assert old.facts.killed == 95 and old.new is False  # no run has changed it yet
        plan, changes = add(
            store, item("a", "2025-01-07", killed=95), item("b", "2025-01-08", killed=126)
        )
        assert plan.skipped == 1 and [a.article_id for a in plan.new] == ["b"]
        assert list(changes.updated) == [incident.incident_id]
        [merged] = store.incidents()
        assert merged.incident_id == incident.incident_id and merged.facts.killed == 126


def test_store_refuses_a_newer_schema_and_a_foreign_file(tmp_path):
    path = tmp_path / "new.sqlite"
    with Store.open(path) as store:
        store.db.execute("INSERT INTO migrations VALUES (99, 'future', 'x')")
    with pytest.raises(StoreError, match="newer than this mapper knows"):
        Store.open(path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a mapper store"):
        Store.open(junk)
    with pytest.raises(StoreError, match="no store here"):
        Store.open(tmp_path / "missing.sqlite", create=False)


def test_store_busy_with_another_writer_fails_with_a_message(tmp_path, monkeypatch):
    path = tmp_path / "busy.sqlite"
    Store.open(path).close()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.05)
    with Store.open(path) as first, first.batch(), Store.open(path) as second:  # noqa: SIM117
        # The first store holds the write lock; the second cannot start a batch.
        with pytest.raises(StoreError, match="another mapper run holds the store"), second.batch():
            pass


NEAR_TINGRI = Place("geonames:9", "Upriver", 29.66, 87.12, "city", "city", "CN", extent_km=4)


def test_store_same_magnitude_merges_farther_across_batches(store):
    add(store, item("a", "2025-01-07", place=TINGRI, magnitude=6.8, killed=95))
    add(store, item("b", "2025-01-08", place=NEAR_TINGRI, magnitude=6.8, killed=126))
    [incident] = store.incidents()
    assert incident.facts.killed == 126
    # At the founder's very place, only the magnitude tells this quake apart.
    add(store, item("c", "2025-01-08", place=TINGRI, magnitude=5.0))
    assert len(store.incidents()) == 2


def test_store_country_and_town_inside_merge_across_batches(store):
    country = Place("ne:CN", "China", 35.0, 103.0, "country", "country", "CN", extent_km=300)
    add(store, item("a", "2025-01-07", "flood_storm", place=country, killed=10))
    add(store, item("b", "2025-01-08", "flood_storm", place=TINGRI, killed=30))
    [incident] = store.incidents()
    assert incident.place == TINGRI and incident.facts.killed == 30
