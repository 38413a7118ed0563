"""The MapperError tree: every error mapper raises on purpose derives from it.

The CLI turns any MapperError into one line on stderr and exit code 2 (input) or 1 (other).
"""

from __future__ import annotations


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


class RenderError(MapperError):
    """The map cannot be drawn or written."""
