"""Plain text -> Articles: a .txt file holds one article per non-empty line, a .md file (or a
file in an input folder) is one article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mapper.ingest.decode import _escaped_byte, _escaped_byte_line, _line_spans, _lines
from mapper.ingest.records import _Reader
from mapper.models import Article


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
