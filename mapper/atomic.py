"""Atomic writes: a uniquely named temporary file beside the target, renamed onto it.

Every output (map, GeoJSON, CSV, Parquet, run.json) is written this way. Readers never see
half a file; a crash, a full disk or a read-only directory leaves the previous file in place
and no temporary file behind; two writers of one file never share a temporary name.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mapper.errors import WriteError

# What a failed write most often means, said plainly.
_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file is over the size limit",
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_failure(
    path: Path | str, exc: OSError, error: type[WriteError] = WriteError
) -> WriteError:
    """The one-line error for an output that cannot be written."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return error(f"{os.fsdecode(path)!s}: cannot write ({reason})")


@contextmanager
def atomic_path(path: Path, error: type[WriteError] = WriteError) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it when the block succeeds.

    The temporary name is unique (mkstemp), so concurrent writers of one file do not clash:
    the last rename wins and each reader sees one whole file. OSError becomes WriteError.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        yield Path(tmp)
        # mkstemp makes the file private (0600); outputs get the usual mode, as open() gives.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise write_failure(path, exc, error) from exc
    finally:
        if tmp is not None and os.path.lexists(tmp):
            Path(tmp).unlink(missing_ok=True)


def write_atomic(
    path: Path, text: str, *, newline: str = "", error: type[WriteError] = WriteError
) -> Path:
    """Write text (UTF-8) to a temporary file beside the target, then rename it into place."""
    with atomic_path(path, error) as tmp:
        tmp.write_text(text, encoding="utf-8", newline=newline)
    return path
