"""Scoring one mention's candidates: the evidence each gets and the choice, or abstention.

``rank`` is a pure function of three things, so that a batch can keep its answers (memo.py):
the candidates' own facts (``Candidates``: kind, country, prior ..., fixed by the gazetteer,
the name and the resolver's settings), the text around the mention (``_Signals``) and the few
answers the article's context gives about these candidates (``Reads``, built by
``Resolver._reads``). Only the namesake test that may follow reads the context as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

# Weights of the context evidence, in the same units as the priors (log10 population).
COUNTRY_NAMED = 2.0  # the candidate's country is named elsewhere in the article
COUNTRY_NAMED_EACH = 0.5  # ... plus this per further mention, up to four
COUNTRY_NAMED_MAX = 4
ADMIN1_NAMED = 2.5  # the candidate city's state or province is named in the article
NEAR_OTHER_PLACE = 1.5  # within 150 km of another place the article names
CONTAINS_OTHER_PLACES = 1.5  # a division that contains other places of the article (each, up to 3)
ADMIN_CUE = 8.0  # "Bangor, Maine": the next mention is the candidate's state or country
CONTAINED_CUE = 6.0  # "Savannah, Georgia": the previous mention lies in the candidate
STATE_WORD = 4.0  # "Washington state": a division word follows the name
CITY_WORD = 4.0  # "the city of Kaduna": a settlement word comes before the name
HINT = 3.0  # the configured country or area hint: the user says where the news is
SOURCE_HINT = 1.5  # the outlet's country, from its web address (.co.uk, .com.au, .ie ...)
# Abstain when the best candidate is a town this small (prior) and barely ahead of the next.
ABSTAIN_BELOW = 4.5
ABSTAIN_MARGIN = 0.5
ALTERNATE_NAME = -1.5  # a city matched only by one of its alternate names
# When a mention can be a country, continent or region, context may only nudge a same-named
# town: "China" in an article about Texas is still China.
BROAD_NAME_DAMPING = 0.3


@dataclass(slots=True)
class _Choice:
    entry: int | None
    score: float
    reason: str


class _Signals(NamedTuple):
    """What one mention's choice reads from the text around it (the rest is the context).
    A tuple: built for every mention and hashed as a memory's key, in C."""

    key: str  # the name's key
    entries: tuple[int, ...]
    cue: tuple[int, ...]  # entries named right after it ("Bangor, Maine")
    contained: tuple[int, ...]  # city candidates named right before it ("Savannah, Georgia")
    state_word: bool  # a division word follows
    city_word: bool  # a settlement word comes before


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate's facts that no article changes."""

    entry: int
    kind: str
    country: str
    admin1: str  # its ISO 3166-2 code where known
    prior: float
    primary: bool  # the mention's key is the entry's own name (not an alternate one)
    prior_reason: str  # the reason given when the prior alone decides
    hint: tuple[float, str] | None  # the settings' country or area hint, when it holds


@dataclass(frozen=True, slots=True)
class Candidates:
    """A mention's candidate entries as arrays: built once per name, read per mention."""

    items: tuple[Candidate, ...]
    broad_name: bool  # some candidate is a country, continent or region
    countries: frozenset[str]  # the candidates' countries


# Per candidate, in order: the mentions of its country by other names (capped at
# COUNTRY_NAMED_MAX; 0 unless a city or admin-1 unit), whether its state is named by another
# name (cities), whether the outlet is in its country (candidates without a hint), the first
# named city within 150 km ("" unless a city), and the named cities it contains (admin-1s).
Read = tuple[int, bool, bool, str, tuple[str, ...]]
Reads = tuple[Read, ...]


def rank(
    candidates: Candidates,
    signals: _Signals,
    reads: Reads,
    inside: Callable[[int, int], bool],
    names: Sequence[str],
    min_score: float,
) -> tuple[_Choice, bool]:
    """The choice, and whether it was made on the prior alone (then a namesake abroad may
    still be abstained from, which reads the whole context). ``inside(entry, area)`` is the
    resolver's containment test and ``names`` the gazetteer's names."""
    cue, contained = signals.cue, signals.contained
    state_word, city_word = signals.state_word, signals.city_word
    broad_name = candidates.broad_name
    scored: list[tuple[float, int, str]] = []
    for candidate, (count, admin1_named, source, near, contains) in zip(
        candidates.items, reads, strict=True
    ):
        entry, kind, country = candidate.entry, candidate.kind, candidate.country
        evidence: list[tuple[float, str]] = []
        if cue:
            match = next((c for c in cue if inside(entry, c)), None)
            if match is not None:
                evidence.append((ADMIN_CUE, f"{names[match]} named right after it"))
        if contained and kind != "city":
            inner = next((c for c in contained if inside(c, entry)), None)
            if inner is not None:
                evidence.append((CONTAINED_CUE, f"{names[inner]} lies in it"))
        if state_word and kind == "admin1":
            evidence.append((STATE_WORD, "followed by a division word"))
        if city_word and kind == "city":
            evidence.append((CITY_WORD, "after a settlement word (city, town of)"))
        if count:
            weight = COUNTRY_NAMED + COUNTRY_NAMED_EACH * count
            evidence.append((weight, f"{country} named in the article"))
        if admin1_named:
            evidence.append((ADMIN1_NAMED, "its state/province named in the article"))
        if candidate.hint is not None:
            evidence.append(candidate.hint)
        elif source:
            evidence.append((SOURCE_HINT, f"the outlet is in {country}"))
        if near:
            evidence.append((NEAR_OTHER_PLACE, f"near {near}"))
        if contains:
            weight = CONTAINS_OTHER_PLACES * len(contains)
            evidence.append((weight, f"{', '.join(contains[:2])} lie in it"))
        boost = sum(w for w, _ in evidence)
        if broad_name and kind == "city" and not cue:
            boost *= BROAD_NAME_DAMPING
        score = candidate.prior + boost
        if kind == "city" and not candidate.primary:
            # "Victoria" is a state, a city and an old name of Hong Kong: a place's own
            # name beats another place's former or foreign name.
            score += ALTERNATE_NAME
        reason = "; ".join(r for _, r in evidence) or candidate.prior_reason
        scored.append((score, entry, reason))
    if not scored:
        return _Choice(None, 0.0, "no candidate"), False
    order = sorted(range(len(scored)), key=lambda i: (-scored[i][0], scored[i][1]))
    best_score, best_entry, reason = scored[order[0]]
    if best_score < min_score:
        return _Choice(None, best_score, "too uncertain"), False
    best = candidates.items[order[0]]
    prior_only = reason == best.prior_reason
    if (
        # Abstain between small same-named towns when nothing in the text tells them apart.
        len(scored) >= 2
        and best.kind == "city"
        and prior_only  # no context evidence at all
        and best_score < ABSTAIN_BELOW
        and best_score - scored[order[1]][0] < ABSTAIN_MARGIN
    ):
        return _Choice(None, best_score, "several small places share the name; no context"), False
    return _Choice(best_entry, best_score, reason), prior_only
