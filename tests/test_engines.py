"""Engines and streaming: every engine, every chunk size, writes the same bytes.

- The Dask engine (LocalCluster, 2 worker processes) and the local engine with 2 worker
  processes write exactly what the local engine writes in one process (issue 7's acceptance).
- A batch streamed in small chunks gives what the whole batch planned at once gives, through
  reruns, changed content, duplicates and a settings change.
- Reading a file line by line (iter_articles(stream=True)) gives the same articles, skips,
  warnings and errors as reading it whole.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from collections import Counter
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper import engines
from mapper.cli import main
from mapper.config import IngestConfig, load_config
from mapper.engines import Engine, InProcessEngine, process_articles
from mapper.errors import ConfigError, InputError, MapperError
from mapper.events.taxonomy import load_taxonomy
from mapper.geoparse import Geoparser
from mapper.incidents.store import Store
from mapper.ingest import IngestReport, iter_articles, read_articles, unique_articles
from mapper.models import Article, GeoparsedArticle
from mapper.outputs import write_outputs
from mapper.pipeline import run
from mapper.stages import Stages, processing_hash

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fuzz_corpus"
OUTPUTS = ("incidents.geojson", "incidents.csv", "incident_map.html")


def _bench() -> Any:
    """bench/bench_engines.py, whose generator makes the synthetic batches."""
    spec = importlib.util.spec_from_file_location(
        "bench_engines", REPO / "bench" / "bench_engines.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def synthetic_batch(path: Path, count: int, seed: int = 7, days: int = 20) -> Path:
    return bench.write_jsonl(
        path, bench.synthetic_records(count, seed=seed, days=days, quirks=True)
    )


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def report(out: Path) -> dict[str, Any]:
    """run.json less what names the output folder."""
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    del data["store"], data["outputs"]
    return data


@pytest.fixture(scope="module")
def stages(gazetteer) -> Stages:
    config = load_config(None)
    return Stages(gazetteer, Geoparser(gazetteer, config.geoparse), load_taxonomy(), config)


# ---- every engine writes the same bytes ---------------------------------------------------------


@pytest.mark.slow
def test_dask_and_process_pool_write_what_the_local_engine_writes(tmp_path, stages):
    pytest.importorskip("distributed", reason="the Dask engine needs the dask extra")
    batch = synthetic_batch(tmp_path / "batch.jsonl", 3000)
    runs = {
        "local": ["engine.chunk_size=400"],
        "pool": ["engine.chunk_size=400", "engine.workers=2"],
        "dask": ["engine.chunk_size=400", "engine.kind=dask", "engine.workers=2"],
    }
    written = {}
    for name, overrides in runs.items():
        config = load_config(None, overrides)
        out = tmp_path / name
        summary = run(config, inputs=[batch], output_dir=out, stages=stages)
        assert summary.articles_new > 2800 and summary.incidents > 1000
        written[name] = (outputs(out), report(out))
    assert written["pool"] == written["local"]
    assert written["dask"] == written["local"]


def test_process_pool_cli_rerun_and_settings_change(tmp_path):
    """`mapper run --workers 2`: a rerun skips everything, a setting change reprocesses all."""
    batch = synthetic_batch(tmp_path / "batch.jsonl", 300, seed=3)
    out = tmp_path / "out"
    args = ["run", "--input", str(batch), "--output-dir", str(out), "--workers", "2"]
    first = CliRunner().invoke(main, [*args, "--chunk-size", "64"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    before = outputs(out)
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "0 new" in again.output and "0 reprocessed" in again.output
    assert outputs(out) == before
    hinted = CliRunner().invoke(
        main, [*args, "--set", "geoparse.country_hint=US"], catch_exceptions=False
    )
    stored = json.loads((out / "run.json").read_text())["articles"]
    assert stored["reprocessed"] > 250 and stored["new"] == 0, hinted.output


# ---- streamed in chunks == planned whole --------------------------------------------------------


def whole_batch_run(config, stages: Stages, batch: Path, out: Path) -> dict[str, Any]:
    """A reference: the batch read whole and planned at once (Batch.plan), then merged."""
    articles = read_articles([batch], config.ingest)
    digest = processing_hash(config, stages.taxonomy)
    with Store.open(out / "mapper.sqlite") as store:
        with store.batch() as stored:
            plan = stored.plan(articles, digest)
            for article in stored.articles(plan):
                doc = stages.geoparser.parse(article)
                stored.put(doc, stages.extract(doc), digest)
            stored.update_incidents(config.incidents, config.events.toll_policy)
        incidents = store.incidents()
        count = store.article_count()
    write_outputs(incidents, stages.taxonomy, config, out, article_count=count)
    return {
        "new": len(plan.new),
        "skipped": plan.skipped,
        "skipped_duplicate_content": plan.duplicates,
        "reprocessed": plan.reprocessed,
        "reprocessed_because": plan.reasons,
    }


def test_streamed_chunks_match_the_whole_batch_planned_at_once(tmp_path, stages, gazetteer):
    first = synthetic_batch(tmp_path / "first.jsonl", 400, seed=11)
    # A second batch: some of the first again (same, edited, copied under other ids), some new.
    records = list(bench.synthetic_records(400, seed=11, days=20, quirks=True))
    second = records[::3] + list(bench.synthetic_records(150, seed=12, days=20, quirks=True))
    for record in second[:40:4]:
        record["text"] += " Officials said the toll may rise."
    second += [{**r, "id": f"again-{n}"} for n, r in enumerate(records[1:60:5])]
    bench.write_jsonl(tmp_path / "second.jsonl", iter(second))
    hinted = load_config(None, ["geoparse.country_hint=PE"])
    hinted_stages = Stages(
        gazetteer, Geoparser(gazetteer, hinted.geoparse), load_taxonomy(), hinted
    )
    steps = [
        (load_config(None), stages, first),
        (load_config(None), stages, tmp_path / "second.jsonl"),
        (hinted, hinted_stages, first),  # every stored article is stale now
    ]
    whole, streamed = tmp_path / "whole", tmp_path / "streamed"
    for config, step_stages, batch in steps:
        expected = whole_batch_run(config, step_stages, batch, whole)
        chunked = load_config(None, ["engine.chunk_size=7", *_overrides(config)])
        run(chunked, inputs=[batch], output_dir=streamed, stages=step_stages)
        got = report(streamed)["articles"]
        assert {key: got[key] for key in expected} == expected
        assert outputs(streamed)["incidents.geojson"] == outputs(whole)["incidents.geojson"]
        assert outputs(streamed)["incidents.csv"] == outputs(whole)["incidents.csv"]
    assert expected["reprocessed"] > 400


def _overrides(config) -> list[str]:
    return ["geoparse.country_hint=PE"] if config.geoparse.country_hint else []


def test_batch_limits_apply_to_each_chunk(tmp_path, stages):
    batch = synthetic_batch(tmp_path / "b.jsonl", 30, seed=5)
    ok = load_config(None, ["ingest.max_batch_articles=10", "engine.chunk_size=10"])
    summary = run(ok, inputs=[batch], output_dir=tmp_path / "ok", stages=stages)
    assert summary.articles_read == 30
    over = load_config(None, ["ingest.max_batch_articles=10", "engine.chunk_size=20"])
    with pytest.raises(InputError, match=r"b.jsonl:11: batch has more than"):
        run(over, inputs=[batch], output_dir=tmp_path / "over", stages=stages)
    assert not (tmp_path / "over").exists()  # refused while checking: nothing written


# ---- the engines' contract ----------------------------------------------------------------------


class _Reversed(Engine):
    """Completes each window of tasks last-first, as a busy pool may."""

    window = 3

    def __init__(self) -> None:
        self.open: list[tuple[Future, list[Article]]] = []

    def submit(self, articles: list[Article]) -> Future:
        future: Future = Future()
        self.open.append((future, articles))
        if len(self.open) == self.window:
            for done, items in reversed(self.open):
                done.set_result([a.article_id for a in items])
            self.open = []
        return future

    def result(self, future: Any) -> Any:
        if not future.done():  # the last, partial window
            for done, items in reversed(self.open):
                done.set_result([a.article_id for a in items])
            self.open = []
        return future.result()


def test_engine_map_keeps_input_order():
    tasks = [[Article(f"{t}-{i}", "x") for i in range(3)] for t in range(8)]
    got = list(_Reversed().map(iter(tasks)))
    assert [articles for articles, _ in got] == tasks
    assert [results for _, results in got] == [[a.article_id for a in t] for t in tasks]


def test_in_process_engine_is_process_articles(stages):
    articles = [Article("a", "An airstrike on Gaza killed 12 people on Tuesday.")]
    engine = InProcessEngine(load_config(None), "digest", stages)
    [(got, results)] = list(engine.map([articles]))
    doc = stages.geoparser.parse(articles[0])
    assert results == process_articles(stages, articles) == [(doc.toponyms, stages.extract(doc))]
    assert GeoparsedArticle(got[0], results[0][0]) == doc


def test_worker_with_other_versions_refuses_to_work(monkeypatch):
    monkeypatch.setattr(engines, "_STAGES", {})
    with pytest.raises(MapperError, match="differ from the driver's"):
        engines.worker_stages(load_config(None), "0000000000000000")


def test_dask_engine_binds_loopback_only_and_matches(stages):
    pytest.importorskip("distributed", reason="the Dask engine needs the dask extra")
    config = load_config(None)
    digest = processing_hash(config, stages.taxonomy)
    articles = [
        Article("q", "A magnitude 6.8 earthquake struck near Lima on Monday, killing 12 people."),
        Article("f", "A wildfire near Athens forced 300 residents to evacuate on Friday."),
    ]
    with engines.DaskEngine(config, digest, workers=1) as engine:
        [(_, results)] = list(engine.map([articles]))
        info = engine.client.scheduler_info()
        addresses = [info["address"], *info["workers"]]
        addresses += [w["nanny"] for w in info["workers"].values()]
        assert all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
        assert engine.cluster.scheduler.http_server.address == "127.0.0.1"
    assert engine.client is None and engine.cluster is None  # closed
    assert results == process_articles(stages, articles)


def test_dask_on_an_existing_scheduler(tmp_path, stages):
    distributed = pytest.importorskip("distributed", reason="the Dask engine needs the dask extra")
    batch = synthetic_batch(tmp_path / "b.jsonl", 120, seed=9)
    run(load_config(None), inputs=[batch], output_dir=tmp_path / "local", stages=stages)
    with distributed.LocalCluster(
        n_workers=1,
        processes=False,  # a worker thread in this process: quick to start
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        result = CliRunner().invoke(
            main,
            [
                "run",
                "--input",
                str(batch),
                "--output-dir",
                str(tmp_path / "remote"),
                "--scheduler",
                cluster.scheduler_address,
            ],
        )
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "remote") == outputs(tmp_path / "local")


def test_cli_engine_options_are_checked(tmp_path, monkeypatch):
    bad = CliRunner().invoke(main, ["run", "--engine", "local", "--scheduler", "tcp://x:1"])
    assert bad.exit_code == 2 and "--scheduler is for --engine dask" in bad.output
    workers = CliRunner().invoke(main, ["run", "--workers", "0"])
    assert workers.exit_code == 2 and "--workers" in workers.output
    with pytest.raises(ConfigError, match=r"engine\.kind: 'spark' is not one of local, dask"):
        load_config(None, ["engine.kind=spark"])
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    batch = synthetic_batch(tmp_path / "b.jsonl", 5)
    result = CliRunner().invoke(
        main,
        ["run", "--input", str(batch), "--output-dir", str(tmp_path / "o"), "--engine", "dask"],
    )
    assert result.exit_code == 2
    assert "pip install 'incident-mapper[dask]'" in result.stderr


# ---- reading line by line == reading whole ------------------------------------------------------


def read_both(path: Path, **settings_: Any) -> tuple[Any, Any]:
    """What reading the file whole and streamed gives: articles, skips, warnings or error."""
    found = []
    for stream in (False, True):
        config = IngestConfig(**settings_)
        report = IngestReport()
        try:
            articles = list(
                unique_articles(iter_articles([path], config, report, stream=stream), report)
            )
            found.append((articles, report.skipped, report.warnings, report.duplicates))
        except InputError as exc:
            found.append(str(exc))
    return found[0], found[1]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".md"))
@pytest.mark.parametrize("policy", ["fail", "skip"])
def test_streamed_corpus_file_reads_as_whole(name, policy, caplog):
    caplog.set_level(logging.ERROR)
    whole, streamed = read_both(CORPUS / name, on_bad_record=policy)
    assert streamed == whole


PIECES = [
    b'{"text": "Floods hit Dhaka"}',
    b'{"id": "1", "text": "Fire near Lima"}',
    b'{"id": "1", "text": "A quake"}',
    b"id,text",
    b"text,id",
    b'"',
    b",",
    b"\r",
    b"\n",
    b"\r\n",
    b" ",
    b"\t",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xa9",
    b"\x00",
    "\u2028".encode(),
    b"{",
    b"x" * 30,
]


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    parts=st.lists(st.sampled_from(PIECES), max_size=25),
    suffix=st.sampled_from([".jsonl", ".ndjson", ".csv", ".txt"]),
    policy=st.sampled_from(["fail", "skip"]),
    max_chars=st.sampled_from([5_000_000, 12]),
)
def test_streamed_bytes_read_as_whole(tmp_path, parts, suffix, policy, max_chars):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(b"".join(parts))
    logging.disable(logging.CRITICAL)
    try:
        whole, streamed = read_both(path, on_bad_record=policy, max_article_chars=max_chars)
    finally:
        logging.disable(logging.NOTSET)
    assert streamed == whole


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_streamed_lines_at_the_size_limit(tmp_path, end):
    # Lines of exactly max_file_bytes characters are read, one over is refused.
    path = tmp_path / "b.txt"
    path.write_text(end.join(["a" * 12, "b" * 12, "c" * 5]) + end, newline="")
    config = IngestConfig(max_file_bytes=12)
    texts = [a.text for a in iter_articles([path], config, stream=True)]
    assert texts == ["a" * 12, "b" * 12, "c" * 5]
    path.write_text("ok\n" + "d" * 13 + "\n", newline="")
    with pytest.raises(InputError, match=r"b.txt:2: line has more than 12 characters"):
        list(iter_articles([path], config, stream=True))


def test_streamed_file_is_never_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "big.jsonl"
    path.write_text(
        "".join(json.dumps({"text": f"Floods hit Dhaka {n}."}) + "\n" for n in range(500))
    )

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the file was read whole")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    config = IngestConfig(max_file_bytes=1000)  # the file is bigger: only lines count
    articles = list(iter_articles([path], config, stream=True))
    assert len(articles) == 500 and articles[-1].origin == "big.jsonl:500"


def test_seen_ids_on_disk_drop_duplicates_as_read_articles_does(tmp_path):
    from mapper.ingest.stream import SeenIds

    path = CORPUS / "duplicate_ids.jsonl"
    report_a, report_b = IngestReport(), IngestReport()
    whole = read_articles([path], IngestConfig(), report_a)
    seen = SeenIds()
    try:
        streamed = list(
            unique_articles(iter_articles([path], IngestConfig(), report_b), report_b, seen)
        )
        assert len(seen) == len(streamed) and set(seen) == {a.article_id for a in streamed}
    finally:
        seen.close()
    assert streamed == whole and report_a.duplicates == report_b.duplicates > 0
    assert Counter(a.article_id for a in streamed).most_common(1)[0][1] == 1
