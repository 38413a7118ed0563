"""The resolver with each piece of work done once: answers kept per batch, per article.

``MemoResolver`` is resolve.py's ``Resolver`` with its pure answers remembered. The scoring
itself is the Resolver's (scoring.py), unchanged, so the toponyms are identical.

- Per process (they depend on the gazetteer's data and the settings alone): an entry's prior,
  the reason given when the prior alone decides, whether a name is an entry's own name (keys:
  the entry, or (entry, name key)), an entry's Place, and a name's candidate arrays
  (``scoring.Candidates``, key: the name's key and its entries).
- Per process, across articles: a mention's ranked choice (``scoring.rank``). Its key is all
  that ``rank`` reads: the signals around the mention (``scoring._Signals``: the name's key,
  its entries, the admin cue after it, the cities named before it, a division word after and
  a settlement word before) and the context's answers about each candidate
  (``scoring.Reads``: how often its country is named by other names, whether its state is,
  whether the outlet is in its country, the named city near it, the named cities it holds).
  A name repeated across a batch in the same setting is scored once; only those answers are
  worked out per article. The namesake-abroad test reads the whole context and stays per call.
- Per article (they depend on the article's context, complete before any mention is resolved):
  the named city within 150 km of a candidate, key the entry; and a mention's final choice,
  key its signals. These memories are emptied when the next article's resolution starts.

A memory that grows past ``LIMIT`` answers (``RANKED_LIMIT`` for the ranked choices) starts
over: a batch's names are far fewer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mapper.gazetteer import Gazetteer
from mapper.geoparse.recognize import Mention
from mapper.geoparse.resolve import Resolver, ResolverSettings
from mapper.models import Place, Toponym

if TYPE_CHECKING:
    from mapper.geoparse.resolve import _Context
    from mapper.geoparse.scoring import Candidates, Reads, _Choice, _Signals

LIMIT = 1 << 18
# A ranked choice's key holds the mention's signals and a tuple per candidate, about 1.1 KB
# with its answer on GeoWebNews: at most some 70 MB of them, for a long batch's peak memory.
RANKED_LIMIT = 1 << 16


class MemoResolver(Resolver):
    """A Resolver that remembers its pure answers (see the module's docstring for the keys)."""

    def __init__(self, gazetteer: Gazetteer, settings: ResolverSettings | None = None):
        super().__init__(gazetteer, settings)
        self._priors: dict[int, float] = {}
        self._prior_reasons: dict[int, str] = {}
        self._primary: dict[tuple[int, str], bool] = {}
        self._near: dict[int, str] = {}
        self._choices: dict[_Signals, _Choice] = {}
        self._candidate_sets: dict[tuple[str, tuple[int, ...]], Candidates] = {}
        self._ranked: dict[tuple[_Signals, Reads], tuple[_Choice, bool]] = {}
        self._places: dict[int, Place] = {}

    def resolve(
        self, text: str, mentions: list[Mention], *, source_country: str = ""
    ) -> list[Toponym]:
        # The nearest named city and a mention's choice depend on this article's context.
        self._near = {}
        self._choices = {}
        memories = (self._priors, self._prior_reasons, self._primary, self._places)
        for memory in (*memories, self._candidate_sets):
            if len(memory) > LIMIT:
                memory.clear()
        if len(self._ranked) > RANKED_LIMIT:
            self._ranked.clear()
        return super().resolve(text, mentions, source_country=source_country)

    def prior(self, entry: int) -> float:
        found = self._priors.get(entry)
        if found is None:
            found = self._priors[entry] = super().prior(entry)
        return found

    def _prior_reason(self, entry: int) -> str:
        found = self._prior_reasons.get(entry)
        if found is None:
            found = self._prior_reasons[entry] = super()._prior_reason(entry)
        return found

    def _primary_name(self, entry: int, key: str) -> bool:
        found = self._primary.get((entry, key))
        if found is None:
            found = self._primary[(entry, key)] = super()._primary_name(entry, key)
        return found

    def _near_anchor(self, entry: int, context: _Context) -> str:
        found = self._near.get(entry)
        if found is None:
            found = self._near[entry] = super()._near_anchor(entry, context)
        return found

    def _decide(self, signals: _Signals, context: _Context) -> _Choice:
        found = self._choices.get(signals)
        if found is None:
            found = self._choices[signals] = super()._decide(signals, context)
        return found

    def _candidates(self, key: str, entries: tuple[int, ...]) -> Candidates:
        found = self._candidate_sets.get((key, entries))
        if found is None:
            found = self._candidate_sets[key, entries] = super()._candidates(key, entries)
        return found

    def _rank(self, signals: _Signals, reads: Reads) -> tuple[_Choice, bool]:
        found = self._ranked.get((signals, reads))
        if found is None:
            found = self._ranked[signals, reads] = super()._rank(signals, reads)
        return found

    def _place(self, entry: int) -> Place:
        found = self._places.get(entry)
        if found is None:
            found = self._places[entry] = super()._place(entry)
        return found
