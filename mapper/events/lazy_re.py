"""A regex compiled on first use.

The fact rules embed the number grammar many times over, so each takes ~50 ms to compile; a run
that reads a few articles uses only some of them. ``LazyPattern`` keeps the source and compiles
it the first time ``match``, ``search``, ``finditer`` (or any other ``re.Pattern`` attribute) is
read; after that the bound methods sit on the instance, so calls cost what they cost on the
compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """Stands in for ``re.compile(pattern, flags)``; compiles when first used."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        compiled: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = re.compile(self.pattern, self.flags)
            self._compiled = compiled
            self.match = compiled.match
            self.search = compiled.search
            self.finditer = compiled.finditer
            self.fullmatch = compiled.fullmatch
        return compiled

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set yet: compile, then look again.
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:40]!r}...)"
