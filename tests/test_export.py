import csv
import io
import json
import os
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from mapper.attribution import DATA_SOURCES, attribution_records
from mapper.cli import main
from mapper.errors import MapperError
from mapper.export import PROPERTY_ORDER, read_geojson, write_csv, write_geojson, write_parquet
from mapper.incidents.store import Store
from mapper.models import Facts, Incident, Place, Source
from tests.incidents.test_store import LA, add, item

GAZA = Place(
    "region:gaza_strip", "Gaza", 31.416667, 34.333333, "region", "region", "PS", extent_km=20
)
KP = Place("geonames:1873107", "North Korea", 40.0, 127.0, "country", "country", "KP")
RU = Place("geonames:2017370", "Russia", 60.0, 100.0, "country", "country", "RU")


def incidents():
    return [
        Incident(
            "i2",
            "airstrike_shelling",
            GAZA,
            Facts(killed=22),
            severity=4,
            severity_reason="4: 22 killed",
            date="2024-01-10",
            title="Strikes",
            evidence="Strikes across Gaza killed 22.",
            article_ids=("a7",),
            sources=(Source("a7", "Strikes", "https://example.org/7"),),
        ),
        Incident(
            "i1",
            "military_cooperation",
            KP,
            severity=1,
            origin=KP,
            destination=RU,
            article_ids=("a1", "a2"),
        ),
    ]


def test_export_geojson_contract(tmp_path):
    path = write_geojson(incidents(), tmp_path / "incidents.geojson")
    data = json.loads(path.read_text())
    assert data["type"] == "FeatureCollection"
    first, second = data["features"]
    assert first["properties"]["incident_id"] == "i1"  # sorted by id
    assert second["geometry"] == {"type": "Point", "coordinates": [34.33333, 31.41667]}
    props = second["properties"]
    assert props["killed"] == 22 and props["injured"] is None and props["magnitude"] is None
    assert (props["country"], props["precision"], props["date"]) == ("PS", "region", "2024-01-10")
    assert props["article_ids"] == ["a7"] and props["sources"] == 1
    assert props["evidence"] == "Strikes across Gaza killed 22."
    assert first["properties"]["origin_name"] == "North Korea"
    assert first["properties"]["destination_lat"] == 60.0


