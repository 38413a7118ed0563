"""Property tests and a fuzz corpus for the batch readers (mapper.ingest).

Every input ends in one of two documented ways: an InputError of one line naming the file (and
the line, for a record), or articles plus counted skips under ``on_bad_record: skip``. The
properties are differential: the fail policy must stop at exactly the first record the skip
policy skips, with the same reason, and otherwise return the same articles.

The ``check_*`` functions hold the properties; the CI tests run them for a bounded number of
examples, and bench/fuzz_long.py runs the same functions for many more.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mapper.cli import main
from mapper.config import IngestConfig
from mapper.errors import InputError, printable
from mapper.ingest import IngestReport, _clean_text, read_articles
from mapper.models import Article

CORPUS = Path(__file__).resolve().parents[1] / "fuzz_corpus"

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same cases on every CI run; bench/fuzz_long.py explores
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Reasons that are refusals, not bad records: they end the run under either policy.
REFUSALS = ("column (columns:", "ingest.max_file_bytes", "ingest.max_batch_", "no such file")
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass
class Outcome:
    """What reading a batch did: articles and the report, or the error."""

    articles: list[Article] = field(default_factory=list)
    report: IngestReport = field(default_factory=IngestReport)
    error: InputError | None = None


@contextmanager
def batch_file(name: str, data: bytes) -> Iterator[Path]:
    """A file holding ``data`` in a fresh temporary directory."""
    with tempfile.TemporaryDirectory(prefix="mapper-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def read(paths: list[Path], **settings_: Any) -> Outcome:
    """Read a batch and check the invariants every outcome must meet."""
    config = IngestConfig(**settings_)
    report = IngestReport()
    try:
        articles = read_articles(paths, config, report)
    except InputError as exc:
        check_error(exc, paths)
        return Outcome(report=report, error=exc)
    check_articles(articles, config)
    return Outcome(articles, report)


def check_error(exc: InputError, paths: list[Path]) -> None:
    """One line, naming one of the input files (or a file inside an input folder)."""
    message = str(exc)
    assert message and "\n" not in message and "\r" not in message, message
    assert exc.reason and exc.path is not None
    assert any(exc.path.startswith(printable(str(p), 2000)) for p in paths), message
    if exc.line is not None:
        assert exc.line >= 1 and message.startswith(f"{exc.path}:{exc.line}: ")


def check_articles(articles: list[Article], config: IngestConfig) -> None:
    """Articles are clean, writable as UTF-8, within the limits and uniquely identified."""
    ids = [a.article_id for a in articles]
    assert len(set(ids)) == len(ids) and all(ids)
    for article in articles:
        assert article.text.strip()
        assert len(article.text) <= config.max_article_chars
        for value in (
            article.text,
            article.title,
            article.url or "",
            article.source or "",
            article.article_id,
            article.origin,
        ):
            assert not _BAD_CHARS.search(value), repr(value)
            value.encode("utf-8")
        assert article.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date)


def first_skip(report: IngestReport) -> str:
    return report.warnings[0] if report.warnings else ""


def check_policies_agree(paths: list[Path], **settings_: Any) -> tuple[Outcome, Outcome]:
    """Run both policies; fail must stop exactly where skip first skipped, for the same reason."""
    skip = read(paths, on_bad_record="skip", **settings_)
    fail = read(paths, on_bad_record="fail", **settings_)
    if skip.error is not None:
        # Under skip only refusals stop a run, and fail refuses the same way.
        assert any(r in skip.error.reason for r in REFUSALS), str(skip.error)
        assert fail.error is not None
        return skip, fail
    if skip.report.skipped == 0:
        assert fail.error is None, str(fail.error)
        assert fail.articles == skip.articles
        return skip, fail
    assert fail.error is not None, first_skip(skip.report)
    where = f"{fail.error.path}:{fail.error.line}" if fail.error.line else fail.error.path
    assert first_skip(skip.report) == f"{where}: skipped: {fail.error.reason}"
    return skip, fail


def expected_text(text: str, via_json: bool = False) -> str | None:
    """What the reader makes of a text field: cleaned, or None when nothing is left.

    Through JSON, escaped surrogate pairs ("\\ud83d\\udd25") become one character first.
    """
    if via_json:
        text = json.loads(json.dumps(text))
    cleaned = _clean_text(text)
    return cleaned if cleaned.strip() else None


# ---- strategies ------------------------------------------------------------------------------

# Text with everything that goes wrong in scraped news: controls, separators, bidi marks,
# markup and lone surrogates (which JSON escapes can carry).
awkward_chars = st.sampled_from(
    [
        "\x00",
        "\x07",
        "\x1b",
        "\x7f",
        "\x85",
        "\u2028",
        "\u2029",
        "\u202e",
        "\ufeff",
        "\ufffd",
        "\r",
        "\n",
        "\r\n",
        "\t",
        '"',
        ",",
        "\\",
        "<script>",
        "</script>",
        "javascript:",
        "\U0001f525",
    ]
)
any_text = st.lists(
    st.text(max_size=12) | awkward_chars | st.characters(categories=["Cs"]), max_size=8
).map("".join)
news_text = st.lists(
    st.sampled_from(
        [
            "Floods hit Dhaka.",
            "A quake struck Peru,",
            "killing 12 people.",
            "Fire near Lima.",
            "Gaza",
            "Kyiv",
            "2024-03-01",
        ]
    )
    | any_text,
    min_size=1,
    max_size=5,
).map(" ".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=6,
)
dates = (
    st.sampled_from(
        [
            "2024-03-01",
            "2024-02-30",
            "March 5, 2024",
            "yesterday",
            "",
            "0000-00-00",
            "2024-03-01T10:00:00Z",
            "10/11/12",
            "99999-01-01",
            "٢٠٢٤-٠١-٠١",
        ]
    )
    | json_values
)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["a", "b", "7"]) | st.integers() | json_values,
        "title": news_text | json_values,
        "text": news_text | json_values,
        "date": dates,
        "url": st.sampled_from(["https://example.org/a", "javascript:alert(1)"]) | json_values,
        "source": any_text,
    },
)
broken_lines = st.sampled_from(
    [
        '{"text": "cut',
        "{",
        "[" * 3000,
        '{"text": "x", "id": ' + "9" * 5000 + "}",
        "null",
        '"just text"',
        "[1, 2]",
        "{'text': 'single quotes'}",
        '{"text": NaN}',
        "\x00\x01",
        '{"text": "a"} {"text": "b"}',
        "\ufeff{}",
    ]
)
jsonl_lines = st.lists(
    records.map(lambda r: json.dumps(r, ensure_ascii=False))
    | json_values.map(json.dumps)
    | broken_lines
    | st.text(max_size=30),
    min_size=1,
    max_size=12,
)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])


# ---- properties (shared with bench/fuzz_long.py) ---------------------------------------------


def check_any_bytes(data: bytes, suffix: str) -> None:
    """Any bytes at all, under any supported suffix: a clean outcome under both policies."""
    with batch_file(f"batch{suffix}", data) as path:
        check_policies_agree([path])


def check_jsonl(lines: list[str], end: str, bom: bool) -> None:
    """Every non-blank JSONL line becomes an article, a duplicate or one counted skip."""
    text = end.join(lines) + end
    raw = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8", "surrogatepass")
    with batch_file("batch.jsonl", raw) as path:
        skip, _ = check_policies_agree([path])
    if skip.error is not None:
        return
    if b"\x00" in raw[:4096]:  # a binary file: one whole-file verdict
        assert not skip.articles and skip.report.skipped == 1
        return
    decoded = text[1:] if text.startswith("\ufeff") and not bom else text
    non_blank = sum(1 for line in _LINE_SPLIT.split(decoded) if line.strip())
    if non_blank == 0:  # an empty file is one whole-file skip
        assert not skip.articles and skip.report.skipped == 1
        return
    counted = len(skip.articles) + skip.report.duplicates + skip.report.skipped
    assert counted == non_blank, (counted, non_blank, skip.report.warnings)


def check_csv(header: list[str], rows: list[list[str]], quoting: int) -> None:
    """CSV written by a CSV writer (embedded newlines, quotes) reads back field for field."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=quoting, lineterminator="\r\n")
    writer.writerow(header)
    texts = []
    for number, row in enumerate(rows):
        cells = dict(zip(header, row, strict=False))
        # Unique ids (no duplicate handling here) and no dates (fuzzed in the JSONL property).
        cells.update(id=f"r{number}", date="")
        writer.writerow([cells[name] for name in header])
        texts.append(expected_text(cells["text"]))
    with batch_file("batch.csv", buffer.getvalue().encode("utf-8")) as path:
        skip, _ = check_policies_agree([path])
    assert skip.error is None
    assert [a.text for a in skip.articles] == [t for t in texts if t is not None]
    assert skip.report.skipped == texts.count(None)


