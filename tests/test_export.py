import csv
import io
import json

from mapper.export import read_geojson, write_csv, write_geojson
from mapper.models import Facts, Incident, Place, Source

GAZA = Place("region:gaza_strip", "Gaza", 31.416667, 34.333333, "region", "region", "PS", extent_km=20)
KP = Place("geonames:1873107", "North Korea", 40.0, 127.0, "country", "country", "KP")
RU = Place("geonames:2017370", "Russia", 60.0, 100.0, "country", "country", "RU")


def incidents():
    return [
        Incident("i2", "airstrike_shelling", GAZA, Facts(killed=22), severity=4, severity_reason="4: 22 killed",
                 date="2024-01-10", title="Strikes", evidence="Strikes across Gaza killed 22.",
                 article_ids=("a7",), sources=(Source("a7", "Strikes", "https://example.org/7"),)),
        Incident("i1", "military_cooperation", KP, severity=1, origin=KP, destination=RU, article_ids=("a1", "a2")),
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
