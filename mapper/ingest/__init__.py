"""Read batch files into Article values.

Formats: .jsonl, .json (an array of objects), .csv, .txt (one article per non-empty line) and
directories (each .txt/.md file is one article). Input is untrusted: every problem becomes an
InputError naming the file and line, or, with ``on_bad_record: skip``, a counted warning.

Limits (``ingest.*``) bound memory: files over ``max_file_bytes`` are refused before they are
read, articles over ``max_article_chars`` are bad records, and a batch over ``max_batch_articles``
or ``max_batch_chars`` is refused with a message that says how to split it.

``iter_articles(..., stream=True)`` (what ``mapper run`` uses) reads .jsonl, .ndjson, .csv and
.txt files line by line from the open file instead: memory stays bounded however large the file
is, and ``max_file_bytes`` then bounds each line rather than the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import logging
import math
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from mapper.bounds import DATE_MAX, DATE_MIN
from mapper.config import IngestConfig
from mapper.errors import InputError, printable
from mapper.models import Article

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".txt", ".md")
ARTICLE_FIELDS = ("id", "title", "text", "date", "url", "source")
# Warnings kept (and logged) per run; the rest are only counted, so a file of a million bad
# lines cannot flood the log or the run summary.
MAX_WARNINGS = 100
# Longest string tried as a date: real dates are short, and the fallback parser is slow.
MAX_DATE_CHARS = 64
# Longest title, url, source or id: they go into every popup and export row, so a scraper
# that put a whole page there is a bad record, not a title.
MAX_FIELD_CHARS = 65_536

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone UTF-16 surrogates cannot be written as UTF-8; JSON escapes ("\udc80") can produce them.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Bytes that were not UTF-8, kept by the surrogateescape decoder so their line can be skipped.
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
# What to do about bytes that are not UTF-8 (cp1252 is what Excel saves on Windows).
_REENCODE = "re-encode the file as UTF-8, or set ingest.encoding (e.g. cp1252)"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ].*)?", re.ASCII | re.DOTALL)


@dataclass
class IngestReport:
    """What reading skipped, for the run summary."""

    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    # Warnings beyond MAX_WARNINGS: counted, not kept.
    warnings_suppressed: int = 0
    # Records dropped because an earlier one had the same id and text.
    duplicates: int = 0
    # Running totals that the batch limits are checked against.
    articles: int = 0
    chars: int = 0

    def warn(self, message: str) -> None:
        """Keep and log a warning, up to MAX_WARNINGS; count the rest."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
            log.warning("%s", message)
            return
        if not self.warnings_suppressed:
            log.warning("more than %d warnings: the rest are only counted", MAX_WARNINGS)
        self.warnings_suppressed += 1


def content_id(text: str, title: str = "", url: str | None = None) -> str:
    """A stable id from an article's content: the same article always gets the same id."""
    blob = json.dumps([url or "", title, text], ensure_ascii=False, separators=(",", ":"))
    return "h" + hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:15]


def _where(path: Path) -> str:
    """A path for messages: printable, and long enough to find the file again."""
    return printable(str(path), 2000)


def _clean_text(value: str) -> str:
    """Neutralise control characters without changing the text's length.

    Offsets into the text must stay valid for the caller's copy, so nothing is removed:
    control characters become spaces, a lone CR becomes a newline and a lone surrogate
    (unwritable as UTF-8) becomes U+FFFD.
    """
    value = value.replace("\r\n", " \n").replace("\r", "\n")
    value = _SURROGATES.sub("\ufffd", value)
    return _CONTROL_CHARS.sub(" ", value)


