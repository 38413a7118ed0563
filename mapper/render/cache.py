"""A per-user cache for what the map derives from installed packages.

The simplified basemap (shapely over every Natural Earth outline) and the inlined library
assets (folium's URLs, folium-offline's table) take about a second to compute and depend only
on installed package versions and mapper's own code. The first map computes them; later runs
read one JSON file from the user cache (beside the gazetteer index). A file's name carries a
fingerprint of its inputs, so an upgrade, or an edit of the code that derives it, computes anew.
A cache that cannot be read or written is only slower, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def fingerprint(packages: Sequence[str], sources: Sequence[str | Path]) -> str:
    """16 hex digits naming the package versions and the bytes of the source files."""
    parts = []
    for package in packages:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=missing")
    for source in sources:
        parts.append(hashlib.sha256(Path(source).read_bytes()).hexdigest())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.name.rsplit("-", 1)[0]
    for stale in path.parent.glob(f"{stem}-*.json"):
        if stale != path:
            stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_json(name: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON data), read from ``<cache>/<name>-<key>.json`` when it is there."""
    from mapper.gazetteer import default_cache_dir

    path = default_cache_dir() / f"{name}-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("render cache %s unreadable (%s); computing it again", path, exc)
    value = compute()
    try:
        _write(path, json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    except OSError as exc:
        log.info("render cache %s not written (%s)", path, exc)
    return value
