"""ingest.csv_delimiter (sniffed when unset) and ingest.encoding, read whole and streamed."""

from __future__ import annotations

import pytest

from mapper.config import load_config
from mapper.errors import InputError
from mapper.ingest import iter_articles, read_text_file, sniff_delimiter

TEXT = "Heavy rain flooded Graz, Austria; 2 people were missing."


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id,title,text,date", ","),
        ("id;title;text;date", ";"),
        ("id\ttitle\ttext", "\t"),
        ("id|text", "|"),
        ("text", ","),  # one column: nothing to tell, the default
        ('"id";"a,b";"text"', ";"),  # a comma inside a quoted name is not the separator
        ("id;note,with,commas;text", ";"),  # the split that finds the text column wins
    ],
)
def test_sniff_delimiter(header, expected):
    assert sniff_delimiter(header) == expected


def test_sniff_delimiter_looks_for_the_configured_text_column():
    assert sniff_delimiter("body,x;y;z", "body") == ","


def read(path, *settings, stream=True):
    return list(iter_articles([path], load_config(None, list(settings)).ingest, stream=stream))


@pytest.mark.parametrize("stream", [True, False])
def test_semicolon_csv_in_cp1252(tmp_path, stream):
    path = tmp_path / "export.csv"
    rows = ["id;title;text", f'7;Überschwemmung;"{TEXT} Café closed."']
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    [article] = read(path, "ingest.encoding=cp1252", stream=stream)
    assert (article.id, article.title) == ("7", "Überschwemmung")
    assert article.text == f"{TEXT} Café closed."
    with pytest.raises(InputError, match=r"export\.csv:2: not valid UTF-8 \(byte 0xdc\)"):
        read(path, stream=stream)


@pytest.mark.parametrize("stream", [True, False])
def test_explicit_delimiter_overrides_sniffing(tmp_path, stream):
    path = tmp_path / "pipes.csv"
    path.write_text(f"id|text\n1|{TEXT}\n", encoding="utf-8")
    [article] = read(path, 'ingest.csv_delimiter="|"', stream=stream)
    assert article.text == TEXT
    # Told the wrong separator, the reader finds no text column and says which it saw.
    with pytest.raises(InputError, match=r"pipes\.csv:1: no 'text' column \(columns: id\|text\)"):
        read(path, "ingest.csv_delimiter=;", stream=stream)


def test_utf8_is_the_default_and_can_be_named(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfid,text\n1,Sn\xc3\xb8 in Troms\xc3\xb8.\n")
    for settings in ((), ("ingest.encoding=UTF-8",), ("ingest.encoding=utf8",)):
        [article] = read(path, *settings)
        assert article.text == "Snø in Tromsø."


def test_read_text_file_uses_the_encoding(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Zürich".encode("latin-1"))
    assert read_text_file(path, load_config(None, ["ingest.encoding=latin-1"]).ingest) == "Zürich"
    path.write_bytes(b"\x81")
    with pytest.raises(InputError, match=r"latin\.txt:1: not valid cp1252 \(byte 0x81\)"):
        read_text_file(path, load_config(None, ["ingest.encoding=cp1252"]).ingest)
