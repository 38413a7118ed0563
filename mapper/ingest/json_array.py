"""A JSON document (.json: an array of objects, or {"articles": [...]}) -> Articles, item by
item."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from mapper.errors import printable
from mapper.ingest.decode import _escaped_byte, _escaped_byte_line
from mapper.ingest.jsonl import _json_error
from mapper.ingest.records import _json_type, _Reader
from mapper.models import Article

_JSON_SPACE = re.compile(r"[ \t\n\r]*")


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