def check_json_array(items: list[dict[str, Any]], indent: int | None, cut: float | None) -> None:
    """A JSON array, whole or cut short anywhere: skip keeps a prefix of the articles."""
    whole = json.dumps(items, indent=indent).encode("utf-8")
    data = whole if cut is None else whole[: int(len(whole) * cut)]
    with batch_file("batch.json", data) as path:
        skip, fail = check_policies_agree([path])
        full = read([path], on_bad_record="skip") if cut is None else None
    texts = [t for t in (expected_text(i["text"], via_json=True) for i in items) if t is not None]
    got = [a.text for a in skip.articles]
    assert got == texts[: len(got)], (got, texts)
    if cut is not None and data != whole:
        assert fail.error is not None  # a cut array is never silently accepted
    if full is not None:
        assert [a.text for a in full.articles] == texts


def check_encoding(lines: list[str], encoding: str) -> None:
    """UTF-8 (BOM or not) and UTF-16 with a BOM read alike; Latin-1 fails on its first bad line."""
    text = "\n".join(lines) + "\n"
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
        return
    if encoding in ("utf-16-le", "utf-16-be"):
        raw = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + raw
    assume(not (encoding in ("latin-1", "cp1252") and raw.startswith(codecs.BOM_UTF8)))
    with batch_file("batch.txt", raw) as path:
        skip, fail = check_policies_agree([path])
    if skip.error is not None or (b"\x00" in raw[:4096] and not encoding.startswith("utf-16")):
        return
    expected: list[str] = []
    bad_lines = []
    for number, line in enumerate(lines, start=1):
        seen = line
        if not encoding.startswith("utf"):
            # Latin-1 bytes that happen to be valid UTF-8 are read as UTF-8: mojibake, which
            # no reader can tell from text; the others make the line bad.
            try:
                seen = line.encode(encoding).decode("utf-8")
            except UnicodeDecodeError:
                bad_lines.append(number)
                continue
        if not seen.strip():
            continue
        cleaned = expected_text(seen)
        if cleaned is None:
            bad_lines.append(number)
        elif cleaned not in expected:  # the same line again is a duplicate (same content id)
            expected.append(cleaned)
    assert [a.text for a in skip.articles] == expected
    if bad_lines:
        assert fail.error is not None and fail.error.line == bad_lines[0]


