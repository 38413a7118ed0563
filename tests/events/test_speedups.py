"""The shortcuts taken for speed give the answers the plain regexes give."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from mapper.config import EventsConfig
from mapper.events.classify import _CASUALTY_NEAR, _NEGATED, _casualty_near, _negated
from mapper.events.cues import CueIndex
from mapper.events.extract import EventExtractor, event_record
from mapper.events.taxonomy import load_taxonomy
from mapper.events.text import _ABBREV, _SENT_END, mask_non_counts, sentence_spans
from mapper.models import Article, GeoparsedArticle

from .speed_corpus import articles


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


def test_long_articles_give_the_answers_recorded_before_the_speedups() -> None:
    """The extractor as it was before the speed-ups wrote data/speed_golden.jsonl from
    ``speed_corpus.articles()``: the shortcuts must not change one answer."""
    extractor = EventExtractor(load_taxonomy("default"), EventsConfig())
    golden = (Path(__file__).parent / "data" / "speed_golden.jsonl").read_text(encoding="utf-8")
    got = []
    for i, (title, text, date) in enumerate(articles()):
        article = Article(article_id=f"g{i}", text=text, title=title, date=date)
        event = extractor.extract(GeoparsedArticle(article))
        record = event_record(event)
        record["confidence"] = event.confidence
        record["evidence"] = event.evidence
        got.append(json.dumps(record, sort_keys=True) + "\n")
    assert len(got) == 120
    for line, want in zip(got, golden.splitlines(keepends=True), strict=True):
        assert line == want


def test_negation_and_casualty_gates_agree_with_the_regexes() -> None:
    rng = random.Random(9)
    words = [
        "no",
        "not",
        "anti-",
        "non-",
        "never",
        "denied",
        "ruled out",
        "the",
        "fire",
        "a",
        "kill",
        "killed",
        "left",
        "dead",
        "injured",
        "wounded",
        "claimed the lives",
        "22",
        "people",
        ".",
        ",",
        "strikes",
        "x",
    ]
    for _ in range(800):
        scan = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 14)))
        for i in range(len(scan) + 1):
            negated = _NEGATED.search(scan, max(0, i - 24), i) is not None
            assert _negated(scan, i) == negated, (scan, i)
            assert _casualty_near(scan, i) == (_CASUALTY_NEAR.match(scan, i) is not None)
