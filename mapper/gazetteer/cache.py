"""The index cache: takes a Gazetteer, gives its cached file's path, and saves and loads it."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import BinaryIO, TypeVar

from mapper.errors import GazetteerError
from mapper.gazetteer.build import _no_cyclic_gc, build_index
from mapper.gazetteer.index import (
    _BUILD_MODULES,
    _DATA_FILES,
    _SOURCE_PACKAGES,
    INDEX_VERSION,
    Gazetteer,
)

log = logging.getLogger("mapper.gazetteer")
_T = TypeVar("_T")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mapper"


def _fingerprint(min_population: int) -> str:
    """Identifies the inputs of an index: package versions, curated tables, settings."""
    parts = [str(INDEX_VERSION), str(min_population)]
    package = resources.files("mapper.gazetteer")
    for name in _BUILD_MODULES:
        item = package / name
        parts.append(hashlib.sha256(item.read_bytes()).hexdigest() if item.is_file() else "-")
    for package in _SOURCE_PACKAGES:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=missing")
    data_dir = resources.files("mapper.gazetteer") / "data"
    for name in _DATA_FILES:
        item = data_dir / name
        parts.append(hashlib.sha256(item.read_bytes()).hexdigest() if item.is_file() else "-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def index_path(cache_dir: str | Path | None, min_population: int = 500) -> Path:
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    return folder / f"gazetteer-{_fingerprint(min_population)}.index"


def load_gazetteer(
    cache_dir: str | Path | None = None, *, min_population: int = 500, build: bool = True
) -> Gazetteer:
    """Load the cached index, building it first when it is missing or out of date."""
    from mapper.gazetteer.file import read_index

    path = index_path(cache_dir, min_population)
    if path.exists():
        try:
            return read_index(path)
        except (OSError, GazetteerError, KeyError, TypeError, ValueError) as exc:
            log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
    if not build:
        raise GazetteerError(f"no gazetteer index at {path}; run `mapper gazetteer build`")
    # Once per machine (and after upgrades): say so, since it takes seconds, not milliseconds.
    log.warning("building the offline gazetteer index once (about 10 s): %s", path)
    # A first run works on the same tables as every later one: those of the file's bytes.
    return save_and_reload(build_index(min_population=min_population), path)


def save_gazetteer(gazetteer: Gazetteer, path: Path) -> Path:
    """Write atomically: a half-written cache must never be loaded."""
    from mapper.gazetteer.file import write_index

    with _no_cyclic_gc():
        _write_atomically(path, lambda handle: write_index(gazetteer, handle))
    return path


def save_and_reload(gazetteer: Gazetteer, path: Path) -> Gazetteer:
    """save_gazetteer, then the gazetteer as read_index reads the file (without reading it)."""
    from mapper.gazetteer.file import write_and_read_index

    with _no_cyclic_gc():
        return _write_atomically(path, lambda handle: write_and_read_index(gazetteer, handle))


def _write_atomically(path: Path, write: Callable[[BinaryIO], _T]) -> _T:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Indexes of other inputs go; older versions' pickles stay: a mapper of an older version
    # sharing the cache folder would otherwise rebuild its index at its next start.
    for stale in path.parent.glob("gazetteer-*.index"):
        if stale != path:
            stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            written = write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


# ---------------------------------------------------------------- building
