"""Exports with the map's geometry: areas, transfers, GeoParquet, unplaced events."""

from __future__ import annotations

import io
import json
import math

import pytest
import shapely
from shapely.geometry import shape

from mapper.export import write_csv, write_geojson_export, write_parquet
from mapper.export_columns import COLUMNS, GEOMETRY_COLUMNS, columns_markdown
from mapper.export_geometry import area_of, circle
from mapper.export_layers import layer_paths
from mapper.incidents.store import Store
from mapper.incidents.unplaced import unplaced_events, unplaced_id
from mapper.models import Facts, Incident, Place, Source, UnplacedEvent
from mapper.pipeline import run
from tests.incidents.test_store import LA, add, item
from tests.test_pipeline import config, stages, write_jsonl  # noqa: F401 (fixtures)

NAMIBIA = Place("ne:NAM", "Namibia", -22.0, 17.0, "country", "country", "NA", extent_km=500)
BAVARIA = Place("x:by", "Bavaria", 48.9, 11.4, "admin1", "admin1", "DE", extent_km=150)
LEVANT = Place("region:levant", "Levant", 33.0, 36.5, "region", "region", extent_km=400)
OPEN_SEA = Place(
    "region:hudson_bay", "Hudson Bay", 60.0, -85.0, "region", "region", "CA", extent_km=700
)
ORIGIN = Place("ne:PRK", "North Korea", 40.0, 127.0, "country", "country", "KP", extent_km=200)
DESTINATION = Place("ne:RUS", "Russia", 55.75, 37.62, "country", "country", "RU", extent_km=2000)


def incidents() -> list[Incident]:
    return [
        Incident("i3", "flood_storm", NAMIBIA, Facts(displaced=2000), severity=3, title="Floods"),
        Incident("i1", "wildfire", LA, severity=2, article_ids=("a1",)),
        Incident("i4", "protest_unrest", BAVARIA, date="2025-02-01"),
        Incident("i2", "diplomacy_sanctions", LEVANT),
        Incident("i5", "accident", OPEN_SEA),
        Incident("i6", "military_cooperation", ORIGIN, origin=ORIGIN, destination=DESTINATION),
    ]


UNPLACED = UnplacedEvent(
    "u1", "crime_security", Source("a9", "Fraud ring", "https://example.org/9", None, "2025-03-04")
)


