"""Paths (files and folders) -> Articles: picks the reader by suffix or ingest.input_format,
whole or streamed line by line."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from mapper.config import IngestConfig
from mapper.errors import InputError, printable
from mapper.ingest.csv_table import _csv_articles, _read_csv
from mapper.ingest.decode import (
    _SNIFF_BYTES,
    _binary_offset,
    _decode,
    _encoding,
    _is_blank,
    _numbered,
    _open_text,
    _raw_lines,
    _read_bytes,
)
from mapper.ingest.json_array import _read_json
from mapper.ingest.jsonl import _jsonl_articles, _read_jsonl
from mapper.ingest.records import SUPPORTED_SUFFIXES, IngestReport, _Reader, _where
from mapper.ingest.text_lines import _read_document, _read_lines, _text_line_articles
from mapper.ingest.unique import unique_articles
from mapper.models import Article

_FILE_READERS: dict[str, Callable[[_Reader, str], Iterator[Article]]] = {
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".json": _read_json,
    ".csv": _read_csv,
    ".txt": _read_lines,
    ".md": _read_document,
}


def _read_file(
    reader: _Reader, read: Callable[[_Reader, str], Iterator[Article]]
) -> Iterator[Article]:
    """One file's articles; a file that is not usable text at all is one bad record.

    Bad UTF-8 is decoded leniently under both policies and reported by the readers, so the
    fail policy stops at the first problem in file order, where skip would first skip.
    """
    raw = _read_bytes(reader.path, reader.config)  # refusals end the run under any policy
    try:
        text = _decode(raw, reader.path, lenient=True, encoding=_encoding(reader.config))
    except InputError as exc:
        reader.bad(exc.reason, exc.line)
        return
    del raw  # the text is all that is needed from here: halve the peak for big files
    if not text.strip():
        reader.bad("file is empty", None)
        return
    yield from read(reader, text)


_LINE_READERS: dict[str, Callable[[_Reader, Iterator[str]], Iterator[Article]]] = {
    ".jsonl": lambda reader, lines: _jsonl_articles(reader, _numbered(lines)),
    ".ndjson": lambda reader, lines: _jsonl_articles(reader, _numbered(lines)),
    ".csv": _csv_articles,
    ".txt": lambda reader, lines: _text_line_articles(reader, _numbered(lines)),
}


def _stream_file(reader: _Reader, suffix: str) -> Iterator[Article]:
    """One file's articles read line by line: the same articles, messages and line numbers as
    _read_file, with memory bounded by the longest line rather than the file.

    UTF-16 files (rare, and their decoder has to see the whole file to name a broken
    character's line) are read whole, under max_file_bytes as before.
    """
    path, where = reader.path, reader.where
    encoding = _encoding(reader.config)
    try:
        if not path.is_file():
            raise InputError("not a regular file", path=where)
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES) if not encoding else b""
        utf32 = head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))
        if not utf32 and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield from _read_file(reader, _FILE_READERS[suffix])
            return
        if utf32 or _binary_offset(head) is not None:
            try:
                _decode(head, path, lenient=True)  # raises what reading it whole would
            except InputError as exc:
                reader.bad(exc.reason, exc.line)
                return
        if _is_blank(path, encoding):
            reader.bad("file is empty", None)
            return
        with _open_text(path, encoding) as stream:
            yield from _LINE_READERS[suffix](reader, _raw_lines(reader, stream))
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path=where) from exc


def _directory_files(path: Path, config: IngestConfig, report: IngestReport) -> list[Path]:
    where = _where(path)
    try:
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".txt", ".md")
        )
        if not config.follow_symlinks:
            inside = path.resolve()
            kept = []
            for file in files:
                if file.is_symlink() and not file.resolve().is_relative_to(inside):
                    report.warn(
                        f"{_where(file)}: skipped: a link out of the input folder "
                        "(set ingest.follow_symlinks=true to follow it)"
                    )
                    continue
                kept.append(file)
            files = kept
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (resolve)
        raise InputError(
            f"cannot read directory ({getattr(exc, 'strerror', None) or exc})", path=where
        ) from exc
    if not files:
        raise InputError("directory holds no .txt or .md files", path=where)
    return files


def iter_articles(
    paths: Iterable[str | Path],
    config: IngestConfig,
    report: IngestReport | None = None,
    *,
    stream: bool = False,
) -> Iterator[Article]:
    """Yield the articles of each file or directory, in order.

    With ``stream``, .jsonl, .ndjson, .csv and .txt files are read line by line (see
    _stream_file): the same articles and messages, in memory bounded by the longest line.
    """
    report = report if report is not None else IngestReport()
    for raw_path in paths:
        path = Path(raw_path)
        where = _where(path)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
            raise InputError(f"cannot open ({exc})", path=where) from exc
        if is_dir:
            for file in _directory_files(path, config, report):
                yield from _read_file(_Reader(file, config, report), _read_document)
            continue
        if not exists:
            raise InputError("no such file or directory", path=where)
        suffix = f".{config.input_format}" if config.input_format else path.suffix.lower()
        if suffix not in _FILE_READERS:
            raise InputError(
                f"unsupported file type {printable(suffix) or '(none)'!r}; "
                f"use one of {', '.join(SUPPORTED_SUFFIXES)} or a directory",
                path=where,
            )
        if stream and suffix in _LINE_READERS:
            yield from _stream_file(_Reader(path, config, report), suffix)
        else:
            yield from _read_file(_Reader(path, config, report), _FILE_READERS[suffix])


def read_articles(
    paths: Iterable[str | Path], config: IngestConfig, report: IngestReport | None = None
) -> list[Article]:
    """All articles of the given files, duplicates (same id and text) dropped and counted."""
    report = report if report is not None else IngestReport()
    return list(unique_articles(iter_articles(paths, config, report), report))