def test_export_csv_same_properties(tmp_path):
    path = write_csv(incidents(), tmp_path / "incidents.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [r["incident_id"] for r in rows] == ["i1", "i2"]
    assert rows[0]["article_ids"] == "a1;a2"
    assert rows[1]["killed"] == "22" and rows[1]["injured"] == ""
    assert float(rows[1]["lat"]) == 31.41667


def test_export_is_byte_identical_and_round_trips(tmp_path):
    a = write_geojson(incidents(), tmp_path / "a.geojson").read_bytes()
    b = write_geojson(list(reversed(incidents())), tmp_path / "b.geojson").read_bytes()
    assert a == b
    back = read_geojson(tmp_path / "a.geojson")
    assert [i.incident_id for i in back] == ["i1", "i2"]
    assert back[1].facts.killed == 22 and back[1].place.precision == "region"
    assert back[0].destination is not None and back[0].destination.name == "Russia"


def test_export_parquet_has_the_csv_columns_typed(tmp_path):
    pa = pytest.importorskip(
        "pyarrow", reason="pyarrow not installed (pip install 'incident-mapper[parquet]')"
    )
    import pyarrow.parquet as pq

    path = write_parquet(incidents(), tmp_path / "incidents.parquet")
    table = pq.read_table(path)
    assert table.column_names == ["lat", "lon", *PROPERTY_ORDER, "geometry", "area", "transfer"]
    assert table.schema.field("killed").type == pa.int64()
    assert table.schema.field("date").type == pa.date32()
    first, second = table.to_pylist()
    assert first["incident_id"] == "i1" and first["article_ids"] == ["a1", "a2"]
    assert second["killed"] == 22 and second["injured"] is None
    assert second["date"] == date(2024, 1, 10) and second["lat"] == 31.41667
    assert json.loads(second["references"])[0]["url"] == "https://example.org/7"
    again = write_parquet(list(reversed(incidents())), tmp_path / "again.parquet")
    assert again.read_bytes() == path.read_bytes()


def test_export_parquet_without_pyarrow_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes `import pyarrow` fail
    with pytest.raises(MapperError, match=r"pip install 'incident-mapper\[parquet\]'"):
        write_parquet(incidents(), tmp_path / "incidents.parquet")
    assert list(tmp_path.iterdir()) == []


def test_export_cli_writes_the_stored_incidents(tmp_path):
    out = tmp_path / "out"
    with Store.open(out / "mapper.sqlite") as store:
        add(store, item("a", "2025-01-07", killed=95), item("f", "2025-03-01", "wildfire", LA))
    target = tmp_path / "x.csv"
    args = ["export", "--format", "csv", "--output-dir", str(out), "-o", str(target)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0 and "wrote 2 incidents" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert sorted(r["category"] for r in rows) == ["earthquake", "wildfire"]
    assert {r["new"] for r in rows} == {"true"}

    since = CliRunner().invoke(main, ["export", "--output-dir", str(out), "--since", "2025-02-01"])
    assert since.exit_code == 0, since.output
    [feature] = json.loads((out / "incidents.geojson").read_text())["features"]
    assert feature["properties"]["category"] == "wildfire"


def test_export_cli_without_a_store_fails_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["export", "--output-dir", str(tmp_path / "none")])
    assert result.exit_code == 2  # a user error (issue 16)
    assert "no store here yet" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none").exists()


def test_export_files_are_written_whole_with_the_usual_mode(tmp_path):
    path = write_csv(incidents(), tmp_path / "incidents.csv")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    # No temporary file left; the credits and the column dictionary beside the CSV.
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ATTRIBUTION.txt", "COLUMNS.md", "incidents.csv"]


def test_export_geojson_has_one_feature_per_line(tmp_path):
    lines = write_geojson(incidents(), tmp_path / "a.geojson").read_text().splitlines()
    assert len(lines) == 4 and lines[-1] == "]}"
    assert json.loads(lines[1].rstrip(","))["id"] == "i1"
    assert json.loads(write_geojson([], tmp_path / "b.geojson").read_text())["features"] == []


def test_export_drops_unsafe_urls_and_guards_formulas(tmp_path):
    hostile = Incident(
        "i9",
        "other",
        GAZA,
        title='=HYPERLINK("http://evil")',
        evidence="@SUM(A1)",
        article_ids=("a9",),
        sources=(
            Source("a9", "-2+3", "javascript:alert(1)"),
            Source("a8", "ok", "https://example.org/8"),
        ),
    )
    data = json.loads(write_geojson([hostile], tmp_path / "h.geojson").read_text())
    props = data["features"][0]["properties"]
    assert props["urls"] == ["https://example.org/8"]
    assert [r["url"] for r in props["references"]] == [None, "https://example.org/8"]
    row = next(csv.DictReader(io.StringIO(write_csv([hostile], tmp_path / "h.csv").read_text())))
    assert row["title"].startswith("'=HYPERLINK")
    assert row["evidence"] == "'@SUM(A1)"
    assert "javascript:" not in row["references"]
    assert row["lon"] == "34.33333" and row["severity"] == "0"


def test_every_export_carries_the_data_credits(tmp_path):
    names = [source.name for source in DATA_SOURCES]
    data = json.loads(write_geojson(incidents(), tmp_path / "a.geojson").read_text())
    assert data["attribution"] == attribution_records()
    assert [a["name"] for a in data["attribution"]] == names
    assert data["attribution"][0]["license"] == "CC BY 4.0"
    # Readers of the file still take it: `mapper render` reads it back.
    assert [i.incident_id for i in read_geojson(tmp_path / "a.geojson")] == ["i1", "i2"]
    write_csv(incidents(), tmp_path / "out" / "incidents.csv")
    credits = (tmp_path / "out" / "ATTRIBUTION.txt").read_text(encoding="utf-8")
    for source in DATA_SOURCES:
        assert source.as_text() in credits


def test_parquet_metadata_carries_the_data_credits(tmp_path):
    pytest.importorskip(
        "pyarrow", reason="pyarrow not installed (pip install 'incident-mapper[parquet]')"
    )
    import pyarrow.parquet as pq

    path = write_parquet(incidents(), tmp_path / "incidents.parquet")
    metadata = pq.read_schema(path).metadata
    assert json.loads(metadata[b"attribution"]) == attribution_records()


@pytest.mark.parametrize(
    "text",
    [
        "-5 degrees: cold snap grips the valley",
        "-5-day forecast shows more rain",
        "- a dash before words",
        "-40C in the north",
        "Minus 5: ok",
        "a=b+c",
    ],
)
def test_csv_keeps_text_that_only_looks_like_it_starts_a_formula(tmp_path, text):
    hostile = Incident("i9", "other", GAZA, title=text)
    row = next(csv.DictReader(io.StringIO(write_csv([hostile], tmp_path / "h.csv").read_text())))
    assert row["title"] == text


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "@SUM(A1)",
        "\tcell",
        "\rcell",
        "-SUM(A1:A3)",
        "-2+3",
        "- 2 * B1",
        "-A1",
        "-$B$2+1",
        "-cmd|' /C calc'!A0",
        "--1",
        "-(1)",
        '-HYPERLINK("http://evil")',
    ],
)
def test_csv_guards_what_a_spreadsheet_would_run(tmp_path, text):
    hostile = Incident("i9", "other", GAZA, title=text)
    path = write_csv([hostile], tmp_path / "h.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    # A carriage return is written as a line break, inside quotes: the row stays whole.
    assert row["title"] == "'" + text.replace("\r", "\n")
    assert row["evidence"] == "" and row["new"] == "true"


def _gdal_style(path, article_ids, **extra):
    """A feature as GDAL writes one back after a GeoPackage round trip: lists as text."""
    props = {
        "incident_id": "i1",
        "category": "wildfire",
        "severity": 2.0,
        "killed": 3.0,
        "article_ids": article_ids,
        "urls": '["https://example.org/1"]',
        "references": '[{"article_id":"a1","title":"Fire","url":"https://example.org/1"}]',
        "date": "2025-01-07T00:00:00",
        "new": 1,
        **extra,
    }
    other = dict(props, incident_id="i2", article_ids="(1:a3)", references=None)
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-118.2, 34.0]},
             "properties": props},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-118.3, 34.1]},
             "properties": other},
            {"type": "Feature", "geometry": None, "properties": {"incident_id": "u1"}},
        ],
    }  # fmt: skip
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "article_ids", ["(2:a1,a2)", '["a1","a2"]', "['a1', 'a2']", "['a1' 'a2']", ["a1", "a2"]]
)
def test_render_reads_list_fields_as_gdal_and_qgis_write_them(tmp_path, article_ids):
    source = _gdal_style(tmp_path / "qgis.geojson", article_ids)
    first, second = read_geojson(source)  # the null-geometry feature is left out
    assert first.article_ids == ("a1", "a2") and second.article_ids == ("a3",)
    assert first.facts.killed == 3 and first.severity == 2 and first.new is True
    assert first.date == "2025-01-07" and first.sources[0].title == "Fire"
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["render", "--input", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    # Three articles, not the characters of "(2:a1,a2)".
    assert '"articles":3,"incidents":2' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("article_ids", "why"),
    [
        ("a1;a2", "expected a list, got the string a1;a2"),
        ("(3:a1,a2)", "says 3 items but holds 2"),
        ("[1, a]", "malformed list"),
        ({"a": 1}, "expected a list of strings"),
    ],
)
def test_render_refuses_list_fields_it_cannot_read_in_one_line(tmp_path, article_ids, why):
    source = _gdal_style(tmp_path / "odd.geojson", article_ids)
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["render", "--input", str(source), "--out", str(out)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert str(source) in line and "feature 0 (i1)" in line and "article_ids" in line
    assert why in line
    assert not out.exists()


def test_a_geopackage_round_trip_through_gdal_reads_back_the_same(tmp_path):
    gpd = pytest.importorskip("geopandas", reason="geopandas not installed (test extra)")
    source = write_geojson(incidents(), tmp_path / "incidents.geojson")
    gpd.read_file(source).to_file(tmp_path / "round.gpkg")
    back = tmp_path / "back.geojson"
    gpd.read_file(tmp_path / "round.gpkg").to_file(back)
    assert read_geojson(back) == read_geojson(source)
