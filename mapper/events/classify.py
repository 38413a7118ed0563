"""Title + text -> event category, by weighted cues read over the whole text.

All cues are indexed once (``cues.CueIndex``); within a category, overlapping matches keep one,
context (negative) cues first, so "opened fire" hides "fire". A match scores its cue's weight
times a position factor (title and lead count more), doubled right before a casualty verb
("strikes across the city killed 22"), halved for each repeat of the same cue,
and is ignored right after a negation ("no tsunami warning", "not a terror attack"). The best
category wins; below ``min_score`` the taxonomy's fallback ("other") is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mapper.events.cues import CueIndex
from mapper.events.taxonomy import Cue, Taxonomy

# "no tsunami", "not a terror attack", "anti-terror", "non-violent"; but "anti-wall protest" is
# a protest, so prefixes negate only the word they are attached to.
_NEGATED = re.compile(
    r"(?:\b(?:no|not|never|without|nor|denied|denies|ruled out)\s+(?:[a-z]+\s+)?"
    r"|\b(?:anti|non|post|pre|counter)-)$"
)
# A cue right before a casualty verb names what did the killing ("strikes across the city killed
# 22", "the blast injured 40"): it counts double, so background cues elsewhere weigh less.
_CASUALTY_NEAR = re.compile(
    r"[^.;,]{0,30}?\s(?:killed|kill|kills|left\s+[\w\s]{1,20}dead|wounded|injured"
    r"|claimed\s+the\s+lives)\s+(?:at\s+least\s+|more\s+than\s+|some\s+|about\s+)?(?:\d|[a-z]+\s+(?:people|civilians|persons))"
)
# Longer articles drift to background; the first few thousand characters carry the event.
MAX_CHARS = 6000
# Sentences about another, earlier event ("the 2015 quake", "earlier this year", "two years ago",
# "since 2006") describe background: their cues count less, so a kidnapping story that recalls an
# earthquake stays a kidnapping. The title and the lead are never background.
_BACKGROUND = CueIndex(
    [
        re.compile(p)
        for p in (
            r"\bearlier this (?:year|month)\b",
            r"\blast (?:year|month)\b",
            r"\b(?:in|since|of|until) (?:19|20)\d\d\b",
            r"\bin recent (?:weeks|months|years)\b",
            r"\b(?:years|months|decades) ago\b",
            r"\bprevious(?:ly)?\b",
            r"\banniversary\b",
            r"\b(?:deadliest|worst) since\b",
            r"\b(?:recalled|recalls|reminiscent of)\b",
            r"\bhistory of\b",
            r"\bin the past\b",
        )
    ]
)
BACKGROUND_FACTOR = 0.5
LEAD_CHARS = 250
# "other" wins only when no event category comes close: a story about a president's visit that
# names sanctions is about sanctions, not politics in general.
OTHER_MARGIN = 0.5


@dataclass(frozen=True, slots=True)
class TypeResult:
    category: str
    confidence: float
    scores: dict[str, float]
    evidence: int | None  # offset (in the scanned text) of the winning category's strongest cue


class EventTyper:
    """Scores a text against every category of a taxonomy. Build once, call ``classify`` often."""

    def __init__(self, taxonomy: Taxonomy, min_score: float = 1.0) -> None:
        self.fallback = taxonomy.fallback
        self.min_score = min_score
        cues: list[tuple[str, Cue]] = [(c.id, cue) for c in taxonomy.categories for cue in c.cues]
        self._category = [category for category, _ in cues]
        self._weight = [cue.weight for _, cue in cues]
        self._positive = [cue.weight >= 0 for _, cue in cues]  # sorts context cues first
        self._index = CueIndex([_for_lower_case(cue.pattern) for _, cue in cues])

    def scores(self, title: str, text: str) -> tuple[dict[str, float], dict[str, int]]:
        """Per-category scores and, per category, the text offset of its strongest match."""
        title = title.strip()
        body_start = len(title) + 1 if title else 0
        scan = CueIndex.normalise(f"{title}\n{text[:MAX_CHARS]}" if title else text[:MAX_CHARS])
        # Within a category, overlapping matches keep one: context (negative) cues first, then the
        # longest, so "opened fire" hides "fire" and "earthquake-proof" hides "earthquake".
        # (Plain tuples sort faster than a key function; the index ``i`` keeps ties in the order
        # ``find`` gave them, as a stable sort would.)
        category_of, positive, weights = self._category, self._positive, self._weight
        matches = sorted(
            [
                (category_of[key], start, positive[key], -end, i, key, end)
                for i, (key, start, end) in enumerate(self._index.find_spans(scan))
            ]
        )
        background = _background_spans(scan, body_start + LEAD_CHARS)
        scores: dict[str, float] = {}
        where: dict[str, int] = {}
        best: dict[str, float] = {}
        last_end: dict[str, int] = {}
        repeats: dict[int, int] = {}
        for category, start, _, _, _, key, end in matches:
            if start < last_end.get(category, -1):
                continue
            last_end[category] = end
            weight = weights[key]
            if weight > 0 and _negated(scan, start):
                continue
            repeat = repeats.get(key, 0)
            repeats[key] = repeat + 1
            contribution = weight * _position_factor(start, body_start) / (1 + repeat)
            if background and weight > 0 and any(a <= start < b for a, b in background):
                contribution *= BACKGROUND_FACTOR
            if weight > 0 and _casualty_near(scan, end):
                contribution *= 2.0
            scores[category] = scores.get(category, 0.0) + contribution
            if contribution > best.get(category, 0.0):
                best[category], where[category] = contribution, start - body_start
        return {k: v for k, v in scores.items() if v > 0}, where

    def classify(self, title: str, text: str) -> TypeResult:
        """Return the best category, a 0-1 confidence and the evidence offset in ``text``."""
        scores, where = self.scores(title, text)
        if not scores:
            return TypeResult(self.fallback, 0.0, scores, None)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        best, top = ranked[0]
        if top < self.min_score:
            return TypeResult(self.fallback, 0.0, scores, None)
        if best == self.fallback and len(ranked) > 1:
            runner, runner_score = ranked[1]
            if runner_score >= self.min_score and runner_score >= OTHER_MARGIN * top:
                ranked = [ranked[1], ranked[0], *ranked[2:]]
                best, top = runner, runner_score
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = round(min(1.0, (top - second) / top + 0.1) if top else 0.0, 3)
        return TypeResult(best, confidence, scores, where.get(best))


_ESCAPE = re.compile(r"\\.")


def _for_lower_case(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The cue compiled for the lower-cased scan text: without IGNORECASE, which makes the regex
    engine compare every literal both ways (several times slower), when nothing in the pattern
    outside its escapes is upper case."""
    if not pattern.flags & re.IGNORECASE or _ESCAPE.sub("", pattern.pattern).lower() != (
        _ESCAPE.sub("", pattern.pattern)
    ):
        return pattern
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _background_spans(scan: str, lead_end: int) -> list[tuple[int, int]]:
    """Spans of the sentences after the lead that name an earlier or another event."""
    spans: list[tuple[int, int]] = []
    for m in sorted(_BACKGROUND.find(scan), key=lambda m: m.start):
        if m.start < lead_end or (spans and m.start < spans[-1][1]):
            continue
        start = max(scan.rfind(". ", 0, m.start), scan.rfind("\n", 0, m.start)) + 1
        ends = [i for i in (scan.find(". ", m.end), scan.find("\n", m.end)) if i >= 0]
        spans.append((max(start, lead_end), min(ends) if ends else len(scan)))
    return spans


