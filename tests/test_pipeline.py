"""Incremental runs for real: batches into one store, reruns, setting changes, a SIGKILL."""

import json
import signal
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.cli import main
from mapper.config import load_config
from mapper.events.taxonomy import load_taxonomy
from mapper.geoparse import Geoparser
from mapper.incidents.store import Store
from mapper.pipeline import run
from mapper.stages import Stages
from tests.conftest import SAMPLE_BATCH
from tests.processes import run_stopped_mid_batch, write_batch

OUTPUTS = ("incidents.geojson", "incidents.csv", "incident_map.html")
QUAKE_95 = (
    "A magnitude 6.8 earthquake rocked the northern foothills of the Himalayas near one of "
    "Tibet's holiest cities on Tuesday, Chinese authorities said, killing at least 95 people and "
    "shaking buildings in neighbouring Nepal, Bhutan and India."
)
QUAKE_126 = (
    "At least 126 people have been killed by Tuesday's 6.8 earthquake in Tibet, while more than "
    "400 people trapped in the foothills of the Himalayas have been rescued, and over 30,000 "
    "residents relocated, as the search for survivors continues."
)
FIRE = (
    "A rapidly growing wildfire raged across an upscale section of Los Angeles on Tuesday, "
    "destroying homes as 30,000 people evacuated beneath huge plumes of smoke."
)


def stages_for(config, gazetteer):
    return Stages(gazetteer, Geoparser(gazetteer, config.geoparse), load_taxonomy(), config)


@pytest.fixture(scope="module")
def config():
    return load_config(None)


@pytest.fixture(scope="module")
def stages(config, gazetteer):
    return stages_for(config, gazetteer)


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def batches(tmp_path):
    """The bundled sample split in two batches."""
    lines = SAMPLE_BATCH.read_text(encoding="utf-8").splitlines(keepends=True)
    b1, b2 = tmp_path / "b1.jsonl", tmp_path / "b2.jsonl"
    b1.write_text("".join(lines[:25]), encoding="utf-8")
    b2.write_text("".join(lines[25:]), encoding="utf-8")
    return b1, b2


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def features(out: Path) -> list[dict]:
    data = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    return [f["properties"] for f in data["features"]]


def test_pipeline_rerun_of_a_seen_batch_changes_nothing(tmp_path, batches, config, stages):
    b1, b2 = batches
    out = tmp_path / "out"
    first = run(config, inputs=[b1], output_dir=out, stages=stages)
    after_b1 = outputs(out)
    again = run(config, inputs=[b1], output_dir=out, stages=stages)
    assert outputs(out) == after_b1  # byte-identical, `new` flags included
    assert (again.articles_new, again.articles_skipped, again.run_id) == (0, 25, None)
    assert all(p["new"] for p in features(out))

    second = run(config, inputs=[b2], output_dir=out, stages=stages)
    after_b2 = outputs(out)
    assert second.articles_new == 28 and second.run_id == first.run_id + 1
    assert len(features(out)) == first.incidents + len(second.incidents_created)
    rerun = run(config, inputs=[b1], output_dir=out, stages=stages)
    assert outputs(out) == after_b2
    assert (rerun.articles_skipped, rerun.incidents_created, rerun.incidents_updated) == (
        25,
        [],
        {},
    )
    report = json.loads((out / "run.json").read_text())
    assert report["run"] is None and report["articles"]["skipped"] == 25
    # After B2, only what B2 created or updated is new.
    new = {p["incident_id"] for p in features(out) if p["new"]}
    assert new == set(second.incidents_created) | set(second.incidents_updated)