def check_duplicates(rows: list[tuple[str | None, str]]) -> None:
    """Repeated ids and repeated items: ids stay unique and no distinct text is lost."""
    lines = [json.dumps({"id": i, "text": t} if i is not None else {"text": t}) for i, t in rows]
    with batch_file("batch.jsonl", ("\n".join(lines) + "\n").encode()) as path:
        outcome = read([path])
    assert outcome.error is None
    assert len(outcome.articles) + outcome.report.duplicates == len(rows)
    assert {a.text for a in outcome.articles} == {t for _, t in rows}


def check_limits(texts: list[str], max_chars: int, max_articles: int, max_batch_chars: int) -> None:
    """Over-long articles are bad records; a batch over its limits is refused under any policy."""
    lines = [json.dumps({"id": f"a{n}", "text": t}) for n, t in enumerate(texts)]
    limits = {
        "max_article_chars": max_chars,
        "max_batch_articles": max_articles,
        "max_batch_chars": max_batch_chars,
    }
    with batch_file("batch.jsonl", ("\n".join(lines) + "\n").encode()) as path:
        skip, _ = check_policies_agree([path], **limits)
    kept = [t for t in texts if len(t) <= max_chars]
    too_many = len(kept) > max_articles
    too_long = any(
        sum(len(t) for t in kept[: n + 1]) > max_batch_chars
        for n in range(min(len(kept), max_articles))
    )
    if too_many or too_long:
        assert skip.error is not None and "ingest.max_batch_" in skip.error.reason
    else:
        assert skip.error is None
        assert [a.text for a in skip.articles] == kept
        assert skip.report.skipped == len(texts) - len(kept)


