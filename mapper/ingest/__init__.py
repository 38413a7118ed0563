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

The package's modules, in the order a file goes through them: ``files`` (which reader, whole or
streamed), ``decode`` (bytes to numbered lines), one module per format (``jsonl``,
``json_array``, ``csv_table``, ``text_lines``), ``records`` (a record to an Article, the limits,
the bad-record policy), then ``unique`` (duplicates) and ``stream`` (the batch a run reads);
``spool`` copies standard input and pipes to files first.
"""

from __future__ import annotations

from mapper.ingest.csv_table import CSV_DELIMITERS, sniff_delimiter
from mapper.ingest.decode import read_text_file
from mapper.ingest.files import iter_articles, read_articles
from mapper.ingest.records import (
    ARTICLE_FIELDS,
    MAX_DATE_CHARS,
    MAX_FIELD_CHARS,
    MAX_WARNINGS,
    SUPPORTED_SUFFIXES,
    IngestReport,
    _clean_text,
    content_id,
    normalise_date,
)
from mapper.ingest.spool import STDIN, spooled_inputs
from mapper.ingest.unique import unique_articles

__all__ = [
    "ARTICLE_FIELDS",
    "CSV_DELIMITERS",
    "MAX_DATE_CHARS",
    "MAX_FIELD_CHARS",
    "MAX_WARNINGS",
    "STDIN",
    "SUPPORTED_SUFFIXES",
    "IngestReport",
    "_clean_text",
    "content_id",
    "iter_articles",
    "normalise_date",
    "read_articles",
    "read_text_file",
    "sniff_delimiter",
    "spooled_inputs",
    "unique_articles",
]
