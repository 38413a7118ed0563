"""One parsed record -> an Article: the bad-record policy, the batch limits and the
IngestReport of what reading skipped (shared by every format reader)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mapper.bounds import DATE_MAX, DATE_MIN
from mapper.config import IngestConfig
from mapper.errors import InputError, printable
from mapper.models import Article

# The package's logger name, which log lines show ("WARNING mapper.ingest: ...").
log = logging.getLogger("mapper.ingest")


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
            # What the text leaves out is January and the 1st, not today's month and day
            # (dateutil's default): "2011-04" is the same date whichever day it is read.
            first_of_year = datetime(date.today().year, 1, 1)
            day = date_parser.parse(text, fuzzy=False, default=first_of_year).date()
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError(f"date '{shown}' is not a date") from exc
    # A date the store cannot compute with (relative dates, merge windows) is a bad record.
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"date '{shown}' is outside {DATE_MIN}..{DATE_MAX}")
    return day.isoformat()


def _json_type(value: Any) -> str:
    """A parsed value's type name, for messages ("a int, not a string" as before)."""
    return type(value).__name__


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
