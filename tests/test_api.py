"""The library API (mapper/api.py, mapper/frames.py): what a notebook user calls."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import mapper
from mapper import api
from mapper.config import load_config

QUAKE = "A magnitude 5.8 earthquake struck near Arequipa, Peru on Tuesday, killing 3 people."
FLOOD = "Flash floods swept through Sylhet, Bangladesh, and left 7 people dead."
FIRE = "A wildfire near Adelaide, Australia forced 1,500 residents to evacuate."


def test_import_is_cheap_and_dir_lists_the_api():
    code = (
        "import sys, mapper; names = dir(mapper); "
        "print(all(n in names for n in ('run', 'geoparse', 'extract', 'incidents_frame'))); "
        "print(sorted(m for m in ('pandas', 'folium', 'mapper.pipeline', 'mapper.gazetteer') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["True", "[]"]


def test_every_name_in_all_resolves():
    for name in mapper.__all__:
        assert getattr(mapper, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = mapper.nope


def test_geoparse_returns_toponyms_with_places():
    text = "Protests spread from Nairobi to Kisumu."
    toponyms = mapper.geoparse(text)
    assert [t.name for t in toponyms] == ["Nairobi", "Kisumu"]
    for t in toponyms:
        assert isinstance(t, mapper.Toponym)
        assert text[t.start : t.end] == t.name
        assert t.place is not None and t.place.country == "KE"


def test_geoparse_package_is_still_the_package():
    # mapper.geoparse is the function users call and the package modules import from.
    from mapper.geoparse import Geoparser

    assert callable(mapper.geoparse)
    assert mapper.geoparse.Geoparser is Geoparser


def test_geoparse_settings_change_the_answer():
    assert mapper.geoparse("A fire in Perth.")[0].place.country == "AU"
    assert mapper.geoparse("A fire in Perth.", country_hint="CA")[0].place.country == "CA"
    nested = mapper.geoparse("A fire in Perth.", geoparse={"country_hint": "CA"})
    assert nested[0].place.country == "CA"


def test_settings_errors_list_the_valid_names():
    with pytest.raises(mapper.ConfigError) as error:
        mapper.geoparse("Rain in Oslo.", contry_hint="NO")
    message = str(error.value)
    assert message.startswith("mapper.geoparse: unknown setting 'contry_hint'")
    assert "did you mean 'country_hint'?" in message
    assert "valid settings: bbox_hint, cache_dir" in message
    with pytest.raises(mapper.ConfigError, match="'XX' is not an ISO 3166-1 alpha-2"):
        mapper.geoparse("Rain in Oslo.", country_hint="XX")
    with pytest.raises(mapper.ConfigError, match="unknown setting 'taxonomy'"):
        mapper.geoparse("Rain in Oslo.", taxonomy="default")  # an extract setting
    with pytest.raises(mapper.ConfigError, match=r"events\.toll_policy: 'most'"):
        mapper.extract("Rain in Oslo.", toll_policy="most")


def test_models_are_loaded_once_and_shared():
    default = load_config(None)
    hinted = api.with_settings(default, {"country_hint": "US"}, ("geoparse",), "test")
    first = api.stages_for(default)
    assert api.stages_for(load_config(None)) is first
    other = api.stages_for(hinted)
    assert other is not first and other.gazetteer is first.gazetteer


def test_settings_are_applied_once_per_distinct_call(monkeypatch):
    sections = ("geoparse", "geocoder")
    first = api._configured(None, {"country_hint": "KE"}, sections, "t")
    assert api._configured(None, {"country_hint": "KE"}, sections, "t") is first
    assert api._configured(None, {"country_hint": "UG"}, sections, "t").geoparse.country_hint == (
        "UG"
    )
    remote = {"provider": "opencage", "user_agent": "mapper-tests"}
    assert api._configured(None, remote, sections, "t").geocoder.options == {}
    monkeypatch.setenv("MAPPER_GEOCODER_API_KEY", "from-env")  # a new environment: applied anew
    assert api._configured(None, remote, sections, "t").geocoder.options == {"api_key": "from-env"}


def test_extract_returns_the_event():
    event = mapper.extract(QUAKE, date="2025-06-12")  # a Thursday
    assert isinstance(event, mapper.Event)
    assert event.category == "earthquake"
    assert event.facts.killed == 3 and event.facts.magnitude == 5.8
    assert event.event_date == "2025-06-10"  # "on Tuesday", counted back from the date
    assert event.location("event").place.country == "PE"
    with pytest.raises(mapper.InputError, match=r"date: .*'next week' is not a date"):
        mapper.extract(QUAKE, date="next week")
    with pytest.raises(TypeError, match="text must be a str, not bytes"):
        mapper.extract(QUAKE.encode())


def test_article_takes_the_file_formats_id():
    article = mapper.Article(id="a1", text="Rain.")
    assert article.article_id == "a1" and article.id == "a1"
    assert mapper.Article("a2", "Rain.").id == "a2"
    with pytest.raises(TypeError, match="both id and article_id"):
        mapper.Article("a3", "Rain.", id="a4")
    with pytest.raises(TypeError, match="missing required argument"):
        mapper.Article(text="Rain.")


def articles_frame() -> pd.DataFrame:
    """What pandas.read_json / read_csv give: gaps as NaN and NaT, ids as floats."""
    return pd.DataFrame(
        {
            "id": [101, 102, np.nan],
            "title": pd.Series(["Quake", None, "Bushfire"], dtype=object),
            "text": [QUAKE, FLOOD, FIRE],
            "date": pd.to_datetime(["2025-06-12", "2025-06-13", None]),
            "url": [np.nan, "https://news.example.org/floods", None],
            "source": pd.NA,
        }
    )


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("api-run")
    return mapper.run(articles_frame(), output_dir=out, render=False), out


def test_run_takes_a_dataframe_and_returns_incidents(result):
    run, out = result
    assert run.summary.articles_read == 3 and len(run) == 3
    assert {i.category for i in run.incidents} == {"earthquake", "flood_storm", "wildfire"}
    by_category = {i.category: i for i in run.incidents}
    assert by_category["earthquake"].article_ids == ("101",)  # 101.0 read as id 101
    assert by_category["wildfire"].article_ids[0].startswith("h")  # no id: a content id
    assert by_category["flood_storm"].sources[0].url == "https://news.example.org/floods"
    assert not (out / "incident_map.html").exists()  # render=False
    assert set(run.outputs) == {
        "geojson",
        "areas",
        "transfers",
        "unplaced",
        "columns",
        "csv",
        "report",
    }


def test_to_frame_has_typed_columns(result):
    run, out = result
    frame = run.to_frame()
    assert len(frame) == 3 and list(frame.columns[:3]) == ["lat", "lon", "incident_id"]
    dtypes = frame.dtypes.astype(str).to_dict()
    assert dtypes["lat"] == "float64" and dtypes["severity"] == "int64"
    assert dtypes["killed"] == "Int64" and dtypes["magnitude"] == "Float64"
    assert dtypes["date"] == "datetime64[s]" and dtypes["new"] == "bool"
    assert dtypes["category"] == "string"
    quake = frame.set_index("category").loc["earthquake"]
    assert quake["killed"] == 3 and quake["date"] == pd.Timestamp("2025-06-10")
    fire = frame.set_index("category").loc["wildfire"]
    assert fire["killed"] is pd.NA and fire["evacuated"] == 1500
    assert fire["date"] is pd.NaT
    pd.testing.assert_frame_equal(mapper.incidents_frame(out), frame)
    assert len(mapper.incidents_frame(out / "mapper.sqlite", since="2025-06-13")) == 1


def test_geo_interface_feeds_shapely_and_geopandas(result):
    from shapely.geometry import shape

    run, _ = result
    quake = next(i for i in run.incidents if i.category == "earthquake")
    point = shape(quake.__geo_interface__["geometry"])
    assert point.geom_type == "Point"
    assert (round(point.x, 4), round(point.y, 4)) == (
        round(quake.place.lon, 4),
        round(quake.place.lat, 4),
    )
    collection = run.__geo_interface__
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    geopandas = pytest.importorskip("geopandas")
    frame = geopandas.GeoDataFrame.from_features(run, crs="EPSG:4326")
    assert sorted(frame["category"]) == ["earthquake", "flood_storm", "wildfire"]
    assert frame.geometry.geom_type.unique().tolist() == ["Point"]


def test_run_with_a_memory_store_keeps_nothing_but_returns_incidents(tmp_path):
    frame = articles_frame().iloc[:1]
    run = mapper.run(frame, output_dir=tmp_path, render=False, store={"path": ":memory:"})
    assert [i.category for i in run.incidents] == ["earthquake"]
    assert not (tmp_path / "mapper.sqlite").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(text=[QUAKE, np.nan, FIRE]), "DataFrame row 1: 'text' is missing"),
        (
            lambda f: f.set_axis(["a", "b", "c"]).assign(
                title=pd.Series([["a"], None, None], dtype=object, index=["a", "b", "c"])
            ),
            "DataFrame row 0 (index 'a'): 'title' is a list, not a string",
        ),
        (
            lambda f: f.assign(url=[None, pd.Timestamp("2025-01-01"), None]),
            "DataFrame row 1: 'url' is a Timestamp, not a string",
        ),
        (lambda f: f.assign(id=[True, 2, 3]), "DataFrame row 0: 'id' is a bool, not a string"),
        (
            lambda f: f.assign(date=["2025-06-12", "soon", None]),
            "DataFrame row 1: date 'soon' is not a date",
        ),
        (lambda f: f.drop(columns="text"), "DataFrame: no 'text' column (columns: id, title"),
        (lambda f: f.iloc[:0], "DataFrame: no rows"),
    ],
)
def test_dataframe_fields_are_checked_row_by_row(tmp_path, change, message):
    with pytest.raises(mapper.InputError) as error:
        mapper.run(change(articles_frame()), output_dir=tmp_path)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "mapper.sqlite").exists()


def test_dataframe_limits_name_the_row_and_its_label(tmp_path):
    frame = articles_frame().set_axis(["q", "f", "w"])
    with pytest.raises(mapper.InputError) as error:
        mapper.run(frame, output_dir=tmp_path, max_article_chars=80)
    assert str(error.value) == (
        "DataFrame row 0 (index 'q'): text has 83 characters, over ingest.max_article_chars (80)"
    )


def test_run_keeps_the_earlier_config_first_form(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "x", "text": FLOOD}) + "\n")
    run = mapper.run(load_config(None), inputs=[batch], output_dir=tmp_path, render=False)
    assert [i.category for i in run.incidents] == ["flood_storm"]
    with pytest.raises(TypeError, match="a path, a list of paths or a pandas DataFrame"):
        mapper.run(42)


def test_a_frame_from_read_json_maps_as_the_file_does(tmp_path):
    # pandas.read_json turns the null url into NaN and dates into Timestamps: same incidents.
    from mapper.config import SAMPLE_INPUT

    frame = pd.read_json(SAMPLE_INPUT, lines=True)
    assert frame["url"].isna().sum() == 1
    from_frame = mapper.run(frame, output_dir=tmp_path / "frame", render=False)
    from_file = mapper.run(SAMPLE_INPUT, output_dir=tmp_path / "file", render=False)
    assert from_frame.summary.articles_read == 53 and len(from_frame) == len(from_file)
    geojson = "incidents.geojson"
    assert (tmp_path / "frame" / geojson).read_bytes() == (tmp_path / "file" / geojson).read_bytes()
