"""The shortcuts taken for speed give the answers the plain regexes give."""

from __future__ import annotations

import random
import re

from mapper.events.cues import CueIndex
from mapper.events.text import _ABBREV, _SENT_END, mask_non_counts, sentence_spans


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


def _plain_sentence_spans(text: str) -> list[tuple[int, int]]:
    """The splitter as written before the speed-up: ``_SENT_END.finditer`` over the whole text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENT_END.finditer(text):
        end = match.start()
        gap = match.group(0)
        plain = gap.strip() == "" and "\n" not in gap
        if plain and _ABBREV.search(text, max(start, end - 12), end):
            continue
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def test_sentence_split_is_the_full_scan_on_random_text() -> None:
    rng = random.Random(5)
    alphabet = [*".!? \"'”’)“‘(\n\t\u00a0\rAa0b", "Gen", "Jan", "U.S"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 16)))
        assert sentence_spans(text) == _plain_sentence_spans(text), repr(text)


def test_sentence_split_of_a_report() -> None:
    text = 'Gen. Ode spoke. "We left!" she said.\n\nThen  \nRain fell on Jan. 4. U.S. aid came'
    assert sentence_spans(text) == _plain_sentence_spans(text)
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Gen. Ode spoke.",
        '"We left!" she said.',
        "Then",
        "Rain fell on Jan. 4.",
        "U.S. aid came",
    ]