# ---- the CI runs of the properties ------------------------------------------------------------


@FUZZ
@given(
    data=st.binary(max_size=600), suffix=st.sampled_from([".jsonl", ".json", ".csv", ".txt", ".md"])
)
def test_any_bytes_end_cleanly(data, suffix):
    check_any_bytes(data, suffix)


@FUZZ
@given(
    data=st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    suffix=st.sampled_from([".jsonl", ".json", ".csv", ".txt"]),
)
def test_any_text_ends_cleanly(data, suffix):
    check_any_bytes(data, suffix)


@FUZZ
@given(lines=jsonl_lines, end=line_ends, bom=st.booleans())
def test_jsonl_each_line_is_an_article_or_a_counted_skip(lines, end, bom):
    check_jsonl(lines, end, bom)


csv_cells = st.lists(
    news_text.map(lambda t: re.sub("[\x00\ud800-\udfff]", "", t))
    | st.sampled_from(["", " ", '"', '""', "a,b", "x\ny", "\r\n", "\r"]),
    min_size=6,
    max_size=6,
)


@FUZZ
@given(
    header=st.permutations(["id", "title", "text", "date", "url", "source"]).map(list),
    rows=st.lists(csv_cells, max_size=6),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_csv_round_trip(header, rows, quoting):
    check_csv(header, rows, quoting)


good_items = st.lists(
    st.fixed_dictionaries({"text": news_text}, optional={"title": any_text}), max_size=6
).map(lambda items: [{**item, "id": f"i{n}"} for n, item in enumerate(items)])


@FUZZ
@given(
    items=good_items,
    indent=st.sampled_from([None, 0, 2]),
    cut=st.none() | st.floats(0, 1, exclude_max=True),
)
def test_json_array_whole_or_truncated(items, indent, cut):
    check_json_array(items, indent, cut)


@FUZZ
@given(
    lines=st.lists(
        st.text(max_size=20).map(lambda t: _LINE_SPLIT.sub(" ", t).replace("\x00", "")),
        min_size=1,
        max_size=6,
    ),
    encoding=st.sampled_from(
        ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]
    ),
)
def test_encodings(lines, encoding):
    check_encoding(lines, encoding)


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", None]), st.sampled_from(["Floods.", "Fire.", "Quake."])
        ),
        min_size=1,
        max_size=10,
    )
)
def test_duplicates_keep_every_distinct_text(rows):
    check_duplicates(rows)


