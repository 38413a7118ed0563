"""Regexes asked of the few dozen characters around each place mention, run the fast way.

The roles and the scene read about ten short windows per mention with case-insensitive
patterns, and Python's regex engine compares every literal of such a pattern both ways at
every position. A pattern whose literals are all lower case matches an ASCII window exactly
where its case-sensitive form matches the window lower-cased, which runs several times faster;
windows with other characters go to the pattern as written (their case forms need not line up
letter for letter). Matches are of the lower-cased window: callers that quote the matched words
slice the window itself by the match's offsets (tests/events/test_gates.py).
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\.")


class LoweredPattern:
    """``search`` and ``match`` of a case-insensitive pattern, on the lower-cased window."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        unescaped = _ESCAPE.sub("", pattern.pattern)
        ignores_case = bool(pattern.flags & re.IGNORECASE)
        self._lowered = (
            re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
            if ignores_case and unescaped.lower() == unescaped
            else None
        )

    def search(self, window: str) -> re.Match[str] | None:
        """``pattern.search(window)`` (a match of the lower-cased window when it is ASCII)."""
        if self._lowered is not None and window.isascii():
            return self._lowered.search(window.lower())
        return self.pattern.search(window)

    def match(self, window: str) -> re.Match[str] | None:
        """``pattern.match(window)`` (a match of the lower-cased window when it is ASCII)."""
        if self._lowered is not None and window.isascii():
            return self._lowered.match(window.lower())
        return self.pattern.match(window)
