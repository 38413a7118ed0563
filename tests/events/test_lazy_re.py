"""LazyPattern compiles on first use and then answers as the compiled pattern does."""

from __future__ import annotations

import re

from mapper.events.lazy_re import LazyPattern


def test_compiles_on_first_use_and_matches_like_re() -> None:
    lazy = LazyPattern(r"\b(?P<n>\d+)\s+killed", re.IGNORECASE)
    assert "_compiled" not in vars(lazy)
    assert lazy.pattern == r"\b(?P<n>\d+)\s+killed" and lazy.flags == re.IGNORECASE
    text = "At dawn 4 KILLED, later 7 killed."
    assert [m.group("n") for m in lazy.finditer(text)] == ["4", "7"]
    assert lazy.compiled() is vars(lazy)["_compiled"]
    assert lazy.search(text, 10).start() == 24
    assert lazy.match(text, 8).group(0) == "4 KILLED"
    assert lazy.groupindex == {"n": 1}  # other attributes come from the compiled pattern


def test_bad_pattern_fails_on_use() -> None:
    lazy = LazyPattern(r"(unclosed")
    try:
        lazy.search("x")
    except re.error:
        return
    raise AssertionError("expected re.error")
