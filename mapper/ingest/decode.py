"""File bytes -> text: UTF-8/UTF-16 decoding with messages that name the line, and the
numbered lines of a whole text or of a file streamed line by line."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from mapper.config import IngestConfig
from mapper.errors import InputError
from mapper.ingest.records import _Reader, _where

# Bytes that were not UTF-8, kept by the surrogateescape decoder so their line can be skipped.
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")

# What to do about bytes that are not UTF-8 (cp1252 is what Excel saves on Windows).
_REENCODE = "re-encode the file as UTF-8, or set ingest.encoding (e.g. cp1252)"


def _count_lines(raw: bytes, end: int) -> int:
    """The 1-based line holding byte offset ``end`` (CR, LF and CRLF all end a line)."""
    return len(_LINE_END_BYTES.findall(raw, 0, end)) + 1


def _binary_offset(raw: bytes) -> int | None:
    """Offset of a NUL byte near the start: text files have none, binary files soon do."""
    offset = raw.find(b"\x00", 0, 4096)
    return offset if offset >= 0 else None


def _looks_like_utf16(raw: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte (odd ones LE, even ones BE)."""
    head = raw[:256]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return len(head) >= 4 and min(even, odd) == 0 and max(even, odd) >= len(head) // 4


def _encoding(config: IngestConfig) -> str:
    """ingest.encoding as a codec name, or "" for the default (UTF-8, or UTF-16 with a BOM)."""
    if not config.encoding or codecs.lookup(config.encoding).name in ("utf-8", "utf-8-sig"):
        return ""
    return config.encoding


def _decode(raw: bytes, path: Path, lenient: bool, encoding: str = "") -> str:
    """Text from UTF-8 (BOM optional) or UTF-16 with a BOM, or from ``encoding`` when given.

    Invalid UTF-8 raises InputError naming the line, unless ``lenient``: then the bad bytes are
    kept as lone surrogates (surrogateescape) so the readers can skip just their lines.
    """
    where = _where(path)
    if encoding:
        try:
            return raw.decode(encoding, "surrogateescape" if lenient else "strict")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding} (byte 0x{raw[exc.start]:02x}); check ingest.encoding",
                path=where,
                line=_count_lines(raw, exc.start),
            ) from exc
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError("UTF-32 text is not supported; re-encode the file as UTF-8", path=where)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            # Truncated files end in half a character; say where, counted in characters.
            prefix = raw[: exc.start].decode("utf-16", "ignore")
            line = len(_LINE_END.findall(prefix)) + 1
            raise InputError(
                "not valid UTF-16 (truncated file or broken character)", path=where, line=line
            ) from exc
    offset = _binary_offset(raw)
    if offset is not None:
        line = _count_lines(raw, offset)
        if _looks_like_utf16(raw):
            raise InputError(
                "looks like UTF-16 without a byte-order mark; re-encode the file as UTF-8",
                path=where,
                line=line,
            )
        raise InputError(
            f"binary data (NUL byte at offset {offset}), not text", path=where, line=line
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if lenient:
            return raw.decode("utf-8-sig", "surrogateescape")
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); {_REENCODE}",
            path=where,
            line=_count_lines(raw, exc.start),
        ) from exc


def _read_bytes(path: Path, config: IngestConfig) -> bytes:
    """A file's bytes, refusing files over ``ingest.max_file_bytes`` before reading them."""
    where = _where(path)
    try:
        if not path.is_file():
            raise InputError("not a regular file", path=where)
        size = path.stat().st_size
        if size > config.max_file_bytes:
            raise InputError(
                f"file has {size:,} bytes, over ingest.max_file_bytes "
                f"({config.max_file_bytes:,}); split it into smaller files or raise the limit",
                path=where,
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path=where) from exc


def read_text_file(path: Path, config: IngestConfig | None = None) -> str:
    """A text file's content (UTF-8 or UTF-16 with a BOM), or InputError naming the line."""
    config = config or IngestConfig()
    return _decode(_read_bytes(path, config), path, lenient=False, encoding=_encoding(config))


def _escaped_byte(text: str, start: int = 0, end: int | None = None) -> str | None:
    """The first undecodable byte kept by surrogateescape, as a message, or None."""
    match = _ESCAPED_BYTE.search(text, start, len(text) if end is None else end)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return f"not valid UTF-8 (byte 0x{byte:02x}); {_REENCODE}"


def _escaped_byte_line(text: str) -> int:
    """The line of the first undecodable byte (1 when there is none)."""
    match = _ESCAPED_BYTE.search(text)
    end = match.start() if match is not None else 0
    return len(_LINE_END.findall(text, 0, end)) + 1


def _line_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(number, start, end) of each line; only CR, LF and CRLF end a line.

    str.splitlines() also breaks at U+2028, form feeds and others, which JSON allows inside
    strings and which would make line numbers disagree with editors.
    """
    number, start = 0, 0
    for match in _LINE_END.finditer(text):
        number += 1
        yield number, start, match.start()
        start = match.end()
    if start < len(text):
        yield number + 1, start, len(text)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) for each line, split as _line_spans does."""
    for number, start, end in _line_spans(text):
        yield number, text[start:end]


# Bytes sniffed at the start of a streamed file: _decode looks for a NUL byte in as many.
_SNIFF_BYTES = 4096
# Characters read at a time when checking that a streamed file is not all whitespace.
_BLANK_BLOCK = 1 << 20


def _open_text(path: Path, encoding: str = "") -> TextIO:
    """A file as text the way _decode reads it: UTF-8 (or ``encoding``), BOM dropped, bad bytes
    kept as escapes.

    newline="": lines end at CR, LF or CRLF, and keep their ends (csv needs them).
    """
    return path.open(
        encoding=encoding or "utf-8-sig",
        errors="surrogateescape",
        newline="",
        buffering=1 << 20,
    )


def _is_blank(path: Path, encoding: str = "") -> bool:
    """True when the decoded file is only whitespace (what _read_file calls empty)."""
    with _open_text(path, encoding) as stream:
        while block := stream.read(_BLANK_BLOCK):
            if not block.isspace():
                return False
    return True


def _raw_lines(reader: _Reader, stream: TextIO) -> Iterator[str]:
    """A streamed file's lines with their ends; a line over max_file_bytes is refused."""
    limit = reader.config.max_file_bytes
    number = 0
    pending = ""
    while True:
        line = pending or stream.readline(limit + 1)
        pending = ""
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            reader.refuse(
                f"line has more than {limit:,} characters, over ingest.max_file_bytes; "
                "split the record or raise the limit",
                number,
            )
        if line.endswith("\r") and len(line) > limit:
            # The read stopped at the size limit, maybe between the CR and LF of one line end.
            pending = stream.readline(limit + 1)
            if pending == "\n":
                line, pending = line + "\n", ""
        yield line


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(number, line without its end) for raw lines, numbered as _lines numbers a text."""
    for number, line in enumerate(lines, 1):
        if line.endswith("\r\n"):
            yield number, line[:-2]
        elif line.endswith(("\n", "\r")):
            yield number, line[:-1]
        else:
            yield number, line


# Formats that iter_articles(stream=True) reads line by line, each from its raw lines.
