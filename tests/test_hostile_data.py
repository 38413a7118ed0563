"""Issue 17, hostile values: what the store or the outputs cannot hold is a bad record.

Each case: a clear one-line error with exit code 2 (or a warning under
ingest.on_bad_record=skip that spares the companions), the store as it was, and the next clean
run on the same store passing.
"""

import json
import math
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.cli import main
from mapper.config import load_config
from mapper.errors import InputError
from mapper.pipeline import run as pipeline_run

KYIV = {
    "id": "1",
    "title": "Airstrike on Kyiv",
    "text": "An airstrike hit Kyiv on Monday, killing 5 people.",
    "date": "2025-03-03",
}
DHAKA = {
    "id": "1",
    "title": "Floods in Dhaka",
    "text": "Floods swept Dhaka, Bangladesh, leaving 12 people dead.",
    "date": "2025-03-05",
}
CLEAN = {
    "id": "clean",
    "title": "Earthquake in Lima",
    "text": "An earthquake struck Lima, Peru, on Sunday, injuring 40 people.",
    "date": "2025-04-06",
}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def stages(gazetteer):
    from mapper.events.taxonomy import load_taxonomy
    from mapper.geoparse import Geoparser
    from mapper.stages import Stages

    config = load_config(None)
    return Stages(gazetteer, Geoparser(gazetteer, config.geoparse), load_taxonomy(), config)


def write(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def run(tmp_path, *records, name="batch.jsonl", extra=()):
    """The CLI, in this process: its output and exit code."""
    batch = write(tmp_path / name, *records)
    return invoke("run", "--input", batch, "--output-dir", tmp_path / "out", *extra)


def api_run(tmp_path, stages, *records, name="batch.jsonl", overrides=()):
    """The same run through the API with loaded stages (the CLI reloads the gazetteer)."""
    batch = write(tmp_path / name, *records)
    config = load_config(None, list(overrides))
    return pipeline_run(config, inputs=[batch], output_dir=tmp_path / "out", stages=stages)


SKIP = ("ingest.on_bad_record=skip",)


def digest(tmp_path):
    from mapper.incidents.store import Store

    with Store.open(tmp_path / "out" / "mapper.sqlite", create=False) as store:
        return store.digest()


def integrity(tmp_path):
    db = sqlite3.connect(tmp_path / "out" / "mapper.sqlite")
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def error_line(result):
    lines = [line for line in result.output.splitlines() if line.startswith("mapper: error:")]
    assert len(lines) == 1, result.output
    assert "internal error" not in lines[0]
    return lines[0]


def test_case1_id_reused_in_a_later_batch_keeps_the_earlier_article(tmp_path):
    first = run(tmp_path, KYIV, name="a.jsonl")
    assert first.exit_code == 0, first.output
    second = run(tmp_path, DHAKA, name="b.jsonl")
    assert second.exit_code == 0, second.output
    assert "1 new, 0 skipped (seen before), 0 reprocessed" in second.output
    assert "id '1' is stored for another article, which is kept" in second.output
    features = json.loads((tmp_path / "out" / "incidents.geojson").read_text())["features"]
    titles = sorted(f["properties"]["title"] for f in features)
    assert titles == ["Airstrike on Kyiv", "Floods in Dhaka"]
    report = json.loads((tmp_path / "out" / "run.json").read_text())
    assert any("is stored for another article" in w for w in report["warnings"])
    again = run(tmp_path, DHAKA, name="b.jsonl")  # the same batch again changes nothing
    assert "0 new, 1 skipped (seen before)" in again.output


EXTREME_DATES = [
    {"text": "An airstrike hit Kyiv.", "date": "9999-12-31"},
    {"text": "An airstrike hit Kyiv on Tuesday.", "date": "0001-01-01"},
    {"text": "An airstrike hit Kyiv last year.", "date": "0001-03-01"},
    {"text": "An airstrike hit Kyiv on 9999-12-31.", "date": "2025-01-01"},
    {"text": "An airstrike hit Kyiv 9999999 weeks ago.", "date": "2025-01-01"},
]


@pytest.mark.parametrize("record", EXTREME_DATES, ids=range(len(EXTREME_DATES)))
def test_case2_extreme_dates_are_bad_records(tmp_path, stages, record):
    api_run(tmp_path, stages, CLEAN, name="seed.jsonl")
    before = digest(tmp_path)
    with pytest.raises(InputError, match=r"batch\.jsonl:1: ") as refused:
        api_run(tmp_path, stages, {"id": "x", **record}, CLEAN)
    assert refused.value.exit_code == 2 and "\n" not in str(refused.value)
    assert digest(tmp_path) == before and integrity(tmp_path) == "ok"
    good = [
        {"id": f"g{i}", "text": f"Floods hit Dhaka, day {i}.", "date": "2025-05-01"}
        for i in range(20)
    ]
    summary = api_run(tmp_path, stages, {"id": "x", **record}, *good, overrides=SKIP)
    assert summary.articles_skipped_bad == 1 and summary.articles_new == 20
    assert any("batch.jsonl:1" in w and "skipped" in w for w in summary.warnings)
    clean = api_run(tmp_path, stages, {**CLEAN, "id": "after", "text": "Floods hit Dhaka."})
    assert clean.articles_new == 1


def test_case2_cli_refuses_an_extreme_date_with_exit_2(tmp_path):
    result = run(tmp_path, {"id": "x", **EXTREME_DATES[1]}, CLEAN)
    assert result.exit_code == 2
    assert "batch.jsonl:1: date '0001-01-01' is outside" in error_line(result)
    assert not (tmp_path / "out" / "mapper.sqlite").exists()


def test_case3_absurd_numbers_are_bad_records(tmp_path, stages):
    killed = {"id": "k", "text": f"An airstrike on Kyiv killed 1{'0' * 400} people."}
    burned = {"id": "w", "text": f"A wildfire near Athens burned 1{'0' * 400} hectares."}
    huge = {"id": "h", "text": "A wildfire near Athens burned 90000000000000000 hectares."}
    for record in (killed, burned, huge):
        with pytest.raises(InputError, match=r"^batch\.jsonl:1: "):
            api_run(tmp_path, stages, record, CLEAN)
    summary = api_run(tmp_path, stages, killed, burned, huge, CLEAN, overrides=SKIP)
    assert summary.articles_new == 1 and summary.articles_skipped_bad == 3
    text = (tmp_path / "out" / "incidents.geojson").read_text()
    assert "Infinity" not in text and len(json.loads(text)["features"]) == 1
    exported = invoke("export", "--output-dir", tmp_path / "out", "-o", tmp_path / "e.geojson")
    assert exported.exit_code == 0 and "Infinity" not in (tmp_path / "e.geojson").read_text()


def test_case3_cli_refuses_an_absurd_toll_with_exit_2(tmp_path):
    result = run(tmp_path, {"id": "k", "text": f"An airstrike on Kyiv killed 1{'0' * 400} people."})
    assert result.exit_code == 2
    assert "batch.jsonl:1: cannot be processed" in error_line(result)


def _poison(tmp_path):
    """What an earlier version let in: an infinite area and a date past date arithmetic."""
    db = sqlite3.connect(tmp_path / "out" / "mapper.sqlite")
    with db:
        for table, column in (("events", "data"), ("incidents", "data")):
            for key, data in db.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
                value = json.loads(data)
                value["facts"]["area_burned_ha"] = math.inf
                value["event_date" if table == "events" else "date"] = "9999-12-31"
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (json.dumps(value), key)
                )
        db.execute("UPDATE articles SET date = '9999-12-31'")
        db.execute("UPDATE incidents SET date = '9999-12-31'")
    db.close()


