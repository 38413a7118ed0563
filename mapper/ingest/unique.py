"""Articles -> the same articles less duplicates (same id and text), counted."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import replace

from mapper.errors import printable
from mapper.ingest.records import IngestReport, content_id
from mapper.models import Article

# The package's logger name, which log lines show ("WARNING mapper.ingest: ...").
log = logging.getLogger("mapper.ingest")


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
