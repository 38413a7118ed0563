"""The MapperError tree: every error mapper raises on purpose derives from it.

The CLI turns any MapperError into one line on stderr and its ``exit_code`` (documented in
the README's "Exit codes"): 1 other failures and bugs, 2 bad input or settings, 3 another run
holds the store, 4 the store is unusable, 5 an output or the store cannot be written (disk
full, read-only, permissions), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import re

# Characters a one-line message must not carry raw: controls, line separators, lone surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(value: str, limit: int = 200) -> str:
    """A value made safe for a one-line message: control characters escaped, length capped."""
    if len(value) > limit:
        value = value[:limit] + "..."
    return _UNPRINTABLE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        value,
    )


class MapperError(Exception):
    """Root of mapper's own errors."""

    exit_code = 1


class ConfigError(MapperError, ValueError):
    """A setting is unknown, has the wrong type, or names something that does not exist."""

    exit_code = 2


class InputError(MapperError):
    """An input file cannot be read; the message names the file and, where known, the line."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        location = ""
        if path is not None:
            location = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{location}{message}")
        self.path = path
        self.line = line
        self.reason = message


class GazetteerError(MapperError):
    """The offline gazetteer cannot be built or loaded."""


class GeocodingError(MapperError):
    """A geocoder provider is unknown, misconfigured or failed."""


class StoreError(MapperError):
    """The incident store cannot be opened or written."""


class StoreUnusableError(StoreError):
    """The file is not a mapper store (foreign, corrupt) or is newer than this mapper."""

    exit_code = 4


class StoreBusyError(StoreError):
    """Another mapper run holds the store's write lock past the wait allowed."""

    exit_code = 3


class WriteError(MapperError):
    """An output or the store cannot be written: disk full, read-only, no permission."""

    exit_code = 5


class RenderError(MapperError):
    """The map cannot be drawn or written."""


class RenderWriteError(WriteError, RenderError):
    """The map cannot be written (a WriteError, exit 5, that is also a RenderError)."""


class Interrupted(MapperError):
    """Ctrl-C or SIGTERM ended the run; the message says what was stored and what is stale."""

    exit_code = 130

    def __init__(self, message: str, *, exit_code: int = 130):
        super().__init__(message)
        self.exit_code = exit_code


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that a run unwinds as Ctrl-C does: the batch's
    transaction rolls back, worker processes are stopped, no temporary file stays."""
