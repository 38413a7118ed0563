"""The shortcuts taken for speed give the answers the plain regexes give."""

from __future__ import annotations

import re

from mapper.events.cues import CueIndex
from mapper.events.text import mask_non_counts


def test_word_start_cue_skips_hits_inside_words() -> None:
    index = CueIndex([re.compile(r"\bwar\b"), re.compile(r"\bstorm\w*"), re.compile(r"#quake")])
    text = CueIndex.normalise("Award-winning brainstorm after the war, tagged x#quake")
    found = sorted((text[m.start : m.end], m.key) for m in index.find(text))
    assert found == [("#quake", 2), ("war", 0)]


def test_mask_is_the_full_scan() -> None:
    pattern_scan = re.compile(
        r"\b(?:\d{1,2}\s+(?:january|march)|(?:march|january)\s+\d{1,2}|\d+\s*(?:km|days?)"
        r"|(?:two|several)\s+days|(?:19|20)\d{2})\b",
        re.IGNORECASE,
    )
    text = (
        "On March 3 the flood killed 12. Days later, 5 more died 20 km away, two days after the "
        "2019 storm; several days on, 7 were missing."
    )
    masked = mask_non_counts(text)
    assert len(masked) == len(text)
    for m in pattern_scan.finditer(text):
        assert set(masked[m.start() : m.end()]) == {"#"}, m.group(0)
    for count in ("killed 12.", "5 more", "7 were"):
        assert count in masked
