"""Issue 17: interrupts after the commit, odd output names, hostile configs, links out of an
input folder, foreign SQLite files and long articles. Each: one clear line, the documented
exit code, the store intact, the next clean run passing."""

import json
import os
import signal
import sqlite3

import pytest
from click.testing import CliRunner

import mapper.export
from mapper.cli import main
from mapper.config import load_config
from mapper.errors import Interrupted

ARTICLE = {
    "id": "a1",
    "title": "Airstrike on Kyiv",
    "text": "An airstrike hit Kyiv on Monday, killing 5 people.",
    "date": "2025-03-03",
}


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def one_error_line(result):
    lines = [line for line in result.stderr.splitlines() if line.startswith("mapper: error:")]
    assert len(lines) == 1, result.output
    assert "internal error" not in lines[0]
    return lines[0]


def write(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_case7_signal_after_the_commit_tells_the_truth(tmp_path, monkeypatch, sig, code, word):
    batch = write(tmp_path / "b.jsonl", ARTICLE)
    out = tmp_path / "out"
    real_csv = mapper.export.write_csv

    def signalled(*args, **kwargs):
        # The signal arrives, for real, while the outputs are being written.
        os.kill(os.getpid(), sig)
        return real_csv(*args, **kwargs)

    monkeypatch.setattr(mapper.export, "write_csv", signalled)
    result = invoke("run", "--input", batch, "--output-dir", out)
    assert result.exit_code == code
    line = one_error_line(result)
    assert f"{word}" in line and "after the batch was stored (run 1)" in line
    assert "stale: incidents.csv, run.json" in line
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    again = invoke("run", "--input", batch, "--output-dir", out)
    assert again.exit_code == 0 and "0 new, 1 skipped" in again.output
    assert (out / "incidents.csv").exists() and (out / "run.json").exists()


def test_case7_interrupt_before_the_commit_says_nothing_was_stored(tmp_path, monkeypatch):
    import mapper.pipeline

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        raise AssertionError("the signal is raised before this line")

    monkeypatch.setattr(mapper.pipeline, "event_problem", interrupted)
    with pytest.raises(Interrupted, match="interrupted; nothing of this batch was stored"):
        mapper.pipeline.run(
            load_config(None),
            inputs=[write(tmp_path / "b.jsonl", ARTICLE)],
            output_dir=tmp_path / "out",
        )
    db = sqlite3.connect(tmp_path / "out" / "mapper.sqlite")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    db.close()


def test_case10_output_directory_name_that_is_not_utf8(tmp_path):
    out = os.fsdecode(os.fsencode(str(tmp_path)) + b"/out\xff")
    result = invoke("run", "--input", write(tmp_path / "b.jsonl", ARTICLE), "--output-dir", out)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / os.fsdecode(b"out\xff") / "run.json").read_text())
    assert report["outputs"]["map"] == os.path.join(out, "incident_map.html")
    assert os.path.exists(report["outputs"]["csv"])


ALIAS_BOMB = """geocoder:
  options:
    a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (ALIAS_BOMB, "settings expand to more than 100,000 values"),
        ("a: &a [*a]\n", "nest deeper than 32 levels"),
        ("x: " + "[" * 40 + "]" * 40 + "\n", "nest deeper than 32 levels"),
        ("# " + "y" * 1_100_000 + "\n", "config file is over 1,000,000 bytes"),
    ],
    ids=["alias-bomb", "self-reference", "deep", "huge"],
)
def test_case13_hostile_config_is_refused_with_exit_2(tmp_path, content, message):
    config = tmp_path / "config.yaml"
    config.write_text(content)
    for command in (["config", "show"], ["run", "--output-dir", tmp_path / "out"]):
        result = invoke(*command, "--config", config)
        assert result.exit_code == 2
        assert message in one_error_line(result)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_case13_config_from_an_endless_device_is_bounded():
    result = invoke("config", "show", "--config", "/dev/zero")
    assert result.exit_code == 2
    assert "config file is over 1,000,000 bytes" in one_error_line(result)


def test_case14_folder_links_out_of_the_folder_are_not_followed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("An airstrike hit Kyiv on Monday, killing 5 people.")
    secret = tmp_path / "secret.txt"
    secret.write_text("Private notes about a flood in Dhaka.")
    (folder / "x.md").symlink_to(secret)
    (folder / "b.txt").symlink_to(folder / "a.txt")  # a link inside the folder is fine
    out = tmp_path / "out"
    result = invoke("run", "--input", folder, "--output-dir", out)
    assert result.exit_code == 0, result.output
    assert "x.md: skipped: a link out of the input folder" in result.stderr
    db = sqlite3.connect(out / "mapper.sqlite")
    texts = [t for (t,) in db.execute("SELECT text FROM articles")]
    db.close()
    assert texts and not any("Private notes" in t for t in texts)
    allowed = invoke(
        "run", "--input", folder, "--output-dir", out, "--set", "ingest.follow_symlinks=true"
    )
    assert allowed.exit_code == 0 and "1 new" in allowed.output


def test_case15_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    store = out / "mapper.sqlite"
    db = sqlite3.connect(store)
    db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO customers VALUES (1, 'someone')")
    db.commit()
    db.close()
    before = store.read_bytes()
    result = invoke("run", "--input", write(tmp_path / "b.jsonl", ARTICLE), "--output-dir", out)
    assert result.exit_code == 4
    assert "an SQLite database not made by mapper (it holds customers)" in one_error_line(result)
    assert store.read_bytes() == before
    exported = invoke("export", "--output-dir", out)
    assert exported.exit_code == 4 and store.read_bytes() == before
    empty = tmp_path / "empty"
    empty.mkdir()
    sqlite3.connect(empty / "mapper.sqlite").close()  # an empty database is fine
    fine = invoke("run", "--input", tmp_path / "b.jsonl", "--output-dir", empty)
    assert fine.exit_code == 0, fine.output


def test_case12_context_keeps_each_city_once_however_often_named(geoparser):
    """The context scans stay proportional to distinct places, not to mentions."""
    resolver = geoparser.resolver
    mentions = geoparser.recognizer.recognize("Kyiv, Lviv and Odesa. " * 400)
    context = resolver._context(mentions)
    for cities in context.cities_by_country.values():
        assert len(cities) == len(set(cities))
    for cell in context.cells.values():
        assert len(cell) == len(set(cell))
    parsed = geoparser.parse_text("Kyiv " * 3000)
    assert len(parsed) == 3000 and {t.name for t in parsed} == {"Kyiv"}
    assert all(t.place is not None and t.place.country == "UA" for t in parsed)