def normalise_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from common date forms, or None when there is no date.

    Raises ValueError for a value that is present but not a date.
    """
    if value is None:
        return None
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"'date' is a {_json_type(value)}, not a date")
    text = str(value).strip()
    if not text:
        return None
    shown = printable(text, 40)
    if len(text) > MAX_DATE_CHARS:
        raise ValueError(f"date '{shown}' is not a date")
    if _ISO_DATE.fullmatch(text):
        try:
            day = date.fromisoformat(text[:10])
        except ValueError as exc:
            raise ValueError(f"date '{shown}' is not a date ({exc})") from exc
    else:
        from dateutil import parser as date_parser  # late: only for non-ISO dates

        try:
            day = date_parser.parse(text, fuzzy=False).date()
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError(f"date '{shown}' is not a date") from exc
    # A date the store cannot compute with (relative dates, merge windows) is a bad record.
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"date '{shown}' is outside {DATE_MIN}..{DATE_MAX}")
    return day.isoformat()


def _json_type(value: Any) -> str:
    """A parsed value's type name, for messages ("a int, not a string" as before)."""
    return type(value).__name__


def _count_lines(raw: bytes, end: int) -> int:
    """The 1-based line holding byte offset ``end`` (CR, LF and CRLF all end a line)."""
    return len(_LINE_END_BYTES.findall(raw, 0, end)) + 1


def _binary_offset(raw: bytes) -> int | None:
    """Offset of a NUL byte near the start: text files have none, binary files soon do."""
    offset = raw.find(b"\x00", 0, 4096)
    return offset if offset >= 0 else None


