"""Toponyms + their roles + text -> the event's own place (the scene), with a reason.

A news article names many places: the dateline the reporter files from, the capital where
officials speak, where weapons or aid come from, where earlier events happened, and the
country, province and town of the event itself. The scene is the most specific place the text
puts the event at:

1. Every mention collects evidence for being the scene: it stands in the sentence that reports
   the event, in the lead or the headline, after a locative ("in", "near", "attack on", "the
   village of"), or before a unit word ("X village", "X Township"). Evidence against: a dateline,
   a speaker ("X said"), the origin of a transfer, "X-bound", a sentence about the past.
2. The mentions of one place pool their evidence.
3. Places are ordered by containment (village in district in province in country). A place
   inside another named place is confirmed by it; a broad place does not compete with the
   places inside it: when the best candidate contains a more specific candidate with evidence
   of its own, the specific one is the scene, and so on down.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mapper.events.gates import LoweredPattern
from mapper.events.lead import Sentences, find_datelines
from mapper.gazetteer.hierarchy import contains, is_offset, measured_from
from mapper.models import LocationRole, Place, Toponym

logger = logging.getLogger(__name__)

# Words right before a mention that put the event there.
_LOCATIVE_BEFORE = re.compile(
    r"\b(in|at|near|outside|inside|into|on|around|throughout|across|off|over|hit|hits|struck"
    r"|strikes|rocked|shook|battered|pounded|lashed|flooded|entered|reached|captured|recaptured"
    r"|seized|took|attacked|stormed|overran|raided|bombed|shelled|targeted|besieged|surrounded"
    r"|(?:attacks?|strikes?|raids?|assault|offensive|bombing|airstrikes?|landfall)\s+(?:on|in|at)"
    r"|(?:towns?|city|cities|villages?|districts?|provinces?|regions?|states?|capital|areas?"
    r"|outskirts|suburbs?|port|island|county|township|municipality)\s+of)"
    r"\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}?$",
    re.IGNORECASE,
)
# A unit word right after the name: "Ayo Township", "a village called X" reads as a scene.
_UNIT_AFTER = re.compile(
    r"^['’]?s?\s+(?:village|town|township|district|county|camp|municipality|neighbou?rhood"
    r"|province|region|state|governorate|prefecture|oblast|area)\b",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(r"^-bound\b", re.IGNORECASE)
# Where a ship, plane or convoy was heading is not where it was hit: "bound for the port of X".
# "on its way from X in Y to the port of Z": the origin may stand between the verb and "to".
_HEADING_BEFORE = re.compile(
    r"\b(?:bound|headed|heading|en\s+route|sailing|flying|travell?ing|on\s+(?:its|their)\s+way)"
    r"(?:\s+from\s+[^.;:]{1,50}?)?\s+"
    r"(?:for|to|towards?)\s+(?:the\s+)?(?:(?:port|city|town|island|capital)\s+of\s+)?"
    r"(?:[\w’'-]+\s+in\s+)?$",  # "... to the port of Z in Y": Y is where Z lies
    re.IGNORECASE,
)
HEADING_REACH = 90  # characters before a mention searched for the heading phrase
# A place inside an organisation's name says who acted or spoke, not where: "the Northland
# Air Force", "Capitalia Times", "a Capitalia-based airline".
_ORGANISATION_AFTER = re.compile(
    r"^-based\b|^(?:['’]s?\s+)?\s*(?:Air\s?(?:ways|lines|Force)|Airlines|Army|Navy|Police|Government"
    r"|Ministry|Times|Post|Herald|Tribune|News|Television|TV|Radio|Red\s+Cross|Red\s+Crescent"
    r"|University|Embassy|Bank|Stock\s+Exchange|Council|Party|Football|FC)\b"
    # a station, stadium or prison named after the place: "Ayo MTR station", "Ayo Stadium"
    r"|^\s+(?:[A-Z]{2,5}\s+)?(?:[Ss]tation|[Ss]tadium|[Pp]rison|[Cc]ourthouse)\b"
)
# An offset phrase set after a scene: "in Ayo, a village about 40 km south of X", "at the
# base, located some 20 miles northwest of X", "in the gulf, 300 nautical miles off X".
_APPOSED_BEFORE = re.compile(
    r"\b(in|at|near|on|off|outside|hit|struck)\s+(?:the\s+)?[^.,;:()]{1,45},\s*"
    r"(?:(?:a|an|the)\s+[\w-]+(?:\s+[\w-]+)?\s*,?\s*)?"
    r"(?:(?:located|situated|lying|some|about|around|roughly|approximately|nearly|just|only)\s+)*$",
    re.IGNORECASE,
)
OFFSET_REACH = 90  # characters before an offset phrase searched for the scene it places
# Evidence weights (points); a place's score is its best mention plus what the others add.
W_EVIDENCE = 2.0  # the sentence that reports the event
W_LEAD = 1.0  # the first sentences of the article
W_EARLY = 1.0  # falls off over the first 1,500 characters
W_LOCATIVE = 1.5
W_UNIT = 0.5
W_TITLE = 1.5
W_REPEAT = 0.3  # per further mention, at most three
W_CONFIRMED = 0.6  # the place lies in another place the article names
W_OFFSET = 1.0  # "40 km south of X": the text measures where it is
W_SUPPORTED = 1.0  # a broad place with a scene of its own inside it
DATELINE_SCORE = 0.5  # a dateline alone: the scene only when nothing else is named
P_SPEAKER = 3.0
P_AFFECTED = 2.0
P_ORIGIN = 2.5
P_BOUND = 2.0
P_ORGANISATION = 2.0
P_PAST = 1.0
B_DESTINATION = 1.5  # deliveries and deployments happen where they arrive (as "in X" does)
# How far below a broad place a place inside it may score and still be the scene.
DESCENT_MARGIN = {"country": 3.5, "region": 3.0, "admin1": 2.0, "admin2": 2.0}
# Categories whose events happen between governments: a country is a scene in its own right,
# and its capital is where its officials speak, so places inside it must earn more.
NATIONAL_CATEGORIES = frozenset({"diplomacy_sanctions"})
NATIONAL_MARGIN = 1.0
MIN_SCENE_SCORE = 2.5  # what a place inside a broad one needs of its own


@dataclass
class _Candidate:
    place: Place
    mentions: list[int] = field(default_factory=list)
    best: int = -1  # the mention with the most evidence
    best_score: float = float("-inf")
    notes: list[str] = field(default_factory=list)
    in_title: bool = False
    score: float = 0.0
    support: float = 0.0  # what the places inside it added


@dataclass(frozen=True, slots=True)
class Scene:
    """The chosen mention (index into the toponyms) and why."""

    index: int
    reason: str


def effective_place(topo: Toponym) -> Place | None:
    """The place a mention stands for: its relative part ("northern X") when the text says one."""
    return topo.relative or topo.place


def _phrase_start(topo: Toponym, text: str) -> int:
    """Where the relative phrase of a mention begins ("40 km south of |X" -> "|40 km")."""
    relative = topo.relative
    if relative is None:
        return topo.start
    start = topo.end - len(relative.name)
    return start if start >= 0 and text[start : topo.end] == relative.name else topo.start


# A headline place that speaks ("Beijing says ..."), or that a ship is bound for, or where a
# company is based, is not where the event is.
_TITLE_SPEAKER_AFTER = re.compile(
    r"^-(?:bound|based)\b|^['’]?s?\s+(?:says?|said|warns?|claims?|denies|denied|accuses?|vows?"
    r"|urges?|calls?|tells?"
    r"|rejects?|condemns?|blames?|insists?|confirms?)\b"
)


# The same patterns run on lower-cased windows (gates.py): the same matches, several times faster.
# A match spans two words of the preposition or verb ("attacks on"), "the" and two words of
# the name's own phrase; the word that ends the preposition or verb is one of these.
_LOCATIVE_LAST_WORDS = frozenset((
    "in", "at", "near", "outside", "inside", "into", "on", "around", "throughout", "across",
    "off", "over", "hit", "hits", "struck", "strikes", "rocked", "shook", "battered", "pounded",
    "lashed", "flooded", "entered", "reached", "captured", "recaptured", "seized", "took",
    "attacked", "stormed", "overran", "raided", "bombed", "shelled", "targeted", "besieged",
    "surrounded", "of",
))  # fmt: skip
_LOCATIVE_FAST = LoweredPattern(_LOCATIVE_BEFORE, tail_words=5, tail_keywords=_LOCATIVE_LAST_WORDS)
_UNIT_FAST = LoweredPattern(_UNIT_AFTER)
_BOUND_FAST = LoweredPattern(_BOUND_AFTER)
_HEADING_FAST = LoweredPattern(
    _HEADING_BEFORE, ("bound", "head", "route", "sailing", "flying", "travel", "way")
)
# (all of them run on lower-cased windows, so an ASCII text is lower-cased once for them all)
_WINDOWS_LOWER = all(p.lowers for p in (_LOCATIVE_FAST, _UNIT_FAST, _BOUND_FAST, _HEADING_FAST))


def _in_title(title_words: str, topo: Toponym) -> bool:
    names = {topo.name.casefold()}
    if topo.place is not None:
        names.add(topo.place.name.casefold())
    for name in names:
        if name not in title_words:  # no regex needed (nor compiled) for a name it lacks
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", title_words):
            if not _TITLE_SPEAKER_AFTER.match(title_words[match.end() :]):
                return True
    return False


def _mention_evidence(
    i: int,
    topos: Sequence[Toponym],
    text: str,
    roles: Sequence[LocationRole | None],
    evidence: tuple[int, int] | None,
    sentences: Sentences,
    dateline: bool,
    low: str | None = None,
) -> tuple[float, list[str]]:
    topo = topos[i]
    if dateline:
        return DATELINE_SCORE, ["the dateline"]
    score, notes = 0.0, []
    in_evidence = evidence is not None and evidence[0] <= topo.start < evidence[1]
    if in_evidence:
        score += W_EVIDENCE
        notes.append("in the sentence that reports it")
    if sentences.lead_start <= topo.start < sentences.lead_end:
        score += W_LEAD
        notes.append("in the lead")
    if not sentences.in_ticker(topo.start):  # other stories' headlines are not early
        score += W_EARLY * max(0.0, 1.0 - topo.start / 1500)
    start, end = topo.start, topo.end
    before = text[max(0, start - 40) : start]
    after = text[end : end + 30]
    # ``low``: the text lower-cased once when it is ASCII, its windows the windows lower-cased
    low_after = low[end : end + 30] if low is not None else None
    if low is not None:
        found = _LOCATIVE_FAST.search_lowered(low[max(0, start - 40) : start])
    else:
        found = _LOCATIVE_FAST.search(before)
    # the preposition or verb as the text writes it (the fast match is of the lower case)
    locative = before[found.start(1) : found.end(1)] if found else None
    if is_offset(topo.relative):
        # The phrase, not the name it measures from, stands where the scene is said.
        phrase = _phrase_start(topo, text)
        score += W_OFFSET
        notes.append("a measured offset")
        found = _LOCATIVE_BEFORE.search(text, max(0, phrase - 40), phrase) or (
            _APPOSED_BEFORE.search(text, max(0, phrase - OFFSET_REACH), phrase)
        )
        locative = found.group(1) if found else None
    if locative:
        score += W_LOCATIVE
        notes.append(f"after “{locative}”")
    if low_after is not None:
        unit = _UNIT_FAST.match_lowered(low_after)
        heading = _BOUND_FAST.match_lowered(low_after) or _HEADING_FAST.search_lowered(
            low[max(0, start - HEADING_REACH) : start]  # type: ignore[index]
        )
    else:
        unit = _UNIT_FAST.match(after)
        heading = _BOUND_FAST.match(after) or _HEADING_FAST.search(
            text[max(0, start - HEADING_REACH) : start]
        )
    if unit:
        score += W_UNIT
    if heading:
        score -= P_BOUND
        notes.append("where it was heading")
    elif _ORGANISATION_AFTER.match(after):
        score -= P_ORGANISATION
    role = roles[i]
    if role == "mentioned":
        score -= P_SPEAKER
    elif role == "affected":
        score -= P_AFFECTED
    elif role == "origin":
        score -= P_ORIGIN
    elif role == "destination":
        score += B_DESTINATION
        notes.append("where the transfer arrives")
    if not in_evidence and sentences.is_past(topo.start):
        score -= P_PAST
    return score, notes


def choose_scene(
    toponyms: Sequence[Toponym],
    text: str,
    roles: Sequence[LocationRole | None],
    *,
    title: str = "",
    evidence: tuple[int, int] | None = None,
    article_year: int | None = None,
    category: str = "",
) -> Scene | None:
    """The mention that names the event's own place, or None without a resolved place.

    Args:
        toponyms: the article's mentions, offsets into ``text``, in text order.
        roles: each mention's context role (speaker "mentioned", "affected", "origin",
            "destination") or None.
        title: the headline; places it names weigh more.
        evidence: span of the sentence that reports the event.
        article_year: the article's year; sentences about earlier years are background.
        category: the event's taxonomy id (diplomacy stays at country level more readily).
    """
    sentences = Sentences(text, article_year)
    low = text.lower() if _WINDOWS_LOWER and text.isascii() else None
    title_words = title.casefold()
    candidates: dict[str, _Candidate] = {}
    # Every named place, demonyms' countries included, once each.
    confirmers: dict[str, Place] = {}
    datelines = find_datelines(text, toponyms)
    for i, topo in enumerate(toponyms):
        if topo.place is None:
            continue
        confirmers.setdefault(topo.place.place_id, topo.place)
        place = effective_place(topo)
        if topo.demonym or place is None:
            continue
        cand = candidates.setdefault(place.place_id, _Candidate(place))
        cand.mentions.append(i)
        score, notes = _mention_evidence(
            i, toponyms, text, roles, evidence, sentences, i in datelines, low
        )
        score += 0.01 * min(topo.score, 20.0)  # the resolver's confidence breaks ties
        if score > cand.best_score:
            cand.best, cand.best_score, cand.notes = i, score, notes
        if title_words and not cand.in_title:
            cand.in_title = _in_title(title_words, topo)
    if not candidates:
        return None
    for cand in candidates.values():
        repeats = max(sum(1 for i in cand.mentions if i not in datelines) - 1, 0)
        cand.score = cand.best_score + W_REPEAT * min(repeats, 3)
        if cand.in_title:
            cand.score += W_TITLE
            cand.notes = [*cand.notes, "in the headline"]
        container = next((c for c in confirmers.values() if contains(c, cand.place)), None)
        if container is not None:
            cand.score += W_CONFIRMED
            cand.notes = [*cand.notes, f"inside {container.name}, also named"]
    # A broad place whose own places carry scene evidence is more likely the broad scene than
    # one with none: "the US and Morocco began an exercise ... in the Moroccan region of X".
    strong = [c for c in candidates.values() if c.best_score >= MIN_SCENE_SCORE]
    supported = [
        outer
        for outer in candidates.values()
        if any(contains(outer.place, inner.place) for inner in strong)
    ]
    for outer in supported:
        outer.support = W_SUPPORTED
        outer.score += W_SUPPORTED
    order = sorted(candidates.values(), key=lambda c: (-c.score, c.best))
    if logger.isEnabledFor(logging.DEBUG):
        for c in order[:8]:
            logger.debug(
                "candidate %s (%s) %.2f: %s", c.place.name, c.place.precision, c.score, c.notes
            )
    best = order[0]
    descended_from = ""  # the broad place the choice moved down from, last
    while True:
        margin = DESCENT_MARGIN.get(best.place.precision)
        if margin is None:
            break
        if category in NATIONAL_CATEGORIES:
            margin = min(margin, NATIONAL_MARGIN)
        inner = [
            c
            for c in order
            if c is not best
            and c.score >= max(best.score - best.support - margin, MIN_SCENE_SCORE)
            and contains(best.place, c.place)
        ]
        if not inner:
            break
        descended_from = best.place.name
        # A broad area inside (an island, a mountain range) is no step down when a division or
        # a town inside also qualifies: "the island of X" beside "landfall on Y province".
        best = min(inner, key=lambda c: c.place.feature_class in ("region", "continent"))
    # "in X ... 40 km south of X": the measured offset places the event inside X's reach.
    offsets = [
        c for c in order if measured_from(best.place, c.place) and c.score >= MIN_SCENE_SCORE
    ]
    if offsets:
        descended_from = best.place.name
        best = offsets[0]
    notes = list(best.notes)
    if descended_from:
        notes.append(f"the most specific place inside {descended_from}")
    return Scene(best.best, "scene: " + ", ".join(notes) if notes else "scene: best evidence")
