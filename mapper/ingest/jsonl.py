"""JSON Lines (.jsonl, .ndjson) -> Articles: one object per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from mapper.ingest.decode import _escaped_byte, _lines
from mapper.ingest.records import _json_type, _Reader
from mapper.models import Article


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