def _looks_like_utf16(raw: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte (odd ones LE, even ones BE)."""
    head = raw[:256]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return len(head) >= 4 and min(even, odd) == 0 and max(even, odd) >= len(head) // 4


def _encoding(config: IngestConfig) -> str:
    """ingest.encoding as a codec name, or "" for the default (UTF-8, or UTF-16 with a BOM)."""
    if not config.encoding or codecs.lookup(config.encoding).name in ("utf-8", "utf-8-sig"):
        return ""
    return config.encoding


def _decode(raw: bytes, path: Path, lenient: bool, encoding: str = "") -> str:
    """Text from UTF-8 (BOM optional) or UTF-16 with a BOM, or from ``encoding`` when given.

    Invalid UTF-8 raises InputError naming the line, unless ``lenient``: then the bad bytes are
    kept as lone surrogates (surrogateescape) so the readers can skip just their lines.
    """
    where = _where(path)
    if encoding:
        try:
            return raw.decode(encoding, "surrogateescape" if lenient else "strict")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding} (byte 0x{raw[exc.start]:02x}); check ingest.encoding",
                path=where,
                line=_count_lines(raw, exc.start),
            ) from exc
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError("UTF-32 text is not supported; re-encode the file as UTF-8", path=where)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            # Truncated files end in half a character; say where, counted in characters.
            prefix = raw[: exc.start].decode("utf-16", "ignore")
            line = len(_LINE_END.findall(prefix)) + 1
            raise InputError(
                "not valid UTF-16 (truncated file or broken character)", path=where, line=line
            ) from exc
    offset = _binary_offset(raw)
    if offset is not None:
        line = _count_lines(raw, offset)
        if _looks_like_utf16(raw):
            raise InputError(
                "looks like UTF-16 without a byte-order mark; re-encode the file as UTF-8",
                path=where,
                line=line,
            )
        raise InputError(
            f"binary data (NUL byte at offset {offset}), not text", path=where, line=line
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if lenient:
            return raw.decode("utf-8-sig", "surrogateescape")
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); {_REENCODE}",
            path=where,
            line=_count_lines(raw, exc.start),
        ) from exc


def _read_bytes(path: Path, config: IngestConfig) -> bytes:
    """A file's bytes, refusing files over ``ingest.max_file_bytes`` before reading them."""
    where = _where(path)
    try:
        if not path.is_file():
            raise InputError("not a regular file", path=where)
        size = path.stat().st_size
        if size > config.max_file_bytes:
            raise InputError(
                f"file has {size:,} bytes, over ingest.max_file_bytes "
                f"({config.max_file_bytes:,}); split it into smaller files or raise the limit",
                path=where,
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path=where) from exc


def read_text_file(path: Path, config: IngestConfig | None = None) -> str:
    """A text file's content (UTF-8 or UTF-16 with a BOM), or InputError naming the line."""
    config = config or IngestConfig()
    return _decode(_read_bytes(path, config), path, lenient=False, encoding=_encoding(config))


def _escaped_byte(text: str, start: int = 0, end: int | None = None) -> str | None:
    """The first undecodable byte kept by surrogateescape, as a message, or None."""
    match = _ESCAPED_BYTE.search(text, start, len(text) if end is None else end)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return f"not valid UTF-8 (byte 0x{byte:02x}); {_REENCODE}"


def _escaped_byte_line(text: str) -> int:
    """The line of the first undecodable byte (1 when there is none)."""
    match = _ESCAPED_BYTE.search(text)
    end = match.start() if match is not None else 0
    return len(_LINE_END.findall(text, 0, end)) + 1


def _line_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(number, start, end) of each line; only CR, LF and CRLF end a line.

    str.splitlines() also breaks at U+2028, form feeds and others, which JSON allows inside
    strings and which would make line numbers disagree with editors.
    """
    number, start = 0, 0
    for match in _LINE_END.finditer(text):
        number += 1
        yield number, start, match.start()
        start = match.end()
    if start < len(text):
        yield number + 1, start, len(text)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) for each line, split as _line_spans does."""
    for number, start, end in _line_spans(text):
        yield number, text[start:end]


class _Reader:
    """Shared record handling: builds Articles and applies the bad-record policy."""

    def __init__(self, path: Path, config: IngestConfig, report: IngestReport):
        self.path = path
        self.where = _where(path)
        self.config = config
        self.report = report

    def bad(self, message: str, line: int | None, item: int | None = None) -> None:
        """Raise InputError, or with ``on_bad_record: skip`` count and log the record.

        ``item`` names a record by its index where no line is known.
        """
        message = printable(message, 300)
        if line is None and item is not None:
            message = f"item {item}: {message}"
        if self.config.on_bad_record == "skip":
            where = f"{self.where}:{line}" if line is not None else self.where
            self.report.skipped += 1
            self.report.warn(f"{where}: skipped: {message}")
            return
        raise InputError(message, path=self.where, line=line)

    def refuse(self, message: str, line: int | None) -> None:
        """Raise InputError whatever the policy: limits are not bad records."""
        raise InputError(message, path=self.where, line=line)

    def article(
        self, record: dict[str, Any], line: int | None, item: int | None = None
    ) -> Article | None:
        """An Article from a parsed record, or None when the record is bad (and skipped)."""
        limit = self.config.max_article_chars

        def bad(message: str) -> None:
            self.bad(message, line, item)

        text = record.get("text")
        if not isinstance(text, str):
            kind = "missing" if text is None else f"a {_json_type(text)}, not a string"
            bad(f"'text' is {kind}")
            return None
        # Checked before cleaning: cleaning keeps the length, and copies the text.
        if len(text) > limit:
            bad(f"text has {len(text):,} characters, over ingest.max_article_chars ({limit:,})")
            return None
        text = _clean_text(text)
        if not text.strip():
            bad("'text' is empty")
            return None
        fields: dict[str, str | None] = {}
        for key in ("title", "url", "source", "id"):
            value = record.get(key)
            if value is None:
                fields[key] = None
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                bad(f"'{key}' is a {_json_type(value)}, not a string")
                return None
            if isinstance(value, float) and not math.isfinite(value):
                bad(f"'{key}' is {value}, not a string")
                return None
            value = str(value)
            if len(value) > MAX_FIELD_CHARS:
                bad(f"'{key}' has {len(value):,} characters, over {MAX_FIELD_CHARS:,}")
                return None
            fields[key] = _clean_text(value).strip()
        try:
            article_date = normalise_date(record.get("date"))
        except ValueError as exc:
            bad(str(exc))
            return None
        self._count(len(text), line)
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
            origin=printable(origin),
        )

    def _count(self, chars: int, line: int | None) -> None:
        """Add an article to the batch totals; refuse the batch when a limit is passed."""
        report, config = self.report, self.config
        report.articles += 1
        report.chars += chars
        if report.articles > config.max_batch_articles:
            self.refuse(
                f"batch has more than ingest.max_batch_articles ({config.max_batch_articles:,}) "
                "articles; split it into smaller batches or raise the limit",
                line,
            )
        if report.chars > config.max_batch_chars:
            self.refuse(
                f"batch has more than ingest.max_batch_chars ({config.max_batch_chars:,}) "
                "characters of article text; split it into smaller batches or raise the limit",
                line,
            )


