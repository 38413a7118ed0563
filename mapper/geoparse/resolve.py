"""Resolve mentions to gazetteer entries: priors plus document context, or abstain.

list[Mention] (one article) -> list[Toponym]. A country outranks a town named Russia; other
places in the article (their countries, admin-1 units and positions), admin cues such as
"Bangor, Maine" and an optional country hint move the choice. Each result says why.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

from mapper.gazetteer import Gazetteer, fold_accents, name_key
from mapper.geoparse.context import _Context
from mapper.geoparse.geometry import PlaceGeometry
from mapper.geoparse.namesakes import demonym_capital, stray_namesake
from mapper.geoparse.recognize import Mention

# The evidence weights and the scoring itself are scoring.py's; the weights stay importable
# from here, where the geocoder and older code look for them.
from mapper.geoparse.scoring import (  # noqa: F401
    ABSTAIN_BELOW,
    ABSTAIN_MARGIN,
    ADMIN1_NAMED,
    ADMIN_CUE,
    ALTERNATE_NAME,
    BROAD_NAME_DAMPING,
    CITY_WORD,
    CONTAINED_CUE,
    CONTAINS_OTHER_PLACES,
    COUNTRY_NAMED,
    COUNTRY_NAMED_EACH,
    COUNTRY_NAMED_MAX,
    HINT,
    NEAR_OTHER_PLACE,
    SOURCE_HINT,
    STATE_WORD,
    Candidate,
    Candidates,
    Reads,
    _Choice,
    _Signals,
    rank,
)
from mapper.models import Place, Toponym

_KIND_PRIOR = {
    "country": 11.0,
    "continent": 10.5,
    "region": 10.0,
    # A facility is indexed under its full name only ("Kandahar Airport"): when that matched,
    # the text names the facility itself.
    "facility": 9.0,
    "admin1": 6.5,
    # Indexed under "X District", "X County" ...; a bare "X" prefers a town of that name.
    "admin2": 5.0,
    "city": 0.0,
}
# Below every town of >= 500 people (whose prior starts near 2.4): a village wins only alone.
VILLAGE_PRIOR = 1.0
# A first-level division whose listed towns hold fewer people than this is a parish or
# municipality (of a small island state, most often): a bare name means a large town
# elsewhere ("Portland", "Charlotte") before it. It ranks as a district does. Divisions with
# no listed town at all are left at the division's prior: their towns may be coded otherwise.
SMALL_DIVISION_PEOPLE = 50_000
_BROAD_KINDS = frozenset({"country", "continent", "region"})
# Matched at a mention's end within a window (pattern.match(text, end, end + width)): what
# follows the name, read without slicing the text.
_ADMIN_CUE = re.compile(r"\s*[,(]")  # within 4 characters
_ADMIN_ABBREVIATION = re.compile(r"\s*,\s*([A-Z][A-Za-z.]{1,6})")  # within 16
_STATE_WORD = re.compile(r"\s+(state|province|region|county|oblast|governorate)\b", re.I)  # 16
_COMMA = re.compile(r"\s*,\s*")
# "the cities of X and Y", "the town of X": the cities, not the provinces of the same name.
_CITY_WORD_BEFORE = re.compile(
    r"\b(?:city|cities|town|towns)\s+(?:of\s+)?"
    r"(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*(?:,|and|&)\s+)*$"
)
_ANCHOR_MEMORY = 1 << 18

# A water body or landform named once in full is what its short name means later in the
# article: "Lake Victoria ... Victoria", "the Seti River ... the Seti".
_FEATURE_BEFORE = ("lake", "mount", "mt.", "river", "volcano")
_FEATURE_AFTER = ("river", "lake", "island", "islands", "volcano", "valley", "mountains")
# The full names _short_form can look up: the others need not be kept.
_FEATURE_NAME = re.compile(
    "|".join(re.escape(f"{word} ") for word in _FEATURE_BEFORE)
    + "|.* (?:"
    + "|".join(map(re.escape, _FEATURE_AFTER))
    + ")\\Z",
    re.S,
)


def _short_form(key: str, features: dict[str, _Choice]) -> _Choice | None:
    """The earlier full name this mention shortens ("victoria" after "lake victoria")."""
    if not features:  # most articles name no multi-word place before: nothing to shorten
        return None
    fuller = [f"{word} {key}" for word in _FEATURE_BEFORE]
    fuller += [f"{key} {word}" for word in _FEATURE_AFTER]
    for full in fuller:
        choice = features.get(full)
        if choice is not None:
            return _Choice(choice.entry, choice.score, f"short for {full.title()}, named before")
    return None


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    country_hint: str = ""
    min_score: float = 0.2
    bbox_hint: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat


class Resolver(PlaceGeometry):
    def __init__(self, gazetteer: Gazetteer, settings: ResolverSettings | None = None):
        self.gazetteer = gazetteer
        self.settings = settings or ResolverSettings()

    def prior(self, entry: int) -> float:
        g = self.gazetteer
        kind = g.kinds[entry]
        if kind == "village":
            return VILLAGE_PRIOR
        if kind == "admin1" and 0 < g.division_people.get(g.admin1s[entry], 0) < (
            SMALL_DIVISION_PEOPLE
        ):
            return _KIND_PRIOR["admin2"]
        if kind != "city":
            return _KIND_PRIOR[kind]
        # Population on a log scale plus how widely the name is known (alternate names);
        # national capitals are what news means by their name.
        score = 0.9 * math.log10(g.populations[entry] + 1) + 0.6 * math.log10(g.fames[entry] + 1)
        if entry in g.capitals:
            score += 1.5 if g.populations[entry] >= 100_000 else 0.5
        return score

    def _context(self, mentions: list[Mention]) -> _Context:
        g = self.gazetteer
        context = _Context()
        anchors = self._anchor_of
        if len(anchors) > _ANCHOR_MEMORY:  # a batch names far fewer; a long-lived process more
            anchors.clear()
        for mention in mentions:
            best = anchors.get(mention.entries, -1)
            if best == -1:
                best = anchors[mention.entries] = self._anchor(mention.entries)
            if best is not None:
                context.add(best, name_key(mention.name), g, demonym=mention.demonym)
        return context

    @cached_property
    def _anchor_of(self) -> dict[tuple[int, ...], int | None]:
        """``_anchor``'s answers by candidate entries (they depend on the gazetteer alone)."""
        return {}

    def _anchor(self, entries: tuple[int, ...]) -> int | None:
        """The entry a mention with these candidates puts into the context, if any: its most
        prominent candidate when that one dominates or is no town."""
        priors = sorted(((self.prior(e), e) for e in entries), reverse=True)
        best = priors[0][1]
        dominant = len(priors) == 1 or priors[0][0] - priors[1][0] >= 1.5
        return best if dominant or self.gazetteer.kinds[best] != "city" else None

    def resolve(
        self, text: str, mentions: list[Mention], *, source_country: str = ""
    ) -> list[Toponym]:
        """Resolve one article's mentions; ``source_country`` is the outlet's ISO code."""
        g = self.gazetteer
        context = self._context(mentions)
        context.source_country = source_country.upper()
        toponyms = []
        features: dict[str, _Choice] = {}  # "lake victoria" -> its choice, for "Victoria" later
        for index, mention in enumerate(mentions):
            key = name_key(mention.name)
            choice = _short_form(key, features) or self._choose(text, mentions, index, context, key)
            if choice.entry is not None and _FEATURE_NAME.match(key):
                features.setdefault(key, choice)
            place = self._place(choice.entry) if choice.entry is not None else None
            # By position (start, end, name, place, score, reason, demonym): a frozen
            # dataclass's keywords cost a batch's 40 mentions per article measurably.
            score = round(choice.score, 3)
            toponyms.append(
                Toponym(
                    mention.start,
                    mention.end,
                    mention.name,
                    place,
                    score,
                    choice.reason,
                    mention.demonym,
                )
            )
            if mention.demonym:  # "the Turkish capital"
                capital = demonym_capital(g, self._capitals, text, mention, self.prior)
                if capital is not None:
                    toponyms.append(capital)
        return toponyms

    def _place(self, entry: int) -> Place:
        return self.gazetteer.place(entry)

    @cached_property
    def _capitals(self) -> dict[str, int]:
        g = self.gazetteer
        return {g.countries[entry]: entry for entry in g.capitals if g.countries[entry]}

    def _admin_cue(self, text: str, mentions: list[Mention], index: int) -> tuple[int, ...]:
        """Entries named right after this mention: "Bangor, Maine", "Valencia (Spain)"."""
        mention = mentions[index]
        if not _ADMIN_CUE.match(text, mention.end, mention.end + 4):
            return ()
        if index + 1 < len(mentions):
            nxt = mentions[index + 1]
            if nxt.start - mention.end <= 3:
                return tuple(e for e in nxt.entries if self.gazetteer.kinds[e] != "city")
        match = _ADMIN_ABBREVIATION.match(text, mention.end, mention.end + 16)
        if match:
            entry = self.gazetteer.admin1_abbreviations.get(match.group(1))
            if entry is not None:
                return (entry,)
        return ()

    def _contained_cue(self, text: str, mentions: list[Mention], index: int) -> tuple[int, ...]:
        """City candidates named right before this mention: "Savannah, Georgia"."""
        if index == 0:
            return ()
        previous = mentions[index - 1]
        if not _COMMA.fullmatch(text, previous.end, mentions[index].start):
            return ()
        return tuple(e for e in previous.entries if self.gazetteer.kinds[e] == "city")

    def _choose(
        self, text: str, mentions: list[Mention], index: int, context: _Context, key: str
    ) -> _Choice:
        """The choice for ``mentions[index]``, whose name's key is ``key``."""
        mention = mentions[index]
        end = mention.end
        # The cues' first tests here: most mentions have neither, and a call costs.
        cue = self._admin_cue(text, mentions, index) if _ADMIN_CUE.match(text, end, end + 4) else ()
        contained = ()
        if index and _COMMA.fullmatch(text, mentions[index - 1].end, mention.start):
            contained = self._contained_cue(text, mentions, index)
        state_word = _STATE_WORD.match(text, end, end + 16) is not None
        low = max(0, mention.start - 80)
        # Every match holds "cit" (city, cities) or "town": without one, no regex is needed.
        city_word = (
            text.find("cit", low, mention.start) >= 0 or text.find("town", low, mention.start) >= 0
        ) and _CITY_WORD_BEFORE.search(text, low, mention.start) is not None
        signals = _Signals(key, mention.entries, cue, contained, state_word, city_word)
        return self._decide(signals, context)

    def _decide(self, signals: _Signals, context: _Context) -> _Choice:
        """The choice among a mention's entries: all it reads is ``signals`` and the context,
        and of the context only ``_reads``' answers until a namesake abroad is considered."""
        candidates = self._candidates(signals.key, signals.entries)
        choice, prior_only = self._rank(signals, self._reads(candidates, signals.key, context))
        if prior_only and stray_namesake(
            self.gazetteer,
            choice.entry,
            choice.score,
            signals.key,
            context.located,
            context.located_by_key,
        ):
            return _Choice(None, choice.score, "a small namesake abroad from the article's country")
        return choice

    def _rank(self, signals: _Signals, reads: Reads) -> tuple[_Choice, bool]:
        """scoring.rank of the mention's candidates: a function of its arguments alone."""
        candidates = self._candidates(signals.key, signals.entries)
        names, min_score = self.gazetteer.names, self.settings.min_score
        return rank(candidates, signals, reads, self._inside, names, min_score)

    def _candidates(self, key: str, entries: tuple[int, ...]) -> Candidates:
        """The facts of a name's candidates that depend on the gazetteer and settings alone."""
        g = self.gazetteer
        hint = self.settings.country_hint.upper()
        items = []
        for entry in entries:
            country = g.countries[entry]
            hinted: tuple[float, str] | None = None
            if hint and country == hint:
                hinted = (HINT, f"country hint {hint}")
            elif self._in_bbox(entry):
                hinted = (HINT, "inside the area hint")
            primary = self._primary_name(entry, key)
            reason = self._prior_reason(entry)
            prior = self.prior(entry)
            kind = g.kinds[entry]
            items.append(
                Candidate(entry, kind, country, g.admin1s[entry], prior, primary, reason, hinted)
            )
        broad = any(c.kind in _BROAD_KINDS for c in items)
        return Candidates(tuple(items), broad, frozenset(c.country for c in items))

    def _reads(self, candidates: Candidates, key: str, context: _Context) -> Reads:
        """What the context says about each candidate (scoring.Read): all rank reads of it."""
        source = context.source_country
        reads = []
        for c in candidates.items:
            kind, country = c.kind, c.country
            count = 0
            if country and kind in ("city", "admin1"):
                count = min(context.country_count(country, key), COUNTRY_NAMED_MAX)
            outlet = c.hint is None and bool(source) and country == source
            if kind == "city":
                admin1_named = bool(c.admin1) and context.admin1_count(c.admin1, key) > 0
                near = self._near_anchor(c.entry, context)
                reads.append((count, admin1_named, outlet, near, ()))
            elif kind == "admin1":
                contains = tuple(self._contains_anchors(c.entry, context))
                reads.append((count, False, outlet, "", contains))
            else:
                reads.append((count, False, outlet, "", ()))
        return tuple(reads)

    def _in_bbox(self, entry: int) -> bool:
        box = self.settings.bbox_hint
        if box is None:
            return False
        lat, lon = self.gazetteer.lats[entry], self.gazetteer.lons[entry]
        return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]

    def _primary_name(self, entry: int, key: str) -> bool:
        own = name_key(self.gazetteer.names[entry])
        return own == key or fold_accents(own) == fold_accents(key)

    def _prior_reason(self, entry: int) -> str:
        g = self.gazetteer
        kind = g.kinds[entry]
        if kind == "city":
            return f"most prominent place of that name (population {g.populations[entry]:,})"
        if kind == "village":
            return "a village of that name"
        if kind == "facility":
            return "the facility's own name"
        if kind == "admin2":
            return "district of that name"
        return f"{kind} outranks places of the same name"