# Speed: every match of ``_NEGATED`` holds one of these, and every match of ``_CASUALTY_NEAR``
# one of the others within its first 40 characters, so a window without them needs no regex.
_NEGATED_LITERALS = ("no", "-", "never", "without", "denie", "ruled")
_CASUALTY_LITERALS = ("kill", "left", "wounded", "injured", "claimed")


def _negated(scan: str, start: int) -> bool:
    window = scan[max(0, start - 24) : start]
    # the literals of ``_NEGATED_LITERALS``, tested one by one (a generator costs more)
    if not (
        "no" in window
        or "-" in window
        or "never" in window
        or "without" in window
        or "denie" in window
        or "ruled" in window
    ):
        return False
    return _NEGATED.search(scan, max(0, start - 24), start) is not None


def _casualty_near(scan: str, end: int) -> bool:
    window = scan[end : end + 40]
    # the literals of ``_CASUALTY_LITERALS``
    if not (
        "kill" in window
        or "left" in window
        or "wounded" in window
        or "injured" in window
        or "claimed" in window
    ):
        return False
    return _CASUALTY_NEAR.match(scan, end) is not None


def _position_factor(start: int, body_start: int) -> float:
    if start < body_start:
        return 2.0  # the title names the event
    offset = start - body_start
    if offset < 300:
        return 2.0  # the lead reports the incident; later paragraphs drift to background
    if offset < 1500:
        return 1.0
    return 0.5
