"""Standard input, pipes and FIFOs -> temporary files, so that a batch can be read twice."""

from __future__ import annotations

import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from mapper.config import IngestConfig
from mapper.errors import InputError, printable
from mapper.ingest.records import _where

STDIN = "-"
_SPOOL_BLOCK = 1 << 20


@contextmanager
def spooled_inputs(
    paths: Sequence[Path], config: IngestConfig, stdin: BinaryIO | None = None
) -> Iterator[list[Path]]:
    """The inputs, with standard input (``-``) and, given ingest.input_format, pipes and FIFOs
    copied to temporary files: a batch is read twice (checked, then processed), a stream once.

    The copy stops at ingest.max_file_bytes (InputError), so an endless stream cannot fill
    the disk; the temporary files go when the block ends.
    """
    streams = [p for p in paths if str(p) == STDIN or (config.input_format and _is_stream(p))]
    if not streams:
        yield list(paths)
        return
    if not config.input_format:
        raise InputError(
            "reading standard input needs --input-format (jsonl, json, csv or txt)", path=STDIN
        )
    with tempfile.TemporaryDirectory(prefix="mapper-input-") as folder:
        spooled: list[Path] = []
        for number, path in enumerate(paths):
            if path not in streams:
                spooled.append(path)
                continue
            name = "stdin" if str(path) == STDIN else printable(path.name, 60) or "stream"
            target = Path(folder) / f"{number}-{name}.{config.input_format}"
            _spool(path, target, config, stdin)
            spooled.append(target)
        yield spooled


def _is_stream(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def _spool(path: Path, target: Path, config: IngestConfig, stdin: BinaryIO | None) -> None:
    limit = config.max_file_bytes
    where = STDIN if str(path) == STDIN else _where(path)
    try:
        source = (stdin or sys.stdin.buffer) if str(path) == STDIN else path.open("rb")
        try:
            with target.open("wb") as out:
                copied = 0
                while block := source.read(min(_SPOOL_BLOCK, limit + 1 - copied)):
                    copied += len(block)
                    if copied > limit:
                        raise InputError(
                            f"input has more than ingest.max_file_bytes ({limit:,}) bytes; "
                            "split it or raise the limit",
                            path=where,
                        )
                    out.write(block)
        finally:
            if source is not stdin and source is not sys.stdin.buffer:
                source.close()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=where) from exc