def test_case2_3_a_store_holding_what_earlier_versions_let_in_still_runs(tmp_path, stages):
    api_run(tmp_path, stages, CLEAN, name="seed.jsonl")
    _poison(tmp_path)
    result = run(tmp_path, KYIV, name="next.jsonl")
    assert result.exit_code == 0, result.output
    assert "stored area_burned_ha is inf" in result.output
    assert "Infinity" not in (tmp_path / "out" / "incidents.geojson").read_text()
    exported = invoke("export", "--output-dir", tmp_path / "out", "-o", tmp_path / "e.geojson")
    assert exported.exit_code == 0, exported.output
    assert "Infinity" not in (tmp_path / "e.geojson").read_text()
    window = ("incidents.merge_window_days=0",)
    assert api_run(tmp_path, stages, KYIV, name="next.jsonl", overrides=window).incidents == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--set", "incidents.merge_window_days=10000000"],
        ["--last-days", "1000000"],
        ["--set", "incidents.merge_window_days=1e400"],
    ],
)
def test_case4_out_of_range_settings_exit_2(tmp_path, args):
    result = run(tmp_path, CLEAN, extra=args)
    assert result.exit_code == 2, result.output
    assert error_line(result)
    assert not (tmp_path / "out" / "mapper.sqlite").exists()


# Any value a JSON record can carry, in every field.
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["9999-12-31", "0001-01-01", "0000-00-00", "1e400", "-1", "", "\x00"]),
    st.text(max_size=20),
)
_NUMBERS = st.sampled_from(["1" + "0" * 400, "1e400", "99999999999999", "0", "-5", "7.5"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.fixed_dictionaries(
        {"id": _VALUES, "title": _VALUES, "date": _VALUES, "url": _VALUES, "source": _VALUES}
    ),
    number=_NUMBERS,
    unit=st.sampled_from(["people were killed", "hectares burned", "magnitude", "weeks ago"]),
)
def test_extreme_values_in_every_field_never_brick_the_store(
    tmp_path_factory, stages, fields, number, unit
):
    tmp_path = tmp_path_factory.mktemp("prop")
    record = {**fields, "text": f"An earthquake near Lima: {number} {unit} on Tuesday."}
    try:
        api_run(tmp_path, stages, record, CLEAN, overrides=SKIP)
    except InputError as exc:  # refused whatever the policy (a limit), never a crash
        assert exc.exit_code == 2
    clean = api_run(tmp_path, stages, {**CLEAN, "id": "after", "text": CLEAN["text"] + " Again."})
    assert clean.articles_new == 1
    assert integrity(tmp_path) == "ok"


def test_case11_merged_incident_shows_the_report_its_toll_comes_from(tmp_path, stages):
    first = {
        "id": "r1",
        "title": "Airstrike on Kharkiv: 17 dead",
        "text": "An airstrike on Kharkiv killed 17 people on Monday.",
        "date": "2025-06-02",
    }
    second = {
        "id": "r2",
        "title": "Kharkiv airstrike toll rises to 21",
        "text": "The airstrike on Kharkiv on Monday killed 21 people, officials said.",
        "date": "2025-06-02",
    }
    api_run(tmp_path, stages, first, second)
    [feature] = json.loads((tmp_path / "out" / "incidents.geojson").read_text())["features"]
    shown = feature["properties"]
    assert shown["killed"] == 21
    assert shown["title"] == second["title"]
    assert "21" in shown["severity_reason"] and "17" not in shown["severity_reason"]
    assert "21" in shown["evidence"]