@FUZZ
@given(
    texts=st.lists(
        st.text(alphabet="ab ", min_size=1, max_size=12).filter(str.strip), min_size=1, max_size=8
    ),
    max_chars=st.integers(1, 12),
    max_articles=st.integers(1, 8),
    max_batch_chars=st.integers(1, 60),
)
def test_limits(texts, max_chars, max_articles, max_batch_chars):
    check_limits(texts, max_chars, max_articles, max_batch_chars)


@FUZZ
@given(text=any_text, title=any_text)
def test_text_keeps_its_length_and_becomes_writable(text, title):
    raw = json.dumps({"text": text, "title": title}).encode()  # lone surrogates as \\u escapes
    with batch_file("batch.jsonl", raw) as path:
        outcome = read([path], on_bad_record="skip")
    seen = json.loads(raw)["text"]  # what the reader was given: pairs joined
    cleaned = expected_text(seen)
    if cleaned is None:
        assert outcome.report.skipped == 1
    else:
        [article] = outcome.articles
        assert article.text == cleaned and len(article.text) == len(seen)  # offsets hold


# ---- the corpus ---------------------------------------------------------------------------------

# file -> (fail: error fragment or number of articles, skip: (articles, skipped))
CORPUS_EXPECTED: dict[str, tuple[str | int, tuple[int, int]]] = {
    "bad_date.jsonl": (":1: date '2024-13-45' is not a date", (0, 1)),
    "binary.jsonl": (":3: binary data (NUL byte at offset 8), not text", (0, 1)),
    "control_chars.jsonl": (1, (1, 0)),
    "cr_only.txt": (3, (3, 0)),
    "deep_nesting.jsonl": (":2: malformed JSON (nested too deeply)", (1, 1)),
    "duplicate_ids.jsonl": (3, (3, 0)),
    "empty.jsonl": ("empty.jsonl: file is empty", (0, 1)),
    "hostile_html.jsonl": (2, (2, 0)),
    "huge_number.jsonl": (":2: malformed JSON (a number is too long)", (1, 1)),
    "latin1.txt": (":2: not valid UTF-8 (byte 0xf6); re-encode the file as UTF-8", (2, 1)),
    "lone_surrogate.jsonl": (1, (1, 0)),
    "no_text_column.csv": (":1: no 'text' column (columns: id, body)", (-1, -1)),
    "ragged.csv": (":3: expected 3 fields, got 2", (1, 2)),
    "truncated.json": (":12: malformed JSON (Expecting value at column 1)", (2, 1)),
    "truncated.jsonl": (":2: malformed JSON (Unterminated string starting at column 40)", (1, 1)),
    "unclosed_quote.csv": (":2: malformed CSV (a quoted field is never closed)", (0, 1)),
    "utf16_no_bom.txt": (":1: looks like UTF-16 without a byte-order mark", (0, 1)),
    "utf16_truncated.txt": (":2: not valid UTF-16 (truncated file or broken character)", (0, 1)),
    "utf16le_bom.jsonl": (2, (2, 0)),
    "utf8_bom_crlf.csv": (2, (2, 0)),
    "whitespace_only.txt": ("whitespace_only.txt: file is empty", (0, 1)),
    "wrong_top_level.json": (':1: expected {"articles": [...]} (keys found: items)', (0, 1)),
    "wrong_types.jsonl": (":2: 'text' is a list, not a string", (1, 6)),
}


def test_corpus_is_all_covered():
    assert sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md") == sorted(
        CORPUS_EXPECTED
    )


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_corpus_file(name):
    path = CORPUS / name
    fail_expected, (articles, skipped) = CORPUS_EXPECTED[name]
    skip, fail = check_policies_agree([path])
    if isinstance(fail_expected, int):
        assert fail.error is None and len(fail.articles) == fail_expected
    else:
        assert fail.error is not None and fail_expected in str(fail.error)
        assert str(fail.error).startswith(str(path))
    if articles >= 0:
        assert (len(skip.articles), skip.report.skipped) == (articles, skipped)


