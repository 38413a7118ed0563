"""Reading installed data: takes a package resource or curated table name, gives its rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources

from mapper.errors import GazetteerError


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Rows of one of mapper's curated TSV tables (first line is the header)."""
    item = resources.files("mapper.gazetteer") / "data" / name
    if not item.is_file():
        return
    lines = item.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise GazetteerError(
                f"mapper/gazetteer/data/{name}:{number}: expected {len(header)} columns"
            )
        yield dict(zip(header, cells, strict=True))


def read_json_resource(package: str, *parts: str) -> object:
    item = resources.files(package).joinpath(*parts)
    try:
        # As read_text would decode it, without a text stream's line-by-line newline handling
        # (JSON has newlines only between its tokens).
        return json.loads(item.read_bytes().decode("utf-8"))
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise GazetteerError(f"{package} data missing ({'/'.join(parts)})") from exc
