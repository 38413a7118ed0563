"""Read batch files into Article values.

Formats: .jsonl, .json (an array of objects), .csv, .txt (one article per non-empty line) and
directories (each .txt/.md file is one article). Input is untrusted: every problem becomes an
InputError naming the file and line, or, with ``on_bad_record: skip``, a counted warning.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mapper.config import IngestConfig
from mapper.errors import InputError
from mapper.models import Article

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".txt", ".md")
ARTICLE_FIELDS = ("id", "title", "text", "date", "url", "source")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class IngestReport:
    """What reading skipped, for the run summary."""

    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def content_id(text: str, title: str = "", url: str | None = None) -> str:
    """A stable id from an article's content: the same article always gets the same id."""
    blob = json.dumps([url or "", title, text], ensure_ascii=False, separators=(",", ":"))
    return "h" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:15]


def _clean_text(value: str) -> str:
    """Neutralise control characters without changing the text's length.

    Offsets into the text must stay valid for the caller's copy, so nothing is removed:
    control characters become spaces and a lone CR becomes a newline.
    """
    value = value.replace("\r\n", " \n").replace("\r", "\n")
    return _CONTROL_CHARS.sub(" ", value)


def normalise_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from common date forms, or None when there is no date.

    Raises ValueError for a value that is present but not a date.
    """
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", text):
        return date.fromisoformat(text[:10]).isoformat()
    from dateutil import parser as date_parser  # late: only for non-ISO dates

    try:
        return date_parser.parse(text, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"date {text[:40]!r} is not a date") from exc


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-encode the file as UTF-8",
            path=str(path),
            line=line,
        ) from exc


def read_text_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("binary file, not text", path=str(path))
    return _decode(raw, path)


class _Reader:
    """Shared record handling: builds Articles and applies the bad-record policy."""

    def __init__(self, path: Path, config: IngestConfig, report: IngestReport):
        self.path = path
        self.config = config
        self.report = report

    def bad(self, message: str, line: int | None) -> None:
        if self.config.on_bad_record == "skip":
            where = f"{self.path}:{line}" if line is not None else str(self.path)
            self.report.skipped += 1
            self.report.warnings.append(f"{where}: skipped: {message}")
            log.warning("%s: skipped: %s", where, message)
            return
        raise InputError(message, path=str(self.path), line=line)

    def article(self, record: dict[str, Any], line: int | None) -> Article | None:
        text = record.get("text")
        if not isinstance(text, str):
            kind = "missing" if text is None else f"a {type(text).__name__}, not a string"
            self.bad(f"'text' is {kind}", line)
            return None
        text = _clean_text(text)
        if not text.strip():
            self.bad("'text' is empty", line)
            return None
        if len(text) > self.config.max_article_chars:
            self.bad(
                f"text has {len(text):,} characters, over ingest.max_article_chars "
                f"({self.config.max_article_chars:,})",
                line,
            )
            return None
        fields: dict[str, str | None] = {}
        for key in ("title", "url", "source", "id"):
            value = record.get(key)
            if value is not None and not isinstance(value, str | int | float):
                self.bad(f"'{key}' is a {type(value).__name__}, not a string", line)
                return None
            fields[key] = _clean_text(str(value)).strip() if value is not None else None
        try:
            article_date = normalise_date(record.get("date"))
        except ValueError as exc:
            self.bad(str(exc), line)
            return None
        title = fields["title"] or ""
        url = fields["url"] or None
        article_id = fields["id"] or content_id(text, title, url)
        origin = f"{self.path.name}:{line}" if line is not None else self.path.name
        return Article(
            article_id=article_id,
            text=text,
            title=title,
            date=article_date,
            url=url,
            source=fields["source"] or None,
            origin=origin,
        )


def _read_jsonl(reader: _Reader, text: str) -> Iterator[Article]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reader.bad(f"malformed JSON ({exc.msg} at column {exc.colno})", number)
            continue
        if not isinstance(record, dict):
            reader.bad(f"expected a JSON object, got {type(record).__name__}", number)
            continue
        article = reader.article(record, number)
        if article is not None:
            yield article


def _read_json(reader: _Reader, text: str) -> Iterator[Article]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON ({exc.msg})", path=str(reader.path), line=exc.lineno)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if not isinstance(data, list):
        raise InputError("expected a JSON array of article objects", path=str(reader.path))
    for index, record in enumerate(data):
        if not isinstance(record, dict):
            reader.bad(f"item {index} is a {type(record).__name__}, not an object", None)
            continue
        article = reader.article(record, None)
        if article is not None:
            yield article


def _read_csv(reader: _Reader, text: str) -> Iterator[Article]:
    columns = {**{k: k for k in ARTICLE_FIELDS}, **reader.config.csv_columns}
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"malformed CSV header ({exc})", path=str(reader.path), line=1)
    index = {name.strip(): i for i, name in enumerate(header)}
    if columns["text"] not in index:
        raise InputError(
            f"no {columns['text']!r} column (columns: {', '.join(header) or 'none'}); "
            "set ingest.csv_columns.text to the column that holds the article text",
            path=str(reader.path),
            line=1,
        )
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            reader.bad(f"malformed CSV ({exc})", rows.line_num)
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            reader.bad(f"expected {len(header)} fields, got {len(row)}", rows.line_num)
            continue
        record = {key: row[index[col]] for key, col in columns.items() if col in index}
        record = {k: (v if v.strip() or k == "text" else None) for k, v in record.items()}
        article = reader.article(record, rows.line_num)
        if article is not None:
            yield article


def _read_lines(reader: _Reader, text: str) -> Iterator[Article]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            article = reader.article({"text": line}, number)
            if article is not None:
                yield article


def _read_document(reader: _Reader, text: str) -> Iterator[Article]:
    lines = text.strip().splitlines()
    title = lines[0].lstrip("# ").strip() if lines else ""
    article = reader.article({"text": text, "title": title, "id": reader.path.stem}, None)
    if article is not None:
        yield article


_FILE_READERS: dict[str, Callable[[_Reader, str], Iterator[Article]]] = {
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".json": _read_json,
    ".csv": _read_csv,
    ".txt": _read_lines,
    ".md": _read_document,
}


def iter_articles(
    paths: Iterable[str | Path], config: IngestConfig, report: IngestReport | None = None
) -> Iterator[Article]:
    """Yield the articles of each file or directory, in order."""
    report = report if report is not None else IngestReport()
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".txt", ".md")
            )
            if not files:
                raise InputError("directory holds no .txt or .md files", path=str(path))
            for file in files:
                reader = _Reader(file, config, report)
                yield from _read_document(reader, read_text_file(file))
            continue
        if not path.exists():
            raise InputError("no such file or directory", path=str(path))
        suffix = path.suffix.lower()
        if suffix not in _FILE_READERS:
            raise InputError(
                f"unsupported file type {suffix or '(none)'!r}; "
                f"use one of {', '.join(SUPPORTED_SUFFIXES)} or a directory",
                path=str(path),
            )
        text = read_text_file(path)
        if not text.strip():
            raise InputError("file is empty", path=str(path))
        yield from _FILE_READERS[suffix](_Reader(path, config, report), text)


def read_articles(
    paths: Iterable[str | Path], config: IngestConfig, report: IngestReport | None = None
) -> list[Article]:
    """All articles of the given files, duplicates (same id and text) dropped."""
    seen: dict[str, Article] = {}
    for article in iter_articles(paths, config, report):
        previous = seen.get(article.article_id)
        if previous is not None and previous.text != article.text:
            log.warning("%s: id %r repeats with other text", article.origin, article.article_id)
            article = _with_id(article, content_id(article.text, article.title, article.url))
        seen.setdefault(article.article_id, article)
    return list(seen.values())


def _with_id(article: Article, article_id: str) -> Article:
    return replace(article, article_id=article_id)