def test_corpus_hostile_and_control_text_is_kept_as_text():
    outcome = read([CORPUS / "control_chars.jsonl"])
    [article] = outcome.articles
    assert article.text == "Rain  in [31m Lima .\u2028Next\x85line"
    assert article.title == "T itle \nx"
    hostile = read([CORPUS / "hostile_html.jsonl"]).articles
    assert "<script>" in hostile[0].title  # escaping is the map's job, on the way out
    assert hostile[0].url == "javascript:window.__xss=3"
    surrogate = read([CORPUS / "lone_surrogate.jsonl"]).articles[0]
    assert surrogate.text == "Floods \ufffd hit \ufffd Dhaka."


# ---- sizes and limits, cheaply ----------------------------------------------------------------


def test_long_line_refused_by_the_article_limit(tmp_path):
    # The 10 MB line of the issue, scaled down with the limit; bench/fuzz_long.py runs 10 MB.
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "ok"}\n' + json.dumps({"text": "x" * 200_001}) + "\n")
    with pytest.raises(InputError) as info:
        read_articles([path], IngestConfig(max_article_chars=200_000))
    assert str(info.value) == (
        f"{path}:2: text has 200,001 characters, over ingest.max_article_chars (200,000)"
    )
    report = IngestReport()
    articles = read_articles(
        [path], IngestConfig(max_article_chars=200_000, on_bad_record="skip"), report
    )
    assert [a.text for a in articles] == ["ok"] and report.skipped == 1


def test_big_file_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("Floods hit Dhaka.\n" * 100)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    for policy in ("fail", "skip"):
        with pytest.raises(
            InputError,
            match=r"big.txt: file has 1,800 bytes, over "
            r"ingest.max_file_bytes \(1,000\); split it",
        ):
            read_articles([path], IngestConfig(max_file_bytes=1000, on_bad_record=policy))


