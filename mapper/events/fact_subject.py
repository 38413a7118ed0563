"""The subject pattern, '<numbers> <noun phrase> <aux> <verb>' -> SUBJECT (one lazy regex for all
facts, a named group per fact), its fields, and the literals one of which each verb holds."""

from __future__ import annotations

import re

from mapper.events.fact_grammar import _AUXES, _INJ_INTRANS, _KILL_INTRANS, _KILL_TRANS, NLIST
from mapper.events.lazy_re import LazyPattern

# '<numbers> <noun phrase> <aux> <verb>': "3 soldiers and 2 civilians were killed". Tried anchored
# at each number, one regex for all facts; the named group that matched is the fact.
_SUBJECT_VERBS = {
    "killed": rf"{_KILL_INTRANS}|{_KILL_TRANS}|fatal",  # "12 were fatal"
    "injured": _INJ_INTRANS,
    "missing": r"missing|unaccounted\s+for",
    "displaced": (
        r"displaced|homeless|internally\s+displaced|uprooted|relocated|sought\s+refuge"
        r"|forced\s+(?:from|out\s+of)\s+their\s+homes"
        r"|(?:leave|left|abandon|abandoned|lost)\s+their\s+(?:homes|houses|villages)"
    ),
    # Flight is an evacuation in a natural hazard and a displacement in a conflict; the extractor
    # files it once the event type is known ("7,000 fled to the next town", "had to flee").
    "fled": (
        r"fled(?=\s+(?:their|from|to|into|across|over|overnight|towards?|for|in\s+panic"
        r"|the\s+(?:area|city|town|village|region|country|fighting|violence|flames|fire|lava|floods?)))"
        r"|flee\s+(?:their|from|to|into|across|the)|sent\s+fleeing"
    ),
    "evacuated": (
        r"evacuated|evacuees|ordered\s+to\s+evacuate|ordered\s+out"
        r"|under\s+(?:a\s+)?(?:mandatory\s+)?evacuation\s+orders?"
        r"|(?:moved|taken|brought|relocated)\s+to\s+(?:evacuation\s+(?:centres?|centers?|sites?)"
        r"|(?:temporary\s+|emergency\s+)?shelters|safer\s+ground|higher\s+ground)"
        r"|(?:sought|seeking|took|taking|found)\s+shelter\s+in\s+(?:\w+\s+)?(?:evacuation\s+)?"
        r"(?:centres?|centers?|shelters|sites|camps)"
    ),
    "trapped": r"trapped|buried\s+alive|stranded",
    "rescued": r"rescued|pulled\s+alive|saved|brought\s+to\s+safety",
}
SUBJECT_FIELDS = tuple(_SUBJECT_VERBS)
# One of these (lower case) stands in every verb phrase above: a sentence whose last one comes
# before a number cannot read that number as a subject (a shortcut for speed; keep it in step).
SUBJECT_VERB_LITERALS = [
    "dead",
    "die",
    "death",
    "fatal",
    "live",
    "perish",
    "drown",
    "succumb",
    "bodies",
    "corpse",
    "kill",
    "slain",
    "murder",
    "execut",
    "behead",
    "lynch",
    "assassin",
    "massacr",
    "injur",
    "wound",
    "hurt",
    "hospitali",
    "missing",
    "unaccounted",
    "displac",
    "homeless",
    "uproot",
    "relocat",
    "refuge",
    "homes",
    "houses",
    "villages",
    "fled",
    "flee",
    "evacu",
    "ordered",
    "shelter",
    "ground",
    "trapp",
    "alive",
    "strand",
    "rescu",
    "saved",
    "safety",
]
SUBJECT = LazyPattern(
    # an aside may stand between the count and its verb: "80 people, including children, are dead"
    rf"(?P<n>{NLIST})(?:\s*,\s*(?:including|among\s+them|mostly|many\s+of\s+them)\s+[^,.;]{{1,40}},)?"
    rf"\s+{_AUXES}(?P<v>"
    + "|".join(f"(?P<{field}>{verbs})" for field, verbs in _SUBJECT_VERBS.items())
    + r")\b",
    re.IGNORECASE,
)
