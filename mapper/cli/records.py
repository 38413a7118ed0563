"""`mapper geoparse` and `mapper extract`: JSONL documents in, one JSONL record per document
out (places, or the event), from a file or stdin to a file or stdout."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mapper.cli.options import config_options, load_settings
from mapper.cli.output import handle_errors, say
from mapper.config import Config

# `-` as a file name: standard input, or standard output for -o.
STDIO = "-"


def _jsonl_io(func: Callable[..., Any]) -> Callable[..., Any]:
    """INPUT.jsonl and -o OUT.jsonl, shared by `geoparse` and `extract`; - is stdin/stdout."""
    func = click.option(
        "-o",
        "--out",
        "out_path",
        type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
        help="Output JSONL (default, or -: stdout).",
    )(func)
    return click.argument(
        "input_path",
        metavar="INPUT.jsonl",
        type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    )(func)


def _jsonl_command(
    input_path: Path, out_path: Path | None, config: Config, write: Callable[..., int]
) -> None:
    """Run ``write`` over INPUT (- = stdin, read as JSONL unless ingest.input_format says
    otherwise) into OUT (none or - = stdout, line by line)."""
    from dataclasses import replace

    from mapper.ingest import spooled_inputs

    if str(input_path) == STDIO and not config.ingest.input_format:
        config = replace(config, ingest=replace(config.ingest, input_format="jsonl"))
    with spooled_inputs([input_path], config.ingest) as (readable,):
        if out_path is None or str(out_path) == STDIO:
            write(readable, sys.stdout, config)
            return
        from mapper.export import write_atomic

        buffer = io.StringIO()
        count = write(readable, buffer, config)
    write_atomic(out_path, buffer.getvalue())
    say(f"wrote {count} lines to {out_path}", err=True)


@click.command()
@_jsonl_io
@config_options
@handle_errors
def geoparse(
    input_path: Path, out_path: Path | None, config_path: Path | None, overrides: tuple[str, ...]
) -> None:
    """Find and resolve the place mentions of each document.

    Reads lines {"id", "text", ...}; writes one line per document, in input order:
    {"id", "toponyms": [{"start", "end", "name", "lat", "lon", "place_id", "country",
    "precision", "score"}]}; lat/lon are null where mapper abstains.

    \b
    Example:
      mapper geoparse docs.jsonl -o places.jsonl
      cat docs.jsonl | mapper geoparse - | head -1
    """
    from mapper.cli.records_io import geoparse_file

    _jsonl_command(input_path, out_path, load_settings(config_path, overrides), geoparse_file)


@click.command()
@_jsonl_io
@config_options
@handle_errors
def extract(
    input_path: Path, out_path: Path | None, config_path: Path | None, overrides: tuple[str, ...]
) -> None:
    """Recognise each document's event: type, facts, severity, date and locations.

    Reads lines {"id", "text", "title"?, "date"?}; writes one line per document, in order:
    {"id", "event_type", "facts": {...}, "severity", "severity_reason", "event_date",
    "locations": [{"name", "lat", "lon", "role"}]}.

    \b
    Example:
      mapper extract docs.jsonl -o events.jsonl
      mapper extract - -o - < docs.jsonl
    """
    from mapper.cli.records_io import extract_file

    _jsonl_command(input_path, out_path, load_settings(config_path, overrides), extract_file)
