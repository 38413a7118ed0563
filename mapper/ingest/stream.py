"""A batch read in chunks from its files, twice: once to check and count it, once to process it.

ArticleStream(paths, IngestConfig, chunk_size).check(report) -> int; .chunks() -> lists of
Article, duplicates dropped (their ids kept on disk by SeenIds, not in memory).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path

from mapper.config import IngestConfig
from mapper.ingest import IngestReport, iter_articles, unique_articles
from mapper.models import Article
from mapper.progress import progress_bar


class SeenIds(MutableMapping[str, tuple[bytes, str]]):
    """The ids a batch has read (for ingest.unique_articles), kept on disk, not in memory.

    A private temporary SQLite database: deleted when closed, and only its page cache in
    memory, so a million ids cost a few MB.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute(
            "CREATE TABLE seen (id TEXT PRIMARY KEY, text_key BLOB NOT NULL, "
            "origin TEXT NOT NULL) WITHOUT ROWID"
        )
        self.db.execute("BEGIN")  # never committed: one transaction, no commit per id

    def __getitem__(self, key: str) -> tuple[bytes, str]:
        row = self.db.execute("SELECT text_key, origin FROM seen WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0], row[1]

    def __setitem__(self, key: str, value: tuple[bytes, str]) -> None:
        self.db.execute("INSERT OR REPLACE INTO seen VALUES (?, ?, ?)", (key, *value))

    def __delitem__(self, key: str) -> None:
        if self.db.execute("DELETE FROM seen WHERE id = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self.db.execute("SELECT id FROM seen").fetchall())

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        self.db.close()


class _QuietReport(IngestReport):
    """The report of the second reading: the first one already kept and logged its warnings."""

    def warn(self, message: str) -> None:
        pass


class ArticleStream:
    """A batch's articles in chunks, read from the files each time: never all in memory.

    ``check()`` reads it once to count it and raise any input error before anything is
    written; ``chunks()`` reads it again for processing. Both drop duplicates as read_articles
    does, remembering ids on disk (SeenIds). The ingest.max_batch_* limits bound what is
    held at once, so they apply to each chunk.
    """

    def __init__(self, paths: Sequence[Path], config: IngestConfig, chunk_size: int):
        self.paths = list(paths)
        self.config = config
        self.chunk_size = chunk_size

    def check(self, report: IngestReport) -> int:
        """Read the batch through once, keeping only counts; returns its number of articles."""
        count = 0
        with progress_bar("read") as bar:
            for chunk in self._chunks(report):
                count += len(chunk)
                bar.update(len(chunk))
        return count

    def chunks(self) -> Iterator[list[Article]]:
        """The articles again, ``chunk_size`` at a time, in input order."""
        yield from self._chunks(_QuietReport())

    def _chunks(self, report: IngestReport) -> Iterator[list[Article]]:
        seen = SeenIds()
        try:
            articles = iter_articles(self.paths, self.config, report, stream=True)
            chunk: list[Article] = []
            for article in unique_articles(articles, report, seen):
                chunk.append(article)
                if len(chunk) == self.chunk_size:
                    yield chunk
                    chunk = []
                    report.articles = report.chars = 0  # the batch limits count per chunk
            if chunk:
                yield chunk
        finally:
            seen.close()
