"""Where an article's own text begins, its datelines, and which sentences are background.

Pages open with menus, bylines, headline lines and tickers of other stories; a reporter's
dateline ("KABUL, Afghanistan (AP) -") says where the copy was filed. The event-place chooser
(``scene``) reads the lead, the datelines and the past-tense test from here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from mapper.events.gates import LoweredPattern
from mapper.events.text import sentence_spans
from mapper.models import Toponym

LEAD_WINDOW = 2500  # characters split into sentences to find the lead
DATELINE_REACH = 600  # characters: past menus, bylines and the headline, a dateline comes early
# What reporters put after a dateline: "KABUL, Afghanistan (Reuters) -", "GOMA, Jan 5:".
_DATELINE_AFTER = re.compile(
    r"^[\s,A-Za-z.'’]{0,40}?(?:\(|\s[-–—]\s?|--|:|[-–—]\s)|^,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b)"
)
# Sentences about the past: background, not this event.
_PAST = re.compile(
    r"\b(?:last\s+(?:year|month|decade)|years?\s+ago|decades?\s+ago|previous(?:ly)?|in\s+the\s+past"
    r"|history|historic(?:al)?ly|anniversary|recalled|since\s+(?:1[89]|20)\d\d|former(?:ly)?)\b",
    re.IGNORECASE,
)
_STOP = re.compile(r"\. ")
_LINE = re.compile(r"\n")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# the same matches, on the lower-cased sentence
_PAST_FAST = LoweredPattern(
    _PAST,
    ("last", "ago", "previous", "past", "histor", "anniversary", "recalled", "since", "former"),
)


def find_datelines(text: str, topos: Sequence[Toponym]) -> set[int]:
    """The mentions that open a line as a dateline (only the first lines can)."""
    found: set[int] = set()
    for i, topo in enumerate(topos):
        if topo.start > DATELINE_REACH:
            break
        if _is_dateline(text, topos, i):
            found.add(i)
    return found


def _is_dateline(text: str, topos: Sequence[Toponym], i: int) -> bool:
    """An opening "KABUL, Afghanistan (AP) -" names where the reporter files from."""
    topo = topos[i]
    line_start = text.rfind("\n", 0, topo.start) + 1
    head = text[line_start : topo.start]
    if head.strip() == "":
        after = text[topo.end : topo.end + 60]
        return (topo.name.isupper() and len(topo.name) >= 3) or bool(_DATELINE_AFTER.match(after))
    # The country or region right after a dateline city: "KIGALI, Rwanda (AA)".
    if i > 0 and text[topos[i - 1].end : topo.start].strip() == ",":
        return _is_dateline(text, topos, i - 1)
    return False


_PROSE_END = re.compile(r"[.!?][\"'”’)]*\s*$|[\"”’]\s*$")
_STOPS = (".", "!", "?")
_CLOSERS = "\"'”’)"
_CLOSING_QUOTES = ('"', "”", "’")


def _is_prose(text: str, start: int, end: int) -> bool:
    """Whether a sentence reads as prose: it ends with a stop (or runs to the end of the
    text) and is no ticker of headlines ("A on B • C in D • ...")."""
    sentence = text[start:end]
    if sentence.count("•") >= 2:
        return False
    if end >= len(text):
        return True
    # ``_PROSE_END`` read from the end of the sentence (searching it costs a regex try at every
    # character): str.rstrip() strips what ``\s`` matches.
    tail = sentence.rstrip()
    return tail.endswith(_CLOSING_QUOTES) or tail.rstrip(_CLOSERS).endswith(_STOPS)


class Sentences:
    """Sentence bounds around mentions and the past-tense test, each computed once.

    Only the lead is split into sentences; elsewhere a mention's sentence runs between the
    nearest stops, which is all the past-tense test needs and costs no full split of the text.
    """

    def __init__(self, text: str, article_year: int | None):
        self.text = text
        self.year = article_year
        self._past: dict[int, bool] = {}
        self._stops: tuple[list[int], list[int]] | None = None
        self.bullets = "•" in text
        # The lead: the first two real sentences, past menus, bylines, headline lines and
        # tickers of other stories. Prose lines end with a stop; page chrome does not.
        head = text[:LEAD_WINDOW]
        real = [
            (start, end) for start, end in sentence_spans(head) if len(head[start:end].split()) >= 8
        ]
        prose = [span for span in real if _is_prose(head, *span)] or real
        self.lead_start = head.rfind("\n", 0, prose[0][0]) + 1 if prose is not real else 0
        ends = [end for _, end in prose]
        self.lead_end = ends[1] if len(ends) > 1 else (ends[0] if ends else len(head))

    def in_ticker(self, offset: int) -> bool:
        """Whether the line holding ``offset`` lists other stories ("A on B • C in D")."""
        if not self.bullets:
            return False
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return self.text.count("•", start, len(self.text) if end < 0 else end) >= 2

    def bounds(self, offset: int) -> tuple[int, int]:
        """The sentence around ``offset``: from past the last ". " or line break that ends
        before it, to the first that starts at or after it (as str.rfind and str.find would
        find them, read off the stops' offsets found once)."""
        if self._stops is None:
            text = self.text
            self._stops = (
                [m.start() for m in _STOP.finditer(text)],
                [m.start() for m in _LINE.finditer(text)],
            )
        stops, lines = self._stops
        i = bisect_left(stops, offset)  # stops[i - 1] < offset <= stops[i]
        j = bisect_left(lines, offset)
        # a ". " found before ``offset`` must end by it: not the one starting at offset - 1
        k = i - 1 if i and stops[i - 1] == offset - 1 else i
        start = max(stops[k - 1] if k else -1, lines[j - 1] if j else -1) + 1
        ends = [x[n] for x, n in ((stops, i), (lines, j)) if n < len(x)]
        return start, min(ends, default=len(self.text))

    def is_past(self, offset: int) -> bool:
        start, end = self.bounds(offset)
        if start not in self._past:
            sentence = self.text[start:end]
            past = bool(_PAST_FAST.search(sentence))
            if not past and self.year is not None:
                past = any(int(y) < self.year for y in _YEAR.findall(sentence))
            self._past[start] = past
        return self._past[start]
