"""The shell conventions of the `mapper` command, each checked on the real CLI in a subprocess:
`-` for stdin/stdout, quiet broken pipes, -q/-v anywhere, render --output-dir, exit 2 for user
errors, MAPPER_* secrets, CSV delimiter and encoding, ISO country codes, run --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mapper.config.env import ENV_GEOCODER_API_KEY, tile_key_variable

DOCS = [
    {"id": "k1", "text": "Flooding cut roads between Nairobi and Mombasa on Monday."},
    {"id": "k2", "text": "A warehouse fire in Lyon, France injured 4 workers."},
]


def mapper(*args, stdin: str | None = None, env: dict[str, str] | None = None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "mapper", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
    )


def jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    path = tmp_path_factory.mktemp("docs") / "docs.jsonl"
    path.write_text(jsonl(DOCS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ran(tmp_path_factory, docs):
    """One `mapper run -v` (flag after the subcommand) into an output directory."""
    out = tmp_path_factory.mktemp("out")
    result = mapper("run", "--input", docs, "--output-dir", out, "-v")
    assert result.returncode == 0, result.stderr
    return result, out


def test_dash_reads_stdin_and_writes_stdout(tmp_path):
    result = mapper("geoparse", "-", "-o", "-", stdin=jsonl(DOCS))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["k1", "k2"]
    assert [t["name"] for t in lines[0]["toponyms"]] == ["Nairobi", "Mombasa"]
    assert not (tmp_path / "-").exists()
    out = tmp_path / "events.jsonl"
    result = mapper("extract", "-", "-o", out, stdin=jsonl(DOCS[1:]))
    assert result.returncode == 0, result.stderr
    [event] = [json.loads(line) for line in out.read_text().splitlines()]
    assert event["id"] == "k2" and event["facts"]["injured"] == 4


def test_broken_pipe_exits_quietly_with_141(tmp_path):
    many = tmp_path / "many.jsonl"
    many.write_text(jsonl({**DOCS[0], "id": str(i)} for i in range(20_000)), encoding="utf-8")
    # As in `mapper geoparse many.jsonl | head -1`: the reader goes after one line.
    result = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m mapper geoparse "$1" | head -1; exit ${{PIPESTATUS[0]}}',
            "-",
            str(many),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 141
    assert json.loads(result.stdout)["id"] == "0"
    assert result.stderr == ""


def test_verbose_after_the_subcommand(ran):
    result, out = ran
    assert "INFO mapper" in result.stderr  # -v given after `run`
    assert "articles read:   2" in result.stdout
    assert (out / "incident_map.html").is_file()


def test_quiet_silences_the_summary(ran, docs):
    _, out = ran
    for args in (["run", "--input", docs, "--output-dir", out, "-q"], ["-q", "run"]):
        if args[0] == "-q":
            args += ["--input", docs, "--output-dir", out]
        result = mapper(*args)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "" and result.stderr == ""


def test_run_json_is_the_run_report(ran, docs):
    _, out = ran
    result = mapper("run", "--input", docs, "--output-dir", out, "--json", "-q")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["articles"]["read"] == 2 and summary["articles"]["skipped"] == 2
    assert summary == json.loads((out / "run.json").read_text())


def test_render_output_dir(ran, tmp_path):
    _, out = ran
    (out / "incident_map.html").unlink()
    result = mapper("render", "--output-dir", out, "-q")
    assert result.returncode == 0, result.stderr
    assert (out / "incident_map.html").stat().st_size > 100_000
    assert result.stdout == ""
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = mapper("render", "--output-dir", empty)
    assert missing.returncode == 2
    assert "incidents.geojson" in missing.stderr and "Traceback" not in missing.stderr


def test_export_from_a_missing_store_is_a_user_error(tmp_path):
    result = mapper("export", "--output-dir", tmp_path / "nothing")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"mapper: error: {tmp_path / 'nothing' / 'mapper.sqlite'}: no store here yet; "
        "`mapper run` creates it"
    )


def test_secrets_from_the_environment_are_used_and_never_shown(tmp_path):
    env = {
        ENV_GEOCODER_API_KEY: "geo-secret-1",
        tile_key_variable("Thunderforest.OpenCycleMap"): "tile-secret-2",
    }
    result = mapper(
        "config",
        "show",
        "--set",
        "geocoder.provider=opencage",
        "--set",
        "render.online_tiles=[Thunderforest.OpenCycleMap]",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["geocoder"]["options"] == {"api_key": "***"}
    assert shown["render"]["tile_keys"] == {"Thunderforest.OpenCycleMap": "***"}
    assert "secret" not in result.stdout


def test_excel_csv_semicolons_and_cp1252(tmp_path):
    batch = tmp_path / "excel.csv"
    rows = [
        "id;title;text;date",
        '1;Crue;"Floods in Toulouse, France; 2 people died near the café.";2025-04-01',
        "2;Séisme;An earthquake shook Crete, Greece.;2025-04-02",
    ]
    batch.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    out = tmp_path / "out"
    refused = mapper("run", "--input", batch, "--output-dir", out)
    assert refused.returncode == 2
    assert "excel.csv:2: not valid UTF-8 (byte 0xe9)" in refused.stderr
    assert "ingest.encoding" in refused.stderr
    result = mapper(
        "run", "--input", batch, "--output-dir", out, "--set", "ingest.encoding=cp1252", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["articles"]["read"] == 2  # ";" sniffed from the header
    exported = (out / "incidents.csv").read_text(encoding="utf-8")
    assert "café" in exported


def test_invalid_country_code_is_refused(docs):
    result = mapper("geoparse", docs, "--set", "geoparse.country_hint=XX")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "mapper: error: geoparse.country_hint: 'XX' is not an ISO 3166-1 alpha-2 country "
        "code (e.g. US, GB, NG)"
    )
