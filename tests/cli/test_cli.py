"""The CLI contract, run for real (CliRunner in-process; one subprocess for the entry point)."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mapper.cli import main
from mapper.gazetteer import haversine_km
from tests.conftest import REPO, SAMPLE_BATCH


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, seed_articles):
    out = tmp_path_factory.mktemp("seed")
    result = invoke("run", "--input", seed_articles, "--output-dir", out)
    assert result.exit_code == 0, result.output
    features = json.loads((out / "incidents.geojson").read_text())["features"]
    return result, out, features


def near(feature, lat, lon, km):
    lon_, lat_ = feature["geometry"]["coordinates"]
    return haversine_km(lat, lon, lat_, lon_) <= km


def test_cli_run_writes_outputs_and_summary(seed_run):
    result, out, _ = seed_run
    for name in ("incident_map.html", "incidents.geojson", "incidents.csv"):
        assert (out / name).stat().st_size > 0
    assert "articles read:   10" in result.output
    assert "places found:" in result.output
    assert f"wrote geojson  {out / 'incidents.geojson'}" in result.output


def test_cli_run_seed_gaza_strikes(seed_run):
    _, _, features = seed_run
    gaza = [f for f in features if f["properties"]["killed"] == 22]
    assert gaza and near(gaza[0], 31.42, 34.35, 150)
    assert gaza[0]["properties"]["category"] in ("airstrike_shelling", "armed_conflict")


def test_cli_run_seed_tibet_earthquake(seed_run):
    # The two undated Tibet paragraphs (95, then 126 killed) are one quake: the batch's date
    # stands in for theirs, and the toll is the later, higher count.
    _, _, features = seed_run
    [quake] = [f for f in features if f["properties"]["category"] == "earthquake"]
    props = quake["properties"]
    assert props["magnitude"] == 6.8 and props["killed"] == 126
    assert props["sources"] == 2
    assert near(quake, 31.0, 88.0, 1200)  # inside the Tibet Autonomous Region's extent


def test_cli_run_seed_los_angeles_wildfire(seed_run):
    _, _, features = seed_run
    [fire] = [f for f in features if f["properties"]["category"] == "wildfire"]
    assert fire["properties"]["evacuated"] == 30000
    assert near(fire, 34.05, -118.24, 150)


def test_cli_run_seed_arms_transfer(seed_run):
    _, _, features = seed_run
    transfers = [f for f in features if f["properties"]["category"] == "military_cooperation"]
    assert any(f["properties"]["country"] in ("KP", "RU") for f in transfers)


def test_cli_run_is_deterministic(seed_run, seed_articles, tmp_path):
    _, out, _ = seed_run
    assert invoke("run", "--input", seed_articles, "--output-dir", tmp_path).exit_code == 0
    for name in ("incidents.geojson", "incidents.csv", "incident_map.html"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_cli_run_in_an_empty_folder_maps_the_bundled_sample(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config.yaml, no input: the sample shipped in the package
    result = invoke("run")
    assert result.exit_code == 0, result.output
    assert "articles read:   53" in result.output
    out = tmp_path / "output"
    features = json.loads((out / "incidents.geojson").read_text())["features"]
    assert len({f["properties"]["category"] for f in features}) >= 10
    assert (out / "incident_map.html").is_file()
    assert "GeoNames" in (out / "ATTRIBUTION.txt").read_text()
    again = tmp_path / "again"
    explicit = invoke("run", "--input", SAMPLE_BATCH, "--output-dir", again)
    assert explicit.exit_code == 0, explicit.output
    assert (again / "incidents.geojson").read_bytes() == (out / "incidents.geojson").read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok"}\n{broken\n', "bad.jsonl:2: malformed JSON"),
        ("", "bad.jsonl: file is empty"),
    ],
)
def test_cli_bad_input_exit_2_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--input", str(bad), "--output-dir", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_geoparse_contract(tmp_path):
    docs = tmp_path / "docs.jsonl"
    texts = ["Strikes hit Gaza and Rafah.", "No places here at all."]
    docs.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )
    out = tmp_path / "places.jsonl"
    assert invoke("geoparse", docs, "-o", out).exit_code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["d0", "d1"]
    assert lines[1]["toponyms"] == []
    for toponym in lines[0]["toponyms"]:
        assert texts[0][toponym["start"] : toponym["end"]] == toponym["name"]
        assert set(toponym) >= {"lat", "lon", "place_id", "country", "precision", "score"}
    assert [t["name"] for t in lines[0]["toponyms"]] == ["Gaza", "Rafah"]


def test_cli_extract_contract(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        json.dumps(
            {
                "id": "q",
                "text": "A magnitude 6.1 earthquake struck Peru, killing 12 people.",
                "date": "2025-03-02",
            }
        )
        + "\n"
    )
    result = invoke("extract", docs)
    line = json.loads(result.output.strip().splitlines()[-1])
    assert line["id"] == "q" and line["event_type"] == "earthquake"
    assert line["facts"]["killed"] == 12 and line["facts"]["magnitude"] == 6.1
    assert {"severity", "severity_reason", "event_date", "locations"} <= set(line)


def test_cli_help_teaches():
    result = invoke("--help")
    for command in ("run", "geoparse", "extract", "render", "gazetteer", "config"):
        assert command in result.output
    assert "Example:" in invoke("run", "--help").output


def test_cli_config_error_lists_valid_keys(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("geoparse:\n  contry_hint: US\n")
    result = CliRunner().invoke(main, ["config", "show", "--config", str(config)])
    assert result.exit_code == 2
    assert "valid keys: bbox_hint, country_hint, min_score" in result.stderr


def test_cli_entry_point_runs():
    import mapper

    result = subprocess.run(
        [sys.executable, "-m", "mapper", "--version"], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"mapper, version {mapper.__version__}"


def test_cli_gazetteer_info_credits_the_data_sources():
    from mapper.attribution import DATA_SOURCES

    result = invoke("gazetteer", "info")
    assert result.exit_code == 0, result.output
    for source in DATA_SOURCES:
        assert source.as_text() in result.output


def test_cli_internal_error_is_one_line(tmp_path, monkeypatch):
    import mapper.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(mapper.pipeline, "run", broken)
    result = CliRunner().invoke(main, ["run", "--output-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "mapper: error: internal error: RuntimeError: boom (rerun with -v for details)"
    )
