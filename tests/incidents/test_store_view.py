"""Store.incident_view: the stored incidents read a pass at a time, from one snapshot."""

import pytest

from mapper.incidents.store import Store
from tests.incidents.test_store import LA, LIMA, TINGRI, add, item


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "mapper.sqlite") as opened:
        add(
            opened,
            item("a", "2025-01-07"),
            item("f", "2025-03-01", "wildfire", LA),
            item("q", "2025-02-11", "flood_storm", LIMA),
            item("t", "2025-01-20", "earthquake", TINGRI, killed=3),
        )
        yield opened


def test_view_gives_what_incidents_gives_pass_after_pass(store):
    listed = store.incidents()
    view = store.incident_view()
    assert len(listed) == 4
    assert list(view) == listed
    assert list(view) == listed  # a second pass queries again
    assert [i.incident_id for i in view] == sorted(i.incident_id for i in listed)
    assert len(view) == 4
    assert view.sorted_by_id is True


def test_view_indexes_like_a_list(store):
    listed = store.incidents()
    view = store.incident_view()
    assert view[0] == listed[0]
    assert view[-1] == listed[-1]
    assert view[1:3] == listed[1:3]
    assert listed[2] in view
    with pytest.raises(IndexError):
        view[4]
    with pytest.raises(IndexError):
        view[-5]


def test_view_keeps_the_window(store):
    view = store.incident_view(since="2025-02-01")
    assert [i.category for i in view] == [i.category for i in store.incidents("2025-02-01")]
    assert sorted(i.category for i in view) == ["flood_storm", "wildfire"]
    assert len(view) == 2


def test_view_marks_the_latest_run_new(store):
    add(store, item("w", "2025-03-02", "wildfire", LA))  # joins the wildfire
    new = {i.category: i.new for i in store.incident_view()}
    assert new == {"earthquake": False, "wildfire": True, "flood_storm": False}


def test_passes_inside_a_snapshot_see_one_state_of_the_store(tmp_path, store):
    with store.snapshot():
        before = [i.incident_id for i in store.incident_view()]
        # Another connection commits a batch meanwhile (WAL: it does not wait for the read).
        with Store.open(tmp_path / "mapper.sqlite") as other:
            add(other, item("z", "2025-04-01", "wildfire", LIMA))
        assert [i.incident_id for i in store.incident_view()] == before
    assert len(store.incident_view()) == len(before) + 1


def test_snapshot_inside_a_batch_is_the_batch_itself(store):
    with store.batch(), store.snapshot():
        assert store.db.in_transaction
    assert not store.db.in_transaction
