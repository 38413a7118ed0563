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


def test_literal_tables_hold_every_space_and_digit() -> None:
    """``literals`` reads the first two planes for what ``\\s`` and ``\\d`` match."""
    import sys

    from mapper.events import literals

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert tuple(re.findall(r"\s", every)) == literals.SPACES
    assert tuple(re.findall(r"\d", every)) == literals.DIGITS


_MASK_TOKENS = (
    "a",
    "an",
    "few",
    "a few",
    "hundred",
    "hundreds",
    "thousand",
    "million",
    "one",
    "ten",
    "tens",
    "twelve",
    "twenty",
    "fifty",
    "several",
    "seventeen",
    "someone",
    "days",
    "km",
    "miles",
    "m",
    "2019",
    "1990s",
    "5",
    "12",
    "1,200",
    "3.5",
    "10:30",
    "pm",
    "a.m.",
    "$",
    "€",
    "$5",
    "March",
    "Jan.",
    "may",
    "Dec",
    "of",
    "the",
    "killed",
    "-",
    "#",
    ".",
    ",",
    "٣",
    "²",
    "dozen",
    "dozens",
    "a score of",
    "half a dozen",
    "th",
    "-old",
    "%",
    "per cent",
    "usd",
    "bn",
    "km/h",
    "2024-05-01",
    "Σ",
    "é",
)
_GAPS = ("", " ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "-", ".")


def test_mask_and_numbers_from_the_literal_scan_are_the_full_scans() -> None:
    from mapper.events import literals
    from mapper.events.facts import _CASE_ODD
    from mapper.events.numbers import NUMBER_LOW_RE

    rng = random.Random(11)
    checked = 0
    while checked < 20_000:
        words = (rng.choice(_MASK_TOKENS) + rng.choice(_GAPS) for _ in range(rng.randrange(1, 12)))
        sent = "".join(words)
        if rng.random() < 0.3:
            sent = sent.upper() if rng.random() < 0.5 else sent.title()
        if len(sent.lower()) != len(sent) or any(c in sent for c in _CASE_ODD):
            continue
        before = rng.choice(("", "Ab. ", "x\n", "12 "))
        text = before + sent + rng.choice(("", " more 5", "."))
        hits = literals.scan(text.lower())
        a, b = len(before), len(before) + len(sent)
        seg = literals.sentence_hits(hits, [h[1] for h in hits], a, b)
        masked = literals.mask_non_counts(sent, sent.lower(), seg, a)
        assert masked == mask_non_counts(sent), sent
        low = masked.lower()
        numbers = [m.start() for m in NUMBER_LOW_RE.finditer(low)]
        assert literals.number_starts(low, seg, a) == numbers, sent
        checked += 1


def test_date_candidates_give_the_full_scan() -> None:
    from mapper.events import dates

    tokens = (
        "in",
        "In",
        "since",
        "of",
        "mid-",
        "mid",
        "early",
        "late",
        "May",
        "may",
        "June",
        "Jun.",
        "Sept",
        "March",
        "Dec",
        "2020",
        "2024-05-01",
        "5",
        "15th",
        "3rd",
        "1st",
        "22",
        "111",
        "2020-",
        "Monday",
        "SUNDAY",
        "yesterday",
        "Today",
        "tonight",
        "this",
        "morning",
        "last",
        "week",
        "weekend",
        "night",
        "over",
        "the",
        "earlier",
        "ago",
        "days",
        "a",
        "two",
        "km",
        "%",
        ",",
        ".",
        "-",
        "xMay",
        "٣",
    )
    rng = random.Random(12)
    for _ in range(20_000):
        text = "".join(rng.choice(tokens) + rng.choice(_GAPS) for _ in range(rng.randrange(1, 14)))
        got = [(m.span(), m.groupdict()) for m in dates._date_matches(text)]
        want = [
            (m.span(), m.groupdict()) for m in dates._DATE_RE.finditer(text, 0, dates.MAX_CHARS)
        ]
        assert got == want, text


def test_short_cuts_before_single_regexes_agree_with_them() -> None:
    from mapper.events import fact_patterns as fp
    from mapper.events.facts import _ZERO_STARTS, _match_at
    from mapper.events.lead import _PROSE_END, _is_prose
    from mapper.events.text import _may_be_abbreviation

    rng = random.Random(13)
    ends = list(".!?\"'”’) \n\t\u00a0\u2003ab•")
    for _ in range(20_000):
        text = "".join(rng.choice(ends) for _ in range(rng.randrange(0, 10))) + "xyz"
        end = rng.randrange(0, len(text))
        start = rng.randrange(0, end + 1)
        sentence = text[start:end]
        prose = sentence.count("•") < 2 and (
            end >= len(text) or _PROSE_END.search(sentence) is not None
        )
        assert _is_prose(text, start, end) == prose, (text, start, end)
    words = ("a", "x", "gen", "Gen", "jan", "U", "S", ".", "_", "5", " ", "-", "ſt", "K", "é", "no")
    for _ in range(20_000):
        text = "".join(rng.choice(words) for _ in range(rng.randrange(0, 8))) + "."
        lo = max(rng.randrange(0, len(text)), len(text) - 12)
        if _ABBREV.search(text, lo, len(text)):
            assert _may_be_abbreviation(text, lo, len(text)), text
    parts = (
        "no",
        "No",
        "nobody",
        "no one",
        "one",
        "without",
        "casualties",
        "deaths",
        "was",
        "were",
        "killed",
        "hurt",
        "injured",
        "lives",
        "lost",
        " ",
        "\n",
        "x",
        "M",
        "M 6.1",
        "Mw5.2",
        "6.1",
    )
    for _ in range(20_000):
        text = "".join(rng.choice(parts) + rng.choice(("", " ", "\t")) for _ in range(9))
        low = text.lower()
        for pattern in (fp.ZERO_KILLED_LOW, fp.ZERO_INJURED_LOW):
            assert _match_at(pattern, low, _ZERO_STARTS) == (pattern.search(low) is not None)
        stop = rng.randrange(0, len(text) + 3)
        alert = fp.MAGNITUDE_ALERT.search(text, 0, stop) is not None
        assert _match_at(fp.MAGNITUDE_ALERT, text, ("M",), stop) == alert, (text, stop)


def test_long_cue_prefixes_find_what_short_ones_find() -> None:
    """Past five characters a cue's prefix holds only spelled-out literals: text whose white
    space is not a plain space still reaches the regex wherever the short prefix would."""
    from mapper.events import cues

    taxonomy = load_taxonomy("default")
    patterns = [re.compile(c.pattern.pattern) for cat in taxonomy.categories for c in cat.cues]
    long_index = cues.CueIndex(patterns)
    short = cues.LONG_PREFIX
    try:
        cues.LONG_PREFIX = cues.PREFIX_LEN
        short_index = cues.CueIndex(patterns)
    finally:
        cues.LONG_PREFIX = short
    rng = random.Random(14)
    for title, text, _ in articles(40, seed=3):
        for space in (" ", "\u2003", "\x0c", "  "):
            odd = text.replace(" ", space) if rng.random() < 0.5 else text
            scan = cues.CueIndex.normalise(f"{title}\n{odd}")
            assert long_index.find_spans(scan) == short_index.find_spans(scan)


def test_sentence_bounds_read_off_the_stops_match_find() -> None:
    """``Sentences.bounds`` from the stops' offsets is the rfind/find form it replaced."""
    from mapper.events.lead import Sentences

    rng = random.Random(77)
    for _ in range(3000):
        pieces = ("a", ".", " ", "\n", ". ", "b c", "..", ".\n")
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))
        sentences = Sentences(text, None)
        for offset in range(len(text) + 1):
            start = max(text.rfind(". ", 0, offset), text.rfind("\n", 0, offset)) + 1
            ends = [i for i in (text.find(". ", offset), text.find("\n", offset)) if i >= 0]
            assert sentences.bounds(offset) == (start, min(ends, default=len(text))), text