def test_batch_limits_refuse_under_any_policy(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("one\ntwo\nthree\n")
    for policy in ("fail", "skip"):
        with pytest.raises(
            InputError,
            match=r"b.txt:3: batch has more than "
            r"ingest.max_batch_articles \(2\) articles",
        ):
            read_articles([path], IngestConfig(max_batch_articles=2, on_bad_record=policy))
        with pytest.raises(
            InputError,
            match=r"b.txt:2: batch has more than "
            r"ingest.max_batch_chars \(5\) characters",
        ):
            read_articles([path], IngestConfig(max_batch_chars=5, on_bad_record=policy))


def test_csv_field_over_csv_default_limit_is_read(tmp_path):
    # csv's own field limit is 131,072 characters; articles up to max_article_chars are fine.
    before = csv.field_size_limit()
    path = tmp_path / "long.csv"
    path.write_text('id,text\n1,"' + "word " * 40_000 + '"\n')
    [article] = read_articles([path], IngestConfig())
    assert len(article.text) == 200_000
    assert csv.field_size_limit() == before


def test_warnings_are_capped_but_counted(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n" * 250 + '{"text": "ok"}\n')
    report = IngestReport()
    articles = read_articles([path], IngestConfig(on_bad_record="skip"), report)
    assert len(articles) == 1 and report.skipped == 250
    assert len(report.warnings) == 100 and report.warnings_suppressed == 150


def test_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # reading it would block for ever
    for policy in ("fail", "skip"):
        with pytest.raises(InputError, match=r"pipe\.jsonl: not a regular file"):
            read_articles([fifo], IngestConfig(on_bad_record=policy))


def test_folder_with_bad_documents_under_skip(tmp_path):
    (tmp_path / "a.txt").write_text("Floods hit Dhaka.")
    (tmp_path / "b.md").write_bytes(b"\x00\x01binary")
    (tmp_path / "c.txt").write_bytes("Schwere Unwetter in K\u00f6ln".encode("latin-1"))
    (tmp_path / "d.md").write_text("   \n")
    report = IngestReport()
    articles = read_articles([tmp_path], IngestConfig(on_bad_record="skip"), report)
    assert [a.article_id for a in articles] == ["a"] and report.skipped == 3
    with pytest.raises(InputError, match=r"b.md:1: binary data"):
        read_articles([tmp_path], IngestConfig())


def test_control_characters_in_a_file_name_stay_on_one_line(tmp_path):
    path = tmp_path / "bad\nname.jsonl"
    path.write_text("{broken\n")
    with pytest.raises(InputError) as info:
        read_articles([path], IngestConfig())
    assert "\n" not in str(info.value) and "bad\\x0aname.jsonl:1: malformed JSON" in str(info.value)


# ---- the command line ---------------------------------------------------------------------------

# One file per class of bad input: (file, what its one stderr line says).
CLI_BAD = [
    ("latin1.txt", "latin1.txt:2: not valid UTF-8"),
    ("utf16_no_bom.txt", "utf16_no_bom.txt:1: looks like UTF-16"),
    ("utf16_truncated.txt", "utf16_truncated.txt:2: not valid UTF-16"),
    ("binary.jsonl", "binary.jsonl:3: binary data"),
    ("truncated.json", "truncated.json:12: malformed JSON"),
    ("truncated.jsonl", "truncated.jsonl:2: malformed JSON"),
    ("deep_nesting.jsonl", "deep_nesting.jsonl:2: malformed JSON (nested too deeply)"),
    ("unclosed_quote.csv", "unclosed_quote.csv:2: malformed CSV"),
    ("ragged.csv", "ragged.csv:3: expected 3 fields, got 2"),
    ("empty.jsonl", "empty.jsonl: file is empty"),
    ("wrong_types.jsonl", "wrong_types.jsonl:2: 'text' is a list, not a string"),
    ("wrong_top_level.json", "wrong_top_level.json:1: expected"),
    ("bad_date.jsonl", "bad_date.jsonl:1: date '2024-13-45' is not a date"),
    ("no_text_column.csv", "no_text_column.csv:1: no 'text' column"),
]


def run_cli(*args: str | Path) -> Any:
    return CliRunner().invoke(main, ["run", *(str(a) for a in args)])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder (map, exports, store) written by one good run."""
    out = tmp_path_factory.mktemp("stored")
    result = run_cli("--input", CORPUS / "utf8_bom_crlf.csv", "--output-dir", out)
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.mark.parametrize(("name", "message"), CLI_BAD)
def test_cli_bad_input_exit_2_one_line_nothing_written(tmp_path, stored, name, message):
    out = tmp_path / "out"
    result = run_cli("--input", CORPUS / name, "--output-dir", out)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mapper: error: ") and message in lines[0]
    assert str(CORPUS / name) in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists()
    # A failed batch leaves an earlier run's store and outputs as they were.
    before = snapshot(stored)
    assert run_cli("--input", CORPUS / name, "--output-dir", stored).exit_code == 2
    assert snapshot(stored) == before


@pytest.mark.parametrize(
    ("name", "kept", "skipped"),
    [
        ("latin1.txt", 2, 1),
        ("wrong_types.jsonl", 1, 6),
        ("truncated.json", 2, 1),
        ("binary.jsonl", 0, 1),
    ],
)
def test_cli_skip_policy_maps_what_was_good(tmp_path, name, kept, skipped):
    out = tmp_path / "out"
    result = run_cli(
        "--input", CORPUS / name, "--output-dir", out, "--set", "ingest.on_bad_record=skip"
    )
    assert result.exit_code == 0, result.stderr
    assert f"articles read:   {kept} ({skipped} skipped)" in result.stdout
    assert "Traceback" not in result.output + result.stderr
    assert (out / "incident_map.html").exists()
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert report["articles"]["bad_records_skipped"] == skipped
    assert len(report["warnings"]) == skipped
