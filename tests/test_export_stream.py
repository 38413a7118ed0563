"""The writers read a sequence already in id order (the store's) as it comes: same bytes as
from a list, and the incidents are never all held at once."""

import tracemalloc
from collections.abc import Iterator, Sequence

import pytest

from mapper.config import RenderConfig
from mapper.events.taxonomy import load_taxonomy
from mapper.export import write_csv, write_geojson, write_geojson_layers
from mapper.models import Facts, Incident, Place, Source, UnplacedEvent
from mapper.render import render_map

KP = Place("geonames:1873107", "North Korea", 40.0, 127.0, "country", "country", "KP")
RU = Place("geonames:2017370", "Russia", 60.0, 100.0, "country", "country", "RU")
TOWN = Place("geonames:5", "Tarrow", 51.5, -0.1, "city", "city", "GB", extent_km=8)


def _incident(n: int) -> Incident:
    return Incident(
        f"i{n:06d}",
        ("earthquake", "wildfire", "flood_storm")[n % 3],
        (TOWN, KP)[n % 2],
        Facts(killed=n % 40 or None),
        severity=n % 5,
        date=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
        title=f"Report number {n} on the event near the town",
        evidence=f"Witnesses described the scene at length, report {n}. " * 4,
        place_reason="the dateline names it",
        article_ids=(f"a{n}",),
        sources=(Source(f"a{n}", f"Title {n}", f"https://example.org/{n}", "Wire", "2025-01-01"),),
        origin=KP if n % 50 == 0 else None,
        destination=RU if n % 50 == 0 else None,
    )


class Made(Sequence[Incident]):
    """Incidents made as they are read, in id order, like the store's StoredIncidents."""

    sorted_by_id = True

    def __init__(self, count: int):
        self.count = count
        self.passes = 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Incident]:
        self.passes += 1
        return (_incident(n) for n in range(self.count))

    def __getitem__(self, index):  # not used by the writers
        raise AssertionError("a writer indexed the incidents")


UNPLACED = [
    UnplacedEvent("i000003", "earthquake", Source("a3"), severity=2, reason="no place named"),
    UnplacedEvent("u1", "wildfire", Source("a9"), severity=1, reason="none found"),
]


def _write_all(incidents, folder):
    write_geojson(incidents, folder / "incidents.geojson")
    write_geojson_layers(incidents, UNPLACED, folder / "incidents.geojson")
    write_csv(incidents, folder / "incidents.csv", UNPLACED)
    taxonomy = load_taxonomy("default")
    render_map(incidents, taxonomy, RenderConfig(cluster_threshold=50), folder / "map.html")


def test_same_bytes_from_a_view_as_from_a_shuffled_list(tmp_path):
    made = Made(400)
    listed = list(made)[::-1]
    (tmp_path / "view").mkdir()
    (tmp_path / "list").mkdir()
    _write_all(made, tmp_path / "view")
    _write_all(listed, tmp_path / "list")
    names = sorted(p.name for p in (tmp_path / "list").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "view").iterdir())
    for name in names:
        assert (tmp_path / "view" / name).read_bytes() == (tmp_path / "list" / name).read_bytes()
    # The unplaced event sharing an incident's id comes right after it, as sorting both gave.
    rows = (tmp_path / "view" / "incidents.csv").read_text().splitlines()
    ids = [row.split(",")[2] for row in rows[1:]]
    assert ids[3:5] == ["i000003", "i000003"] and ids[-1] == "u1"


@pytest.mark.parametrize("writer", ["geojson", "layers", "csv"])
def test_writers_hold_one_incident_at_a_time(tmp_path, writer):
    made = Made(4000)
    tracemalloc.start()
    try:
        held = list(made)
        whole = tracemalloc.get_traced_memory()[0]
        del held
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        if writer == "geojson":
            write_geojson(made, tmp_path / "incidents.geojson")
        elif writer == "layers":
            write_geojson_layers(made, UNPLACED, tmp_path / "incidents.geojson")
        else:
            write_csv(made, tmp_path / "incidents.csv", UNPLACED)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert whole > 4_000_000  # what a sorted copy of them held
    assert peak < whole / 10