def test_pipeline_two_batches_merge_one_event_with_the_later_toll(tmp_path, config, stages):
    b1 = write_jsonl(
        tmp_path / "b1.jsonl",
        [
            {
                "id": "quake-95",
                "title": "Quake in Tibet",
                "text": QUAKE_95,
                "date": "2025-01-07",
                "url": "https://example.org/95",
            },
            {"id": "fire", "title": "Fire", "text": FIRE, "date": "2025-01-07"},
        ],
    )
    b2 = write_jsonl(
        tmp_path / "b2.jsonl",
        [
            {
                "id": "quake-126",
                "title": "Tibet toll rises",
                "text": QUAKE_126,
                "date": "2025-01-08",
                "url": "https://example.org/126",
            },
        ],
    )
    out = tmp_path / "out"
    run(config, inputs=[b1], output_dir=out, stages=stages)
    [quake] = [p for p in features(out) if p["category"] == "earthquake"]
    assert quake["killed"] == 95 and quake["sources"] == 1

    summary = run(config, inputs=[b2], output_dir=out, stages=stages)
    quakes = [p for p in features(out) if p["category"] == "earthquake"]
    assert len(quakes) == 1
    merged = quakes[0]
    assert merged["incident_id"] == quake["incident_id"]  # stable across batches
    assert merged["killed"] == 126 and merged["magnitude"] == 6.8
    assert merged["sources"] == 2 and merged["article_ids"] == ["quake-126", "quake-95"]
    assert (merged["first_seen"], merged["last_seen"]) == ("2025-01-07", "2025-01-08")
    assert merged["urls"] == ["https://example.org/126", "https://example.org/95"]
    assert merged["new"] is True
    [fire] = [p for p in features(out) if p["category"] == "wildfire"]
    assert fire["new"] is False  # untouched by this run
    assert summary.incidents_created == []
    assert summary.incidents_updated[quake["incident_id"]]["killed"] == [95, 126]
    report = json.loads((out / "run.json").read_text())
    assert report["incidents"]["updated"][quake["incident_id"]]["sources"] == [1, 2]

    highest = load_config(None, ["events.toll_policy=highest"])
    stages_highest = stages_for(highest, stages.gazetteer)
    again = run(highest, inputs=[b2], output_dir=out, stages=stages_highest)
    assert again.articles_reprocessed == 0  # a merge setting: nothing to read again
    assert [p["killed"] for p in features(out) if p["category"] == "earthquake"] == [126]


def test_pipeline_setting_change_reprocesses_stored_articles(tmp_path, batches, config, stages):
    b1, b2 = batches
    out = tmp_path / "out"
    run(config, inputs=[b1], output_dir=out, stages=stages)
    run(config, inputs=[b2], output_dir=out, stages=stages)

    title = load_config(None, ["render.title=Another title"])
    same = run(title, inputs=[b1], output_dir=out, stages=stages_for(title, stages.gazetteer))
    assert (same.articles_reprocessed, same.articles_skipped) == (0, 25)

    hinted = load_config(None, ["geoparse.country_hint=US"])
    hinted_stages = stages_for(hinted, stages.gazetteer)
    changed = run(hinted, inputs=[b2], output_dir=out, stages=hinted_stages)
    # Every stored article, in this batch or not, is read again under the new setting.
    assert (changed.articles_new, changed.articles_skipped, changed.articles_reprocessed) == (
        0,
        0,
        53,
    )
    report = json.loads((out / "run.json").read_text())
    assert report["articles"]["reprocessed_because"] == {"settings changed": 53}
    assert changed.places_found > 0
    with Store.open(out / "mapper.sqlite") as store:
        assert store.counts()["articles"] == 53
        assert len({row[0] for row in store.db.execute("SELECT config_hash FROM articles")}) == 1

    settled = run(hinted, inputs=[b2], output_dir=out, stages=hinted_stages)
    assert (settled.articles_reprocessed, settled.articles_skipped) == (0, 28)


def store_state(path: Path) -> tuple[str, dict[str, int]]:
    with Store.open(path) as store:
        return store.digest(), store.counts()


