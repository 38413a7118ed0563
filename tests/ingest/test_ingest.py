import codecs
import json

import pytest

from mapper.config import IngestConfig
from mapper.errors import InputError
from mapper.ingest import IngestReport, content_id, read_articles


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_ingest_jsonl_reads_all_fields(tmp_path):
    record = {
        "id": "a1",
        "title": "T",
        "text": "Floods hit Dhaka.",
        "date": "2024-07-01",
        "url": "https://example.org/a1",
        "source": "Wire",
    }
    path = write(tmp_path / "b.jsonl", json.dumps(record) + "\n\n")
    [article] = read_articles([path], IngestConfig())
    assert (article.article_id, article.title, article.text) == ("a1", "T", "Floods hit Dhaka.")
    assert (article.date, article.url, article.source) == (
        "2024-07-01",
        "https://example.org/a1",
        "Wire",
    )
    assert article.origin == "b.jsonl:1"


def test_ingest_json_array(tmp_path):
    path = write(tmp_path / "b.json", json.dumps([{"text": "One."}, {"text": "Two.", "id": 7}]))
    articles = read_articles([path], IngestConfig())
    assert [a.text for a in articles] == ["One.", "Two."]
    assert articles[1].article_id == "7"
    assert articles[0].article_id == content_id("One.")


def test_ingest_csv_with_bom_crlf_and_embedded_newline(tmp_path):
    text = 'id,text,date\r\n1,"Line one\r\nline two",2024-01-02\r\n2,Second,\r\n'
    path = write(tmp_path / "b.csv", "\ufeff" + text)
    articles = read_articles([path], IngestConfig())
    assert [a.article_id for a in articles] == ["1", "2"]
    assert articles[0].text.split() == ["Line", "one", "line", "two"]
    assert articles[0].date == "2024-01-02" and articles[1].date is None


def test_ingest_csv_configurable_columns(tmp_path):
    path = write(tmp_path / "b.csv", "body,headline\nQuake in Chile.,Quake\n")
    config = IngestConfig(csv_columns={"text": "body", "title": "headline"})
    [article] = read_articles([path], config)
    assert (article.text, article.title) == ("Quake in Chile.", "Quake")


def test_ingest_txt_one_article_per_line(seed_articles):
    articles = read_articles([seed_articles], IngestConfig())
    assert len(articles) == 10
    assert articles[6].text.startswith("Israeli military strikes across Gaza")
    assert len({a.article_id for a in articles}) == 10


def test_ingest_directory_of_documents(tmp_path):
    write(tmp_path / "b.md", "# Heading\nBody text.")
    write(tmp_path / "a.txt", "Plain text.")
    write(tmp_path / "skip.csv", "x")
    articles = read_articles([tmp_path], IngestConfig())
    assert [a.article_id for a in articles] == ["a", "b"]
    assert articles[1].title == "Heading"


def test_ingest_utf16_with_bom(tmp_path):
    path = tmp_path / "b.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Zürich floods.\n".encode("utf-16-le"))
    [article] = read_articles([path], IngestConfig())
    assert article.text == "Zürich floods."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("b.jsonl", '{"text": "ok"}\n{"text": broken\n', "b.jsonl:2: malformed JSON"),
        ("b.jsonl", '{"text": "ok"}\n["a list"]\n', "b.jsonl:2: expected a JSON object"),
        ("b.jsonl", '{"title": "no text"}\n', "b.jsonl:1: 'text' is missing"),
        ("b.jsonl", '{"text": 5}\n', "b.jsonl:1: 'text' is a int, not a string"),
        ("b.csv", "id,body\n1,x\n", "b.csv:1: no 'text' column"),
        ("b.json", '{"text": ', "b.json:1: malformed JSON"),
        ("b.txt", "   \n", "b.txt: file is empty"),
        ("b.xml", "<a/>", "unsupported file type '.xml'"),
    ],
)
def test_ingest_bad_input_names_file_and_line(tmp_path, name, content, message):
    path = write(tmp_path / name, content)
    with pytest.raises(InputError) as info:
        read_articles([path], IngestConfig())
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_ingest_invalid_utf8_names_line(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"b.jsonl:2: not valid UTF-8"):
        read_articles([path], IngestConfig())


def test_ingest_skip_policy_counts_bad_records(tmp_path):
    path = write(tmp_path / "b.jsonl", '{"text": "good"}\nnot json\n{"text": ""}\n')
    report = IngestReport()
    articles = read_articles([path], IngestConfig(on_bad_record="skip"), report)
    assert [a.text for a in articles] == ["good"]
    assert report.skipped == 2
    assert report.warnings[0].startswith(f"{path}:2: skipped: malformed JSON")


def test_ingest_keeps_text_length_for_offsets(tmp_path):
    text = "  Rain\r\nin Lima\x07.  "
    path = write(tmp_path / "b.jsonl", json.dumps({"text": text}))
    [article] = read_articles([path], IngestConfig())
    assert len(article.text) == len(text)
    assert article.text[article.text.index("Lima") :][:4] == "Lima"


def test_ingest_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_articles([tmp_path / "nope.jsonl"], IngestConfig())
