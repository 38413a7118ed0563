"""Resolve mentions to gazetteer entries: priors plus document context, or abstain.

list[Mention] (one article) -> list[Toponym]. A country outranks a town named Russia; other
places in the article (their countries, admin-1 units and positions), admin cues such as
"Bangor, Maine" and an optional country hint move the choice. Each result says why.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from mapper.gazetteer import Gazetteer, haversine_km
from mapper.geoparse.recognize import Mention
from mapper.models import Toponym

_KIND_PRIOR = {"country": 9.0, "continent": 8.5, "region": 8.0, "admin1": 6.5, "city": 0.0}
_ADMIN_CUE = re.compile(r"^\s*,\s*|^\s*\(\s*")


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    country_hint: str = ""
    min_score: float = 0.2


@dataclass(slots=True)
class _Choice:
    entry: int | None
    score: float
    reason: str


class Resolver:
    def __init__(self, gazetteer: Gazetteer, settings: ResolverSettings | None = None):
        self.gazetteer = gazetteer
        self.settings = settings or ResolverSettings()

    def prior(self, entry: int) -> float:
        g = self.gazetteer
        kind = g.kinds[entry]
        if kind != "city":
            return _KIND_PRIOR[kind]
        # Population on a log scale plus how widely the name is known (alternate names).
        return 0.9 * math.log10(g.populations[entry] + 1) + 0.6 * math.log10(g.fames[entry] + 1)

    def resolve(self, text: str, mentions: list[Mention]) -> list[Toponym]:
        g = self.gazetteer
        # First pass: unambiguous or strong mentions anchor the document's geography.
        anchors: list[int] = []
        for mention in mentions:
            priors = sorted(((self.prior(e), e) for e in mention.entries), reverse=True)
            best = priors[0][1]
            dominant = len(priors) == 1 or priors[0][0] - priors[1][0] >= 1.5
            if dominant or g.kinds[best] != "city":
                anchors.append(best)
        countries = Counter(g.countries[e] for e in anchors if g.countries[e])
        admin1s = Counter(g.admin1s[e] for e in anchors if g.admin1s[e])
        hint = self.settings.country_hint.upper()
        toponyms = []
        for index, mention in enumerate(mentions):
            cue = self._admin_cue(text, mentions, index)
            contained = self._contained_cue(text, mentions, index)
            choice = self._choose(mention, countries, admin1s, anchors, cue, hint, contained)
            place = g.place(choice.entry) if choice.entry is not None else None
            toponyms.append(
                Toponym(
                    start=mention.start,
                    end=mention.end,
                    name=mention.name,
                    place=place,
                    score=round(choice.score, 3),
                    reason=choice.reason,
                    demonym=mention.demonym,
                )
            )
        return toponyms

    def _admin_cue(self, text: str, mentions: list[Mention], index: int) -> tuple[int, ...]:
        """Entries named right after this mention: "Bangor, Maine", "Valencia (Spain)"."""
        mention = mentions[index]
        following = text[mention.end : mention.end + 4]
        if not _ADMIN_CUE.match(following):
            return ()
        if index + 1 < len(mentions):
            nxt = mentions[index + 1]
            if nxt.start - mention.end <= 3:
                return tuple(e for e in nxt.entries if self.gazetteer.kinds[e] != "city")
        rest = text[mention.end : mention.end + 16]
        match = re.match(r"\s*,\s*([A-Z][A-Za-z.]{1,6})", rest)
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
        if not re.fullmatch(r"\s*,\s*", text[previous.end : mentions[index].start]):
            return ()
        return tuple(e for e in previous.entries if self.gazetteer.kinds[e] == "city")

    def _choose(self, mention, countries, admin1s, anchors, cue, hint, contained=()) -> _Choice:
        g = self.gazetteer
        scored: list[tuple[float, int, str]] = []
        for entry in mention.entries:
            score = self.prior(entry)
            reasons = []
            country = g.countries[entry]
            if cue:
                match = next((c for c in cue if self._inside(entry, c)), None)
                if match is not None:
                    score += 8.0
                    reasons.append(f"{g.names[match]} named right after it")
            if contained and g.kinds[entry] != "city":
                inner = next((c for c in contained if self._inside(c, entry)), None)
                if inner is not None:
                    score += 6.0
                    reasons.append(f"{g.names[inner]} lies in it")
            if g.kinds[entry] in ("city", "admin1") and country and countries.get(country):
                score += 2.0 + 0.5 * min(countries[country], 4)
                reasons.append(f"{country} named in the article")
            if g.admin1s[entry] and admin1s.get(g.admin1s[entry]) and g.kinds[entry] == "city":
                score += 2.5
                reasons.append("its state/province named in the article")
            if hint and country == hint:
                score += 2.0
                reasons.append(f"country hint {hint}")
            near = self._near_anchor(entry, anchors)
            if near and g.kinds[entry] == "city":
                score += 1.5
                reasons.append(f"near {near}")
            reason = "; ".join(reasons) or self._prior_reason(entry)
            scored.append((score, entry, reason))
        if not scored:
            return _Choice(None, 0.0, "no candidate")
        scored.sort(key=lambda item: (-item[0], item[1]))
        best_score, best_entry, reason = scored[0]
        if best_score < self.settings.min_score:
            return _Choice(None, best_score, "too uncertain")
        return _Choice(best_entry, best_score, reason)

    def _prior_reason(self, entry: int) -> str:
        g = self.gazetteer
        kind = g.kinds[entry]
        if kind == "city":
            return f"most prominent place of that name (population {g.populations[entry]:,})"
        return f"{kind} outranks places of the same name"

    def _inside(self, entry: int, area: int) -> bool:
        """Whether place `entry` lies in the country, admin-1 unit or region `area`."""
        g = self.gazetteer
        if entry == area:
            return False
        kind = g.kinds[area]
        if kind == "country":
            return g.countries[entry] == g.countries[area]
        if kind == "admin1":
            return self._in_admin1(entry, area)
        if g.countries[area] and g.countries[entry] != g.countries[area]:
            return False
        distance = haversine_km(g.lats[entry], g.lons[entry], g.lats[area], g.lons[area])
        return distance <= 1.2 * g.extents[area]

    def _in_admin1(self, entry: int, admin1_entry: int) -> bool:
        g = self.gazetteer
        if g.admin1s[entry] and g.admin1s[entry] == g.admin1s[admin1_entry]:
            return True
        if g.countries[entry] != g.countries[admin1_entry]:
            return False
        distance = haversine_km(g.lats[entry], g.lons[entry], g.lats[admin1_entry], g.lons[admin1_entry])
        return distance <= 1.5 * max(g.extents[admin1_entry], 50.0)

    def _near_anchor(self, entry: int, anchors: list[int]) -> str:
        g = self.gazetteer
        for anchor in anchors:
            if anchor == entry or g.kinds[anchor] not in ("city",):
                continue
            if haversine_km(g.lats[entry], g.lons[entry], g.lats[anchor], g.lons[anchor]) < 150:
                return g.names[anchor]
        return ""