def test_pipeline_sigkill_mid_batch_then_rerun_loses_and_duplicates_nothing(
    tmp_path, batches, config, stages
):
    b1, b2 = batches
    big = write_batch(tmp_path / "b2_big.jsonl", 3000)  # enough to be seen mid-batch
    with big.open("a", encoding="utf-8") as out_file:
        out_file.write(b2.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    run(config, inputs=[b1], output_dir=out, stages=stages)
    before = store_state(out / "mapper.sqlite")
    files_before = outputs(out)

    stopped = run_stopped_mid_batch(["--input", big, "--output-dir", out], cwd=tmp_path)
    try:
        # Mid-batch, seen from outside: articles stored inside the open transaction.
        assert stopped.total == 3028  # the whole batch, stopped with part of it stored
        assert (out / "mapper.sqlite-wal").exists()  # WAL mode: the batch is in the log
        assert stopped.kill() == -signal.SIGKILL
    finally:
        stopped.close()

    assert store_state(out / "mapper.sqlite") == before
    assert outputs(out) == files_before
    summary = run(config, inputs=[big], output_dir=out, stages=stages)
    assert (summary.articles_new, summary.articles_skipped) == (3028, 0)

    reference = tmp_path / "reference"
    run(config, inputs=[b1], output_dir=reference, stages=stages)
    run(config, inputs=[big], output_dir=reference, stages=stages)
    assert outputs(out) == outputs(reference)
    _, counts = store_state(out / "mapper.sqlite")
    assert counts == store_state(reference / "mapper.sqlite")[1]
    assert counts["articles"] == 3053 and counts["runs"] == 2
    assert not list(out.glob(".*.tmp"))


def test_pipeline_window_since_and_last_days(tmp_path, config, stages):
    out = tmp_path / "out"
    whole = run(config, inputs=[SAMPLE_BATCH], output_dir=out, stages=stages)
    recent = run(config, inputs=[SAMPLE_BATCH], output_dir=out, stages=stages, since="2026-11-01")
    assert 0 < recent.incidents < whole.incidents
    assert all(max(p["last_seen"] or "", p["date"] or "") >= "2026-11-01" for p in features(out))
    days = run(
        config,
        inputs=[SAMPLE_BATCH],
        output_dir=out,
        stages=stages,
        last_days=23,
        today=date(2026, 11, 24),
    )
    assert days.incidents == recent.incidents
    assert days.incidents_stored == whole.incidents  # the store keeps everything


def test_pipeline_memory_store_and_store_path(tmp_path, batches, config, stages):
    b1, _ = batches
    memory = load_config(None, ['store.path=":memory:"'])  # quoted: YAML reads :x: as a mapping
    for _ in range(2):
        summary = run(memory, inputs=[b1], output_dir=tmp_path / "m", stages=stages)
        assert summary.articles_new == 25  # nothing remembered
    assert not (tmp_path / "m" / "mapper.sqlite").exists()

    elsewhere = load_config(None, [f"store.path={tmp_path / 'kept.sqlite'}"])
    run(elsewhere, inputs=[b1], output_dir=tmp_path / "o", stages=stages)
    assert (tmp_path / "kept.sqlite").exists() and not (tmp_path / "o" / "mapper.sqlite").exists()


def test_pipeline_cli_run_summary_and_report(tmp_path, batches):
    b1, _ = batches
    out = tmp_path / "out"
    args = ["run", "--input", str(b1), "--output-dir", str(out)]
    first = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "articles:        25 new, 0 skipped (seen before), 0 reprocessed" in first.output
    assert f"wrote report   {out / 'run.json'}" in first.output
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "articles:        0 new, 25 skipped (seen before), 0 reprocessed" in again.output
    assert "(unchanged," in again.output
    report = json.loads((out / "run.json").read_text())
    counts = list(report["unresolved_places"].values())
    assert counts == sorted(counts, reverse=True)
    bad = CliRunner().invoke(main, [*args, "--since", "2026-13-01"])
    assert bad.exit_code == 2 and "--since" in bad.stderr
    both = CliRunner().invoke(main, [*args, "--since", "2026-01-01", "--last-days", "3"])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_place_reasons_copy_every_field_of_a_location() -> None:
    """_with_place_reasons builds EventLocations field by field (replace() is slow): a field
    added to EventLocation must be added there too."""
    from dataclasses import fields

    from mapper.models import EventLocation

    assert [f.name for f in fields(EventLocation)] == [
        "name",
        "role",
        "place",
        "start",
        "end",
        "reason",
    ]
