"""CSV (.csv) -> Articles: a header row names the columns; the delimiter is sniffed."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from mapper.errors import printable
from mapper.ingest.decode import _escaped_byte
from mapper.ingest.records import ARTICLE_FIELDS, _Reader
from mapper.models import Article


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
