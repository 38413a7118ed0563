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
    """``search`` and ``match`` of a case-insensitive pattern, on the lower-cased window.

    ``needles``: lower-case literals one of which every match holds ("head" for "headed" and
    "heading"). An ASCII window holding none of them cannot match, and a few substring tests
    cost less than the regex trying every position of the window (tests/events/test_gates.py
    checks each pattern's needles against the pattern on random windows).
    """

    def __init__(
        self,
        pattern: re.Pattern[str],
        needles: tuple[str, ...] = (),
        tail_words: int = 0,
        tail_keywords: frozenset[str] = frozenset(),
    ) -> None:
        self.pattern = pattern
        self.needles = needles
        # A pattern ending in ``$`` whose every match spans at most this many words: a match
        # then starts in one of the window's last ``tail_words`` words, and the search starts
        # there (from an offset, so ``\b`` still sees the character before).
        self.tail_words = tail_words
        # ... and one of the words it spans ends with a keyword after a non-word character
        # (``\b``): an alphabetic word is then the keyword itself, so last words that are all
        # alphabetic and none a keyword cannot hold a match.
        self.tail_keywords = tail_keywords
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
            return self.search_lowered(window.lower())
        return self.pattern.search(window)

    def match(self, window: str) -> re.Match[str] | None:
        """``pattern.match(window)`` (a match of the lower-cased window when it is ASCII)."""
        if self._lowered is not None and window.isascii():
            return self._lowered.match(window.lower())
        return self.pattern.match(window)

    @property
    def lowers(self) -> bool:
        """Whether ``search_lowered`` and ``match_lowered`` may be used."""
        return self._lowered is not None

    def search_lowered(self, lowered: str) -> re.Match[str] | None:
        """``search`` of an ASCII window already lower-cased (a slice of a lower-cased ASCII
        text: the callers lower an article once); only for a pattern that ``lowers``."""
        pattern = self._lowered
        assert pattern is not None
        if self.tail_words:
            words = lowered.rsplit(None, self.tail_words)
            cut = len(words) > self.tail_words
            keywords = self.tail_keywords
            if keywords and all(
                w.isalpha() and w not in keywords for w in (words[1:] if cut else words)
            ):
                return None
            if cut:
                return pattern.search(lowered, lowered.find(words[1], len(words[0])))
            return pattern.search(lowered)
        if self.needles:
            for needle in self.needles:  # (a loop: any() with a generator costs twice this)
                if needle in lowered:
                    return pattern.search(lowered)
            return None
        return pattern.search(lowered)

    def match_lowered(self, lowered: str) -> re.Match[str] | None:
        """``match`` of an ASCII window already lower-cased (see ``search_lowered``)."""
        pattern = self._lowered
        assert pattern is not None
        return pattern.match(lowered)