def _json_error(exc: ValueError | RecursionError) -> str:
    """A short reason for a JSON parse failure (never Python's advice on int digits)."""
    if isinstance(exc, json.JSONDecodeError):
        # Some of json's messages end in "at", expecting a position after them.
        glue = " " if exc.msg.endswith(" at") else " at "
        return f"malformed JSON ({exc.msg}{glue}column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "malformed JSON (nested too deeply)"
    return "malformed JSON (a number is too long)"


def _read_jsonl(reader: _Reader, text: str) -> Iterator[Article]:
    yield from _jsonl_articles(reader, _lines(text))


def _jsonl_articles(reader: _Reader, lines: Iterable[tuple[int, str]]) -> Iterator[Article]:
    """One article per numbered JSONL line (from a whole text or a streamed file)."""
    for number, line in lines:
        if not line.strip():
            continue
        problem = _escaped_byte(line)
        if problem:
            reader.bad(problem, number)
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            reader.bad(_json_error(exc), number)
            continue
        if not isinstance(record, dict):
            reader.bad(f"expected a JSON object, got a {_json_type(record)}", number)
            continue
        article = reader.article(record, number)
        if article is not None:
            yield article


def _read_json(reader: _Reader, text: str) -> Iterator[Article]:
    """A JSON array of objects (or {"articles": [...]}), read item by item.

    Items are decoded one at a time so each message names the item's line, and so a
    truncated file still yields the items before the damage when bad records are skipped.
    """
    start = _JSON_SPACE.match(text).end()
    if text.startswith("{", start):
        yield from _read_json_wrapper(reader, text)
        return
    if not text.startswith("[", start):
        reader.bad('expected a JSON array of article objects, or {"articles": [...]}', 1)
        return
    decoder = json.JSONDecoder()
    pos, line, index = start + 1, 1 + text.count("\n", 0, start + 1), 0
    last = start + 1

    def skip_space(at: int) -> int:
        nonlocal line, last
        at = _JSON_SPACE.match(text, at).end()
        line += text.count("\n", last, at)
        last = at
        return at

    pos = skip_space(pos)
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            try:
                record, end = decoder.raw_decode(text, pos)
            except (ValueError, RecursionError) as exc:
                bad_line = exc.lineno if isinstance(exc, json.JSONDecodeError) else line
                reader.bad(_json_error(exc), bad_line)
                return  # nothing after a syntax error can be trusted
            item_line = line
            line += text.count("\n", last, end)
            last = end
            problem = _escaped_byte(text, pos, end)
            if problem:
                reader.bad(problem, item_line)
            elif isinstance(record, dict):
                article = reader.article(record, item_line)
                if article is not None:
                    yield article
            else:
                reader.bad(f"item {index} is a {_json_type(record)}, not an object", item_line)
            index += 1
            pos = skip_space(end)
            if text.startswith(",", pos):
                pos = skip_space(pos + 1)
                continue
            if text.startswith("]", pos):
                pos += 1
                break
            reason = "file ends inside the array" if pos >= len(text) else "expected ',' or ']'"
            reader.bad(f"malformed JSON ({reason})", line)
            return
    pos = skip_space(pos)
    if pos < len(text):
        reader.bad("malformed JSON (extra data after the array)", line)


def _read_json_wrapper(reader: _Reader, text: str) -> Iterator[Article]:
    """{"articles": [...]}: parsed whole, items named by index (no per-item lines)."""
    problem = _escaped_byte(text)
    if problem:
        reader.bad(problem, _escaped_byte_line(text))
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        reader.bad(_json_error(exc), line)
        return
    if not isinstance(data.get("articles"), list):
        keys = ", ".join(printable(str(k), 40) for k in list(data)[:10]) or "none"
        reader.bad(f'expected {{"articles": [...]}} (keys found: {keys})', 1)
        return
    for index, record in enumerate(data["articles"]):
        if not isinstance(record, dict):
            reader.bad(f"a {_json_type(record)}, not an object", None, index)
            continue
        article = reader.article(record, None, index)
        if article is not None:
            yield article


@contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """Let csv read fields up to ``limit`` characters (its default is 131,072), then restore."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_csv(reader: _Reader, text: str) -> Iterator[Article]:
    yield from _csv_articles(reader, io.StringIO(text, newline=""))


# Separators tried when ingest.csv_delimiter is unset, in order of preference.
CSV_DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(header: str, text_column: str = "text") -> str:
    """The separator of a CSV header line: the one that splits out ``text_column``, else the
    one that splits it into the most fields; "," when none splits it."""
    best, best_key = ",", (False, 1)
    for delimiter in CSV_DELIMITERS:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        key = (text_column in {cell.strip() for cell in cells}, len(cells))
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _csv_articles(reader: _Reader, lines: Iterable[str]) -> Iterator[Article]:
    """Articles from CSV lines that keep their line ends (a text read with newline="")."""
    columns = {**{k: k for k in ARTICLE_FIELDS}, **reader.config.csv_columns}
    limit = reader.config.max_article_chars
    delimiter = reader.config.csv_delimiter
    if not delimiter:
        lines = iter(lines)
        first = next(lines, "")
        delimiter = sniff_delimiter(first.rstrip("\r\n"), columns["text"])
        lines = itertools.chain([first], lines)
    with _csv_field_limit(limit):
        # strict: a quoted field still open at the end of the file (a truncated batch) is an
        # error, not a field that silently swallows every following row.
        rows = csv.reader(lines, strict=True, delimiter=delimiter)
        try:
            header = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            reader.bad(f"malformed CSV header ({exc})", 1)
            return
        problem = _escaped_byte("".join(header))
        if problem:
            reader.bad(problem, 1)
            return
        index = {name.strip(): i for i, name in enumerate(header)}
        if columns["text"] not in index:
            shown = printable(", ".join(header), 200) or "none"
            reader.refuse(
                f"no {columns['text']!r} column (columns: {shown}); "
                "set ingest.csv_columns.text to the column that holds the article text",
                1,
            )
        while True:
            # A record may span lines: name the line it starts on.
            start = rows.line_num + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                reason = str(exc)
                if "field limit" in reason:
                    reason = f"a field is longer than ingest.max_article_chars ({limit:,})"
                elif "unexpected end of data" in reason:
                    reason = "a quoted field is never closed"
                reader.bad(f"malformed CSV ({reason})", start)
                if rows.line_num < start:
                    return  # the reader made no progress: stop rather than loop
                continue
            if not any(cell.strip() for cell in row):
                continue
            problem = _escaped_byte("".join(row))
            if problem:
                reader.bad(problem, start)
                continue
            if len(row) != len(header):
                hint = " (an unclosed quote?)" if any("\n" in c or "\r" in c for c in row) else ""
                reader.bad(f"expected {len(header)} fields, got {len(row)}{hint}", start)
                continue
            record: dict[str, Any] = {
                key: row[index[col]] for key, col in columns.items() if col in index
            }
            record = {k: (v if v.strip() or k == "text" else None) for k, v in record.items()}
            article = reader.article(record, start)
            if article is not None:
                yield article


def _read_lines(reader: _Reader, text: str) -> Iterator[Article]:
    limit = reader.config.max_article_chars
    for number, start, end in _line_spans(text):
        if end - start > limit:
            # Refused before slicing: a 50 MB line is not copied just to be measured.
            reader.bad(
                f"text has {end - start:,} characters, over ingest.max_article_chars ({limit:,})",
                number,
            )
            continue
        yield from _line_article(reader, number, text[start:end])


def _text_line_articles(reader: _Reader, lines: Iterable[tuple[int, str]]) -> Iterator[Article]:
    """One article per numbered non-empty line of a streamed .txt file."""
    limit = reader.config.max_article_chars
    for number, line in lines:
        if len(line) > limit:
            reader.bad(
                f"text has {len(line):,} characters, over ingest.max_article_chars ({limit:,})",
                number,
            )
            continue
        yield from _line_article(reader, number, line)


def _line_article(reader: _Reader, number: int, line: str) -> Iterator[Article]:
    """The article of one .txt line, if the line holds one."""
    if not line.strip():
        return
    problem = _escaped_byte(line)
    if problem:
        reader.bad(problem, number)
        return
    article = reader.article({"text": line}, number)
    if article is not None:
        yield article


def _read_document(reader: _Reader, text: str) -> Iterator[Article]:
    problem = _escaped_byte(text)
    if problem:
        reader.bad(problem, _escaped_byte_line(text))
        return
    first = next((line for _, line in _lines(text) if line.strip()), "")
    title = first.lstrip("# ").strip()
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


# Bytes sniffed at the start of a streamed file: _decode looks for a NUL byte in as many.
_SNIFF_BYTES = 4096
# Characters read at a time when checking that a streamed file is not all whitespace.
_BLANK_BLOCK = 1 << 20


def _open_text(path: Path, encoding: str = "") -> TextIO:
    """A file as text the way _decode reads it: UTF-8 (or ``encoding``), BOM dropped, bad bytes
    kept as escapes.

    newline="": lines end at CR, LF or CRLF, and keep their ends (csv needs them).
    """
    return path.open(
        encoding=encoding or "utf-8-sig",
        errors="surrogateescape",
        newline="",
        buffering=1 << 20,
    )


def _is_blank(path: Path, encoding: str = "") -> bool:
    """True when the decoded file is only whitespace (what _read_file calls empty)."""
    with _open_text(path, encoding) as stream:
        while block := stream.read(_BLANK_BLOCK):
            if not block.isspace():
                return False
    return True


def _raw_lines(reader: _Reader, stream: TextIO) -> Iterator[str]:
    """A streamed file's lines with their ends; a line over max_file_bytes is refused."""
    limit = reader.config.max_file_bytes
    number = 0
    pending = ""
    while True:
        line = pending or stream.readline(limit + 1)
        pending = ""
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            reader.refuse(
                f"line has more than {limit:,} characters, over ingest.max_file_bytes; "
                "split the record or raise the limit",
                number,
            )
        if line.endswith("\r") and len(line) > limit:
            # The read stopped at the size limit, maybe between the CR and LF of one line end.
            pending = stream.readline(limit + 1)
            if pending == "\n":
                line, pending = line + "\n", ""
        yield line


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(number, line without its end) for raw lines, numbered as _lines numbers a text."""
    for number, line in enumerate(lines, 1):
        if line.endswith("\r\n"):
            yield number, line[:-2]
        elif line.endswith(("\n", "\r")):
            yield number, line[:-1]
        else:
            yield number, line


# Formats that iter_articles(stream=True) reads line by line, each from its raw lines.
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


def unique_articles(
    articles: Iterable[Article],
    report: IngestReport,
    seen: MutableMapping[str, tuple[bytes, str]] | None = None,
) -> Iterator[Article]:
    """The articles, less duplicates (same id and text), which are dropped and counted.

    An id that repeats with other text is replaced by a content id. ``seen`` maps each id
    yielded to a digest of its text and its origin; pass a mapping kept on disk to read a
    batch whose ids do not fit in memory.
    """
    seen = {} if seen is None else seen
    for article in articles:
        key = _text_key(article.text)
        previous = seen.get(article.article_id)
        if previous is not None:
            if previous[0] == key:
                report.duplicates += 1
                log.info("%s: duplicate of %s, dropped", article.origin, previous[1])
                continue
            report.warn(
                f"{article.origin}: id {printable(article.article_id, 60)!r} repeats with "
                "other text; given a content id"
            )
            article = _with_id(article, content_id(article.text, article.title, article.url))
            if article.article_id in seen:
                report.duplicates += 1
                continue
        seen[article.article_id] = (key, article.origin)
        yield article


def _text_key(text: str) -> bytes:
    """What two texts are compared by: a digest, so that a batch's ids need not keep texts."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _with_id(article: Article, article_id: str) -> Article:
    return replace(article, article_id=article_id)


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
