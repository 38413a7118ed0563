"""Issue 17 with real processes: a held store, SIGTERM with workers, concurrent writers of one
output, a file size limit, standard input and FIFOs. Each ends in one clear line with its
documented exit code, an intact store and a next clean run that passes."""

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.processes import PROCESS_TIMEOUT, run_stopped_mid_batch
from tests.processes import write_batch as batch


def mapper(*args, cwd, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "mapper", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        **kwargs,
    )


def one_error_line(stderr):
    lines = [line for line in stderr.splitlines() if line.startswith("mapper: error:")]
    assert len(lines) == 1, stderr
    assert "internal error" not in lines[0]
    return lines[0]


def integrity(store):
    db = sqlite3.connect(store)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def session_processes(sid):
    """Live processes of a session (the run started with start_new_session)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields[3]: the session id
            found.append(int(entry.name))
    return found


def processes_left(sid, grace_seconds=10.0):
    """The session's processes still alive after a grace period. A worker of a pool the driver
    has terminated may still be exiting when the driver's exit code arrives (seen under load);
    an orphan stays, and is listed."""
    deadline = time.monotonic() + grace_seconds
    while (left := session_processes(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
def test_case5_and_8_held_store_readers_do_not_wait_writers_exit_3_sigterm_leaves_no_orphan(
    tmp_path,
):
    out = tmp_path / "out"
    first = mapper(
        "run", "--input", batch(tmp_path / "b1.jsonl", 5), "--output-dir", out, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    # Stopped from outside, mid-batch: the run holds the store's write lock, its workers live.
    holder = run_stopped_mid_batch(
        [
            "--input",
            batch(tmp_path / "b2.jsonl", 3000, 100),
            "--output-dir",
            out,
            "--workers",
            "2",
            "--chunk-size",
            "100",
        ],
        cwd=tmp_path,
    )
    try:
        assert len(session_processes(holder.pid)) >= 3  # the driver and its workers
        # A reader does not wait for the writer (WAL): the store as of the last commit.
        exported = mapper("export", "--output-dir", out, "-o", tmp_path / "e.geojson", cwd=tmp_path)
        assert exported.returncode == 0, exported.stderr
        assert len(json.loads((tmp_path / "e.geojson").read_text())["features"]) == 1
        # A second writer waits store.wait_seconds, then says so plainly: exit 3.
        second = mapper(
            "run",
            "--input",
            batch(tmp_path / "b3.jsonl", 2, 9000),
            "--output-dir",
            out,
            "--set",
            "store.wait_seconds=0.5",
            cwd=tmp_path,
        )
        assert second.returncode == 3, second.stderr
        assert "another mapper run holds the store" in one_error_line(second.stderr)
        holder.signal_and_continue(signal.SIGTERM)
        rest = holder.rest()
        code = holder.wait()
    finally:
        holder.close()
    assert code == 143, rest
    assert "terminated (SIGTERM); nothing of this batch was stored" in one_error_line(rest)
    assert processes_left(holder.pid) == []  # no worker, forkserver or tracker left
    assert integrity(out / "mapper.sqlite") == "ok"
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    rerun = mapper("run", "--input", tmp_path / "b2.jsonl", "--output-dir", out, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert "3000 new" in rerun.stdout


_WRITER = """
import sys
from pathlib import Path
from mapper.atomic import write_atomic
path, mark = Path(sys.argv[1]), sys.argv[2]
for i in range(300):
    write_atomic(path, (mark * 2000 + "\\n") * 50)