def features(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_a_country_incident_gets_its_boundary_rounded_and_counter_clockwise():
    geometry, source = area_of(NAMIBIA)
    assert source == "boundary" and geometry.geom_type == "Polygon" and geometry.is_valid
    minx, miny, maxx, maxy = geometry.bounds
    assert 11.5 < minx < 12.0 and -29.1 < miny < -28.8 and 25.0 < maxx < 25.5 and maxy > -17.1
    assert geometry.exterior.is_ccw
    coords = shapely.get_coordinates(geometry)
    assert (coords == coords.round(5)).all()
    assert len(coords) <= 1000


def test_areas_are_clipped_to_their_countries_but_seas_stay_circles():
    levant, source = area_of(LEVANT)
    disc = circle(33.0, 36.5, 400)
    assert source == "clipped circle" and levant.area < 0.9 * disc.area
    assert levant.bounds[0] > 34.0  # cut at the Mediterranean coast
    bavaria, source = area_of(BAVARIA)
    assert source == "clipped circle" and bavaria.bounds[1] > 47.2  # not into Austria's south
    sea, source = area_of(OPEN_SEA)
    assert source == "circle" and sea.area == pytest.approx(circle(60.0, -85.0, 700).area, 1e-3)
    assert area_of(LA) is None  # a city is a point


def test_circles_across_the_antimeridian_and_around_a_pole():
    split = circle(52.0, 179.0, 500)
    assert split.geom_type == "MultiPolygon" and split.is_valid
    assert split.bounds[0] == pytest.approx(-180) and split.bounds[2] == pytest.approx(180)
    polar = circle(85.0, 0.0, 2500)
    assert polar.is_valid and polar.bounds == pytest.approx((-180, 62.5, 180, 90), abs=0.1)


def test_geojson_export_writes_points_areas_transfers_and_unplaced(tmp_path):
    points = write_geojson_export(incidents(), tmp_path / "incidents.geojson", [UNPLACED])
    assert all(f["geometry"]["type"] == "Point" for f in features(points))
    layers = layer_paths(points)
    areas = {f["id"]: f for f in features(layers["areas"])}
    assert sorted(areas) == ["i2", "i3", "i4", "i5", "i6"]  # LA is a city, not an area
    assert areas["i3"]["properties"]["area_source"] == "boundary"
    assert areas["i3"]["properties"]["country"] == "NA"
    assert shape(areas["i3"]["geometry"]).contains(shapely.Point(17.0, -22.0))
    assert {f["geometry"]["type"] for f in areas.values()} <= {"Polygon", "MultiPolygon"}
    [transfer] = features(layers["transfers"])
    assert transfer["geometry"] == {
        "type": "LineString",
        "coordinates": [[127, 40], [37.62, 55.75]],
    }
    props = transfer["properties"]
    assert (props["origin_name"], props["destination_name"]) == ("North Korea", "Russia")
    assert 6400 < props["distance_km"] < 6700
    [unplaced] = features(layers["unplaced"])
    assert unplaced["geometry"] is None and unplaced["properties"]["article_ids"] == ["a9"]
    assert unplaced["properties"]["place"] is None and unplaced["properties"]["extent_km"] is None
    assert (tmp_path / "COLUMNS.md").read_text(encoding="utf-8") == columns_markdown()
    # The same incidents in any order: the same bytes.
    again = write_geojson_export(
        list(reversed(incidents())), tmp_path / "b" / "incidents.geojson", [UNPLACED]
    )
    for key, path in layer_paths(again).items():
        assert path.read_bytes() == layers[key].read_bytes(), key


def test_layers_of_another_points_file_are_named_after_it(tmp_path):
    paths = layer_paths(tmp_path / "week.geojson")
    assert paths["areas"].name == "week.areas.geojson"
    assert paths["unplaced"].name == "week.unplaced.geojson"


def test_geopandas_reads_the_layers_as_polygons_and_linestrings(tmp_path):
    gpd = pytest.importorskip("geopandas", reason="geopandas not installed (test extra)")
    points = write_geojson_export(incidents(), tmp_path / "incidents.geojson", [UNPLACED])
    layers = layer_paths(points)
    areas = gpd.read_file(layers["areas"])
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"} and len(areas) == 5
    transfers = gpd.read_file(layers["transfers"])
    assert list(transfers.geom_type) == ["LineString"]
    unplaced = gpd.read_file(layers["unplaced"])
    assert len(unplaced) == 1 and unplaced.geometry.isna().all()


def _parquet(tmp_path):
    pytest.importorskip("pyarrow", reason="pyarrow not installed (the parquet extra)")
    return write_parquet(incidents(), tmp_path / "incidents.parquet", [UNPLACED])


def test_parquet_is_geoparquet_with_wkb_and_geo_metadata(tmp_path):
    import pyarrow.parquet as pq

    path = _parquet(tmp_path)
    table = pq.read_table(path)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    assert sorted(geo["columns"]) == ["area", "geometry", "transfer"]
    for meta in geo["columns"].values():
        assert meta["encoding"] == "WKB" and meta["crs"]["id"] == {
            "authority": "OGC",
            "code": "CRS84",
        }
    assert geo["columns"]["geometry"]["geometry_types"] == ["Point"]
    assert geo["columns"]["area"]["geometry_types"] == ["MultiPolygon", "Polygon"]
    assert geo["columns"]["transfer"]["geometry_types"] == ["LineString"]
    rows = {r["incident_id"]: r for r in table.to_pylist()}
    assert shapely.from_wkb(rows["i3"]["area"]).geom_type == "Polygon"
    assert shapely.from_wkb(rows["i6"]["transfer"]).coords[:] == [(127, 40), (37.62, 55.75)]
    assert shapely.from_wkb(rows["i1"]["geometry"]).coords[:] == [(-118.24, 34.05)]
    assert rows["i1"]["area"] is None and rows["i1"]["transfer"] is None
    unplaced = rows["u1"]
    assert unplaced["geometry"] is None and unplaced["lat"] is None and unplaced["place"] is None
    assert geo["columns"]["geometry"]["bbox"] == [-118.24, -22.0, 127.0, 60.0]
    again = write_parquet(list(reversed(incidents())), tmp_path / "b.parquet", [UNPLACED])
    assert again.read_bytes() == path.read_bytes()
    assert (tmp_path / "COLUMNS.md").exists()


def test_geopandas_read_parquet_gives_three_geometry_columns(tmp_path):
    gpd = pytest.importorskip("geopandas", reason="geopandas not installed (test extra)")
    frame = gpd.read_parquet(_parquet(tmp_path))
    assert frame.geometry.name == "geometry" and frame.crs.to_authority() == ("OGC", "CRS84")
    by_id = frame.set_index("incident_id")
    assert by_id.loc["i3", "area"].geom_type == "Polygon"
    assert by_id.loc["i6", "transfer"].geom_type == "LineString"
    assert by_id.loc["u1", "geometry"] is None
    assert by_id.loc["i3", "country"] == "NA"


def test_csv_keeps_unplaced_rows_and_namibia_for_pandas(tmp_path):
    import pandas as pd

    path = write_csv(incidents(), tmp_path / "incidents.csv", [UNPLACED])
    # As COLUMNS.md and the README say to read it.
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    by_id = frame.set_index("incident_id")
    assert by_id.loc["i3", "country"] == "NA" and by_id.loc["i3", "displaced"] == 2000
    assert math.isnan(by_id.loc["u1", "lat"]) and math.isnan(by_id.loc["u1", "lon"])
    assert by_id.loc["u1", "article_ids"] == "a9"
    assert math.isnan(by_id.loc["i1", "killed"])  # not reported stays missing
    text = (tmp_path / "COLUMNS.md").read_text(encoding="utf-8")
    assert 'keep_default_na=False, na_values=[""]' in text


def test_the_column_dictionary_names_every_column_with_a_type():
    text = columns_markdown()
    for column in (*COLUMNS, *GEOMETRY_COLUMNS):
        assert f"| `{column.name}` |" in text
    assert "| `extent_km` | number | km |" in text
    assert columns_markdown() == text


def test_the_store_keeps_events_without_a_place(tmp_path):
    with Store.open(tmp_path / "mapper.sqlite") as store:
        add(
            store,
            item("placed", "2025-01-07", "wildfire", LA),
            item("lost", "2025-01-08", "crime_security", None, killed=2),
            item("old", "2024-05-01", "crime_security", None),
        )
        [incident] = store.incidents()
        found = unplaced_events(store)
        assert [e.source.article_id for e in found] == ["lost", "old"]
        lost = found[0]
        assert lost.event_id == unplaced_id("lost") and lost.event_id.startswith("u")
        assert lost.facts.killed == 2 and lost.date == "2025-01-08" and lost.new
        assert lost.reason == "the article names no place"
        assert [e.source.article_id for e in unplaced_events(store, since="2025-01-01")] == ["lost"]
    assert incident.article_ids == ("placed",)


UNPLACED_TEXT = (
    "Investigators said on Monday that a fraud ring had emptied the savings accounts of more "
    "than three hundred pensioners over two years, and that four suspects were in custody."
)
FIRE_TEXT = (
    "A wildfire swept through hills above Los Angeles on Sunday, and 2,000 residents were "
    "evacuated as crews fought the flames through the night."
)


def test_a_run_writes_the_layers_and_counts_unplaced_events(tmp_path, config, stages):  # noqa: F811
    batch = write_jsonl(
        tmp_path / "b.jsonl",
        [
            {"id": "fire", "title": "Hills ablaze", "text": FIRE_TEXT, "date": "2025-06-01"},
            {"id": "fraud", "title": "Savings lost", "text": UNPLACED_TEXT, "date": "2025-06-02"},
        ],
    )
    out = tmp_path / "out"
    summary = run(config, inputs=[batch], output_dir=out, stages=stages)
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert report["unplaced_events"] == {"written": 1, "stored": 1}
    assert summary.unplaced_events == 1
    for key in ("areas", "transfers", "unplaced", "columns"):
        assert key in report["outputs"]
    [lost] = features(out / "unplaced_events.geojson")
    assert lost["geometry"] is None and lost["properties"]["article_ids"] == ["fraud"]
    assert all(f["geometry"]["type"] == "Point" for f in features(out / "incidents.geojson"))
    rows = (out / "incidents.csv").read_text(encoding="utf-8")
    import pandas as pd

    frame = pd.read_csv(io.StringIO(rows), keep_default_na=False, na_values=[""])
    assert sorted(frame["article_ids"]) == ["fire", "fraud"]
    assert frame.set_index("article_ids")["lat"].isna().to_dict() == {"fire": False, "fraud": True}
