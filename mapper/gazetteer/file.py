"""The gazetteer's index file: flat arrays and a name table, read without running any code.

One file, ``gazetteer-<fingerprint>.index`` in the cache folder:

    MAGIC | header length (8 bytes, little-endian) | header (JSON) | payload

The header holds the small tables (demonyms, capitals, country codes ...), the value tables
of the coded text columns (kinds, countries, admin-1 codes), and where each array lies in the
payload with its type; the payload's SHA-256 is in the header too, so a truncated or damaged
file is refused and rebuilt, never half-read. Numbers are in this machine's byte order (the
cache is per machine; another order is refused). Loading reads the file once and keeps the
name tables as open-addressing hash tables over the file's bytes: no 500,000-key dict is built
at start-up, and a name is found by its CRC-32 in a few probes (each answer is kept).

Unlike a pickle, a file written by someone else into a shared cache folder cannot run code: at
worst it holds wrong places, which the fingerprint in its name and the checksum guard against.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import zlib
from array import array
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import GazetteerError

if TYPE_CHECKING:
    from mapper.gazetteer.index import Gazetteer

MAGIC = b"mapper gazetteer index\n"
FORMAT = 1
_TEXT_COLUMNS = ("place_ids", "names")
_CODED_COLUMNS = ("kinds", "countries", "admin1s")
_FLOAT_COLUMNS = ("lats", "lons", "extents")
_INT_COLUMNS = ("admin2s", "populations", "fames")
_INT_TABLES = ("demonyms", "admin1_abbreviations", "country_entries", "admin1_entries")
_TEXT_TABLES = ("admin1_parents", "country_tlds", "continents", "sources")
# Answers a table remembers; past this it starts over.
_MEMORY = 1 << 18
_MISSING = object()


class _HashedKeys:
    """Name keys as an open-addressing hash table over bytes (see the module's docstring)."""

    def __init__(self, arrays: Mapping[str, memoryview]):
        self._blob = arrays["blob"]
        self._key_ends = arrays["key_ends"]
        self._slots = arrays["slots"]
        self._mask = len(self._slots) - 1

    def _find(self, key: str) -> int:
        """The key's position in the table, or -1."""
        raw = key.encode("utf-8", "surrogatepass")
        slot = zlib.crc32(raw) & self._mask
        slots, ends, blob = self._slots, self._key_ends, self._blob
        while True:
            item = slots[slot]
            if item < 0:
                return -1
            if blob[ends[item - 1] if item else 0 : ends[item]] == raw:
                return item
            slot = (slot + 1) & self._mask

    def __len__(self) -> int:
        return len(self._key_ends)

    def __iter__(self) -> Iterator[str]:
        blob, start = self._blob, 0
        for end in self._key_ends:
            yield bytes(blob[start:end]).decode("utf-8", "surrogatepass")
            start = end


class NameTable(_HashedKeys, Mapping[str, tuple[int, ...]]):
    """Name key -> entries; each answer is kept (up to ``_MEMORY`` of them)."""

    def __init__(self, arrays: Mapping[str, memoryview]):
        super().__init__(arrays)
        self._value_ends = arrays["value_ends"]
        self._values = arrays["values"]
        self._memory: dict[str, tuple[int, ...] | None] = {}

    def get(self, key: str, default: Any = None) -> Any:
        found = self._memory.get(key, _MISSING)
        if found is _MISSING:
            item = self._find(key) if isinstance(key, str) else -1
            if item < 0:
                found = None
            else:
                start = self._value_ends[item - 1] if item else 0
                found = tuple(self._values[start : self._value_ends[item]])
            if len(self._memory) >= _MEMORY:
                self._memory.clear()
            self._memory[key] = found
        return default if found is None else found

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None


class NameSet(_HashedKeys, AbstractSet[str]):
    """A set of name keys; each answer is kept (up to ``_MEMORY`` of them)."""

    def __init__(self, arrays: Mapping[str, memoryview]):
        super().__init__(arrays)
        self._memory: dict[str, bool] = {}

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        found = self._memory.get(key)
        if found is None:
            if len(self._memory) >= _MEMORY:
                self._memory.clear()
            found = self._memory[key] = self._find(key) >= 0
        return found


def _table_arrays(keys: list[str], values: list[tuple[int, ...]] | None) -> dict[str, array]:
    joined = "\0".join(keys).encode("utf-8", "surrogatepass")
    raw_keys = joined.split(b"\0") if keys else []
    if len(raw_keys) != len(keys):  # a key holds a NUL: encode them one by one
        raw_keys = [k.encode("utf-8", "surrogatepass") for k in keys]
    key_ends = array("I", itertools.accumulate(map(len, raw_keys)))
    size = 1
    while size < 2 * len(keys) + 1:
        size *= 2
    mask = size - 1
    slots = array("i", [-1]) * size
    for item, code in enumerate(map(zlib.crc32, raw_keys)):
        slot = code & mask
        while slots[slot] >= 0:
            slot = (slot + 1) & mask
        slots[slot] = item
    found = {"blob": array("B", b"".join(raw_keys)), "key_ends": key_ends, "slots": slots}
    if values is not None:
        found.update(
            values=array("i", itertools.chain.from_iterable(values)),
            value_ends=array("I", itertools.accumulate(map(len, values))),
        )
    return found


def write_index(gazetteer: Gazetteer, handle: Any) -> None:
    """Write ``gazetteer`` to the open binary file ``handle``."""
    head, _, payload = _encode(gazetteer)
    handle.write(head)
    handle.write(payload)


def write_and_read_index(gazetteer: Gazetteer, handle: Any) -> Gazetteer:
    """Write ``gazetteer`` to ``handle``; return what read_index would read from the file.

    The tables come from the very bytes written, as read_index makes them, without reading
    the file back or checking the checksum just computed.
    """
    head, header, payload = _encode(gazetteer)
    handle.write(head)
    handle.write(payload)
    return _gazetteer(json.loads(header), memoryview(payload).toreadonly(), "index")


def _encode(gazetteer: Gazetteer) -> tuple[bytes, bytes, bytearray]:
    """The file's start (magic, length, header), its header alone, and its payload."""
    arrays: dict[str, array] = {}
    header: dict[str, Any] = {
        "format": FORMAT,
        "byteorder": sys.byteorder,
        "entries": len(gazetteer),
    }
    for name in _TEXT_COLUMNS:
        column = getattr(gazetteer, name)
        joined = "\0".join(column)
        if joined.count("\0") != max(len(column) - 1, 0):
            raise GazetteerError(f"gazetteer column {name} holds a NUL character")
        arrays[name] = array("B", joined.encode("utf-8", "surrogatepass"))
    for name in _CODED_COLUMNS:
        column = getattr(gazetteer, name)
        table = sorted(set(column))
        code = {value: number for number, value in enumerate(table)}
        header[f"{name}_table"] = table
        arrays[name] = array("H" if len(table) <= 0xFFFF else "I", map(code.__getitem__, column))
    for name in _FLOAT_COLUMNS:
        arrays[name] = array("d", getattr(gazetteer, name))
    for name in _INT_COLUMNS:
        arrays[name] = array("q" if name == "populations" else "i", getattr(gazetteer, name))
    # Keys in sorted order: the build's order follows set iteration, which varies with
    # PYTHONHASHSEED, and the same gazetteer must write the same bytes in every process.
    keys = sorted(gazetteer.index)
    values = list(map(gazetteer.index.__getitem__, keys))
    for part, data in _table_arrays(keys, values).items():
        arrays[f"index.{part}"] = data
    for part, data in _table_arrays(sorted(gazetteer.prefixes), None).items():
        arrays[f"prefixes.{part}"] = data
    for name in (*_INT_TABLES, *_TEXT_TABLES):
        header[name] = dict(sorted(getattr(gazetteer, name).items()))
    header["capitals"] = sorted(gazetteer.capitals)
    header["acronyms"] = sorted(gazetteer.acronyms)
    payload, sections = bytearray(), {}
    for name, data in arrays.items():
        payload.extend(b"\0" * (-len(payload) % 8))  # each array starts 8-byte aligned
        sections[name] = [len(payload), len(data) * data.itemsize, data.typecode]
        payload.extend(data.tobytes())
    header["sections"] = sections
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    encoded = json.dumps(header, ensure_ascii=True).encode("ascii")
    encoded += b" " * (-(len(MAGIC) + 8 + len(encoded)) % 8)  # the payload starts aligned
    return MAGIC + len(encoded).to_bytes(8, "little") + encoded, encoded, payload


def read_index(path: Path) -> Gazetteer:
    """The gazetteer in ``path``; GazetteerError when the file is not a whole index file."""
    data = path.read_bytes()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise GazetteerError(f"{path}: not a gazetteer index file")
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little")
    start = len(MAGIC) + 8 + size
    try:
        header = json.loads(data[len(MAGIC) + 8 : start])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerError(f"{path}: damaged header ({exc})") from exc
    if header.get("format") != FORMAT or header.get("byteorder") != sys.byteorder:
        raise GazetteerError(f"{path}: index format {header.get('format')} not readable here")
    payload = memoryview(data)[start:]
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise GazetteerError(f"{path}: checksum mismatch (truncated or damaged)")
    return _gazetteer(header, payload, path)


def _gazetteer(header: dict[str, Any], payload: memoryview, source: object) -> Gazetteer:
    """The gazetteer of a checked header and payload (``source`` names them in errors)."""
    from mapper.gazetteer.index import Gazetteer

    views: dict[str, memoryview] = {}
    for name, (offset, length, typecode) in header["sections"].items():
        views[name] = payload[offset : offset + length].cast(typecode)
    g = Gazetteer()
    for name in _TEXT_COLUMNS:
        setattr(g, name, bytes(views[name]).decode("utf-8", "surrogatepass").split("\0"))
    for name in _CODED_COLUMNS:
        table = header[f"{name}_table"]
        setattr(g, name, list(map(table.__getitem__, views[name])))
    for name in (*_FLOAT_COLUMNS, *_INT_COLUMNS):
        setattr(g, name, views[name].tolist())
    columns = (*_TEXT_COLUMNS, *_CODED_COLUMNS, *_FLOAT_COLUMNS, *_INT_COLUMNS)
    if any(len(getattr(g, name)) != header["entries"] for name in columns):
        raise GazetteerError(f"{source}: columns of unequal length")
    g.index = NameTable({k.split(".", 1)[1]: v for k, v in views.items() if k.startswith("index.")})
    g.prefixes = NameSet(
        {k.split(".", 1)[1]: v for k, v in views.items() if k.startswith("prefixes.")}
    )
    for name in (*_INT_TABLES, *_TEXT_TABLES):
        setattr(g, name, dict(header[name]))
    g.capitals = frozenset(header["capitals"])
    g.acronyms = frozenset(header["acronyms"])
    return g