"""


def test_case6_two_writers_of_one_output_never_clash(tmp_path):
    target = tmp_path / "incident_map.html"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target), mark], stderr=subprocess.PIPE, text=True
        )
        for mark in "ab"
    ]
    for writer in writers:
        code = writer.wait(timeout=PROCESS_TIMEOUT)
        errors = writer.stderr.read()
        writer.stderr.close()
        assert code == 0, errors
    text = target.read_text()
    assert text in ((("a" * 2000) + "\n") * 50, (("b" * 2000) + "\n") * 50)  # one whole file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incident_map.html"]


def test_case6_two_concurrent_renders_of_one_map_both_succeed(tmp_path):
    geojson = tmp_path / "incidents.geojson"
    geojson.write_text('{"type":"FeatureCollection","features":[]}\n')
    renders = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mapper",
                "render",
                "--input",
                geojson,
                "--out",
                tmp_path / "incident_map.html",
            ],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for render in renders:
        code = render.wait(timeout=PROCESS_TIMEOUT)
        errors = render.stderr.read()
        render.stderr.close()
        assert code == 0, errors
    assert (tmp_path / "incident_map.html").read_text().rstrip().endswith("</html>")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_case9_output_past_a_file_size_limit_is_one_line_exit_5_and_no_tmp(tmp_path):
    out = tmp_path / "out"
    source = batch(tmp_path / "b.jsonl", 40)
    result = mapper(
        "run",
        "--input",
        source,
        "--output-dir",
        out,
        cwd=tmp_path,
        preexec_fn=_limit_file_size(400_000),
    )
    assert result.returncode == 5, result.stderr
    line = one_error_line(result.stderr)
    assert "incident_map.html: cannot write (the file is over the size limit)" in line
    assert "the batch was stored, run 1; stale: incident_map.html, incidents.geojson" in line
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    assert integrity(out / "mapper.sqlite") == "ok"
    again = mapper("run", "--input", source, "--output-dir", out, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 new, 40 skipped" in again.stdout and (out / "incident_map.html").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_case9_read_only_output_directory_is_one_line_exit_5(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = mapper(
            "run", "--input", batch(tmp_path / "b.jsonl", 2), "--output-dir", out, cwd=tmp_path
        )
    finally:
        out.chmod(0o755)
    assert result.returncode == 5, result.stderr
    assert "cannot" in one_error_line(result.stderr)


def test_case16_standard_input_and_a_fifo(tmp_path):
    out = tmp_path / "out"
    text = batch(tmp_path / "b.jsonl", 3).read_text()
    piped = mapper(
        "run",
        "--input",
        "-",
        "--input-format",
        "jsonl",
        "--output-dir",
        out,
        cwd=tmp_path,
        input=text,
    )
    assert piped.returncode == 0, piped.stderr
    assert "3 new" in piped.stdout
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    more = "".join(
        json.dumps({"id": f"f{i}", "text": f"Floods hit Dhaka, report {i}."}) + "\n"
        for i in range(2)
    )

    def feed():
        with fifo.open("w") as handle:
            handle.write(more)

    writer = threading.Thread(target=feed)
    writer.start()
    fed = mapper(
        "run", "--input", fifo, "--input-format", "jsonl", "--output-dir", out, cwd=tmp_path
    )
    writer.join(timeout=PROCESS_TIMEOUT)
    assert fed.returncode == 0, fed.stderr
    assert "2 new" in fed.stdout
    assert integrity(out / "mapper.sqlite") == "ok"


def test_case16_stdin_needs_a_format_and_is_bounded_while_streaming(tmp_path):
    from click.testing import CliRunner

    from mapper.cli import main

    out = str(tmp_path / "out")
    runner = CliRunner()
    refused = runner.invoke(main, ["run", "--input", "-", "--output-dir", out], input="x\n")
    assert refused.exit_code == 2
    assert "-: reading standard input needs --input-format" in one_error_line(refused.stderr)
    endless = runner.invoke(
        main,
        [
            "run",
            "--input",
            "-",
            "--input-format",
            "txt",
            "--set",
            "ingest.max_file_bytes=1000",
            "--output-dir",
            out,
        ],
        input="An airstrike hit Kyiv.\n" * 500,
    )
    assert endless.exit_code == 2
    assert "more than ingest.max_file_bytes (1,000) bytes" in one_error_line(endless.stderr)
    assert not (tmp_path / "out").exists()
