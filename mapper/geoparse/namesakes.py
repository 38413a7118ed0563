"""Two readings of a name that need the whole article: a demonym before "capital" ("the
Turkish capital" names Ankara), and a small town chosen on its prior alone in a country the
article never names while it keeps naming another (a namesake of the article's own village,
which the gazetteer lacks). Used by ``resolve.Resolver``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from mapper.gazetteer import Gazetteer
from mapper.geoparse.recognize import Mention
from mapper.models import Toponym

_CAPITAL_AFTER = re.compile(r"\s+capital\b")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# A town this small (prior) with no evidence, in a country the article never names while it
# names another again and again, is a namesake of a place the gazetteer lacks: abstain.
STRAY_BELOW = 5.0
STRAY_COUNTRY_MENTIONS = 2
# How much a demonym says about where the article is, against a place named (1.0).
DEMONYM_WEIGHT = 0.5


def demonym_capital(
    gazetteer: Gazetteer,
    capitals: Mapping[str, int],
    text: str,
    mention: Mention,
    prior: Callable[[int], float],
) -> Toponym | None:
    """ "the Turkish capital": the word "capital" names the capital city.

    The demonym keeps its own toponym (the country), as gazetteers and annotators read it;
    ``capitals`` maps ISO country codes to their capital's entry; ``prior`` scores it.
    """
    if not mention.demonym:
        return None
    if not _THE_BEFORE.search(text, max(0, mention.start - 5), mention.start):
        return None
    after = _CAPITAL_AFTER.match(text, mention.end)
    if after is None:
        return None
    g = gazetteer
    entry = capitals.get(g.countries[mention.entries[0]])
    if entry is None:
        return None
    start = after.end() - len("capital")
    return Toponym(
        start=start,
        end=after.end(),
        name=text[start : after.end()],
        place=g.place(entry),
        score=round(prior(entry), 3),
        reason=f"the capital of {g.names[mention.entries[0]]}",
    )


def stray_namesake(
    gazetteer: Gazetteer,
    entry: int,
    score: float,
    key: str,
    located: Mapping[str, float],
    located_by_key: Mapping[str, Mapping[str, float]],
) -> bool:
    """Whether a town chosen on its prior alone is a namesake abroad.

    "The village of Ayo" in an article that names Northland four times and never the country
    of the only Ayo the gazetteer holds is Northland's Ayo, which it lacks. ``located`` counts
    the countries of the article's places (demonyms at DEMONYM_WEIGHT), ``located_by_key`` the
    same per name, so that a name never supports itself.
    """
    g = gazetteer
    if g.kinds[entry] not in ("city", "village") or score >= STRAY_BELOW:
        return False
    own = located_by_key.get(key, {})
    country = g.countries[entry]
    if country and located.get(country, 0.0) - own.get(country, 0.0) > 0:
        return False
    others = [count - own.get(c, 0.0) for c, count in located.items() if c != country]
    return max(others, default=0.0) >= STRAY_COUNTRY_MENTIONS
