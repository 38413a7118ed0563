"""The regular expressions that find facts; ``facts.py`` applies them and chooses values.

Every rule is a ``FactRule``: the fact it fills, a compiled regex whose group ``n`` holds the
number (or a list of numbers to sum, "3 soldiers and 2 civilians"), and how to read it.
Patterns are general English news phrasing; none is tied to one source. This module holds the
rule table and the zero, magnitude and area patterns; the shared fragments, the context read
around a match, the rule builders and the subject pattern are in ``fact_grammar``,
``fact_context``, ``fact_rules`` and ``fact_subject``.
"""

from __future__ import annotations

import re

from mapper.events.fact_context import (
    AREA_HINTS,
    BACKGROUND,
    BACKGROUND_LOW,
    CASUALTY_AFTER,
    CUMULATIVE,
    CUMULATIVE_LOW,
    DIED_AFTER,
    HEDGE,
    HEDGE_LOW,
    MAGNITUDE_HINTS,
    OBJECT_AFTER,
    ONE_MORE_BEFORE,
    RELATIVE_BEFORE,
    RELATIVE_BEFORE_LOW,
    TRANSITIVE,
    TRIGGERS,
    ZERO_HINTS,
)
from mapper.events.fact_grammar import (
    _AUXES,
    _BUILDINGS,
    _DESTROY,
    _INJ_ACTIVE,
    _KILL_ACTIVE,
    _NUM,
    NLIST,
    QUAL,
)
from mapper.events.fact_rules import FactRule, _left, _object, _rule, _single
from mapper.events.fact_subject import SUBJECT, SUBJECT_FIELDS, SUBJECT_VERB_LITERALS
from mapper.events.lazy_re import LazyPattern
from mapper.events.numbers import NUMBER

# Read by ``facts`` and its helpers as ``fact_patterns.<name>``; they live in the modules above.
__all__ = [
    "AREA_HINTS",
    "BACKGROUND",
    "BACKGROUND_LOW",
    "CASUALTY_AFTER",
    "CUMULATIVE",
    "CUMULATIVE_LOW",
    "DIED_AFTER",
    "HEDGE",
    "HEDGE_LOW",
    "MAGNITUDE_HINTS",
    "OBJECT_AFTER",
    "ONE_MORE_BEFORE",
    "RELATIVE_BEFORE",
    "RELATIVE_BEFORE_LOW",
    "SUBJECT",
    "SUBJECT_FIELDS",
    "SUBJECT_VERB_LITERALS",
    "TRANSITIVE",
    "TRIGGERS",
    "ZERO_HINTS",
]


_K = "kill slay slew massac execut murder shot gunn claim"
FACT_RULES: tuple[FactRule, ...] = (
    _rule(
        "killed",
        rf"\bfatalit(?:y|ies)\s+(?:(?:were|was|are|is)\s+)?coded\s+as\s+(?P<n>\d+)"
        rf"(?:[^.]{{0,60}}?split\s+(?:between|across|among|over)\s+(?P<d>{NUMBER}))?",
        "coded",
        coded=True,
    ),
    _rule(
        "killed",
        rf"\b(?:death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|victims|people"
        rf"\s+killed))\b(?:\s+[^\s.;]+){{0,10}}?\s+(?:to\s+be|to|at|of|hit|hits"
        rf"|reached|reaches|topped|tops|passed|exceeded|exceeds|surpassed|surpasses|crossed|crosses"
        rf"|above|over|past|is|was|stands|stood|now)\s+(?:{QUAL})(?P<n>{NUMBER})",
        "toll number",
        cumulative=True,
    ),
    _object("killed", _KILL_ACTIVE, _K),
    _rule(
        "killed",
        r"\b(?:kill(?:ed|ing|s)|shot\s+dead|shooting\s+dead|murder(?:ed|ing)|execut(?:ed|ing)|lynch(?:ed|ing))"
        r"\s+(?:an?)\s+(?!(?:(?:large|small|huge|great|growing|significant|big|high|record"
        r"|unknown|total)\s+)?(?:total|number|further|few|couple|dozen|handful|score|series|lot)\b)",
        "kill shot murder execut lynch",
        value=1.0,
    ),
    _object("killed", r"claim(?:ed|ing|s)|cost|took", "lives", r"\s+(?:\w+\s+)?lives"),
    _rule(
        "killed",
        rf"\b(?:bodies|remains|corpses)\s+of\s+(?:{QUAL})(?P<n>{NLIST})",
        "bodies remains corpses",
    ),
    _left("killed", r"dead|killed", "left leav leave"),
    _single(
        "killed",
        r"killed|died|shot\s+dead|murdered|slain|beheaded|lynched|executed|assassinated"
        r"|succumbed|stabbed\s+to\s+death|beaten\s+to\s+death|burned\s+to\s+death|found\s+dead"
        r"|drowned",
        "kill died dead murder slain behead lynch execut assassin succumb death drown",
    ),
    _object("injured", _INJ_ACTIVE, "injur wound hurt maim"),
    _left("injured", r"injured|wounded|hurt", "left leav"),
    _single("injured", r"injured|wounded|hurt", "injur wound hurt"),
    _left("missing", r"missing", "left leav"),
    _rule(
        "missing",
        rf"\b(?:search(?:ing)?\s+for|find)\s+(?:{QUAL})(?P<n>{NUMBER})\s+missing\b",
        "missing",
    ),
    _object("displaced", r"displac(?:ed|ing|es)|uproot(?:ed|ing)", "displac uproot"),
    _left("displaced", r"homeless|displaced|without\s+shelter", "left leav render made making"),
    _rule("displaced", rf"\bforc(?:ed|ing|es)\s+(?:{QUAL})(?P<n>{NLIST})\s+to\s+flee\b", "flee"),
    _object("evacuated", r"evacuat(?:ed|ing|e|es)|evacuation\s+of", "evacu"),
    _rule(
        "evacuated",
        rf"\bforc(?:ed|ing|es)\s+(?:{QUAL})(?P<n>{NLIST})\s+to\s+(?:be\s+)?evacuat",
        "evacu",
    ),
    _object("trapped", r"trapp(?:ed|ing)", "trapp"),
    _object("rescued", r"rescu(?:ed|ing|es)", "rescu"),
    _rule(
        "buildings_destroyed",
        rf"(?P<n>(?:{QUAL}){_NUM})\s+(?:[a-z-]+\s+){{0,2}}?(?:{_BUILDINGS})\s+{_AUXES}(?:{_DESTROY})\b",
        "destroy razed flatten gutted burn collaps levelled leveled washed swept torched rubble",
        anchor="number",
    ),
    _rule(
        "buildings_destroyed",
        rf"\b(?:destroy(?:ed|ing|s)?|raz(?:ed|ing)|flatten(?:ed|ing)|gutt(?:ed|ing)|torch(?:ed|ing)"
        rf"|burn(?:ed|t|ing)\s+down|level(?:l)?(?:ed|ing)|damag(?:ed|ing)\s+or\s+destroy(?:ed|ing))"
        rf"\s+(?:{QUAL})(?P<n>{_NUM})\s+(?:[a-z-]+\s+){{0,2}}?(?:{_BUILDINGS})\b",
        "destroy razed razing flatten gutt torch burn level",
    ),
)

# Rules added after the main table: subsets ("one of them fatal"), mourned victims and paired
# counts written "N and M, respectively".
_EXTRA_RULES: tuple[FactRule, ...] = (
    _rule(
        "killed",
        rf"\b(?P<n>{NUMBER})\s+of\s+(?:them|whom|those|these|the\s+\w+)\s+"
        r"(?:(?:was|were|proved|proving|has\s+been|have\s+been|being|later|since|had)\s+)*"
        r"(?:fatal|died|dead|succumbed)\b",
        "fatal died dead succumb",
        anchor="number",
    ),
    _rule(
        "killed",
        rf"\bof\s+(?:which|whom|them|these)\s+(?:{QUAL})(?P<n>{NUMBER})\s+(?:(?:were|was|have\s+been"
        r"|had\s+been|proved|later)\s+)?(?:fatal|died|dead|succumbed)\b",
        "fatal died dead succumb",
    ),
    _rule("killed", rf"\b(?P<n>{NUMBER})\s+fatal\s+cases\b", "fatal", anchor="number"),
    _rule(
        "killed",
        r"\b(?:mourn\w*|tributes?|funerals?|memorials?|vigils?|burials?|buried|laid\s+to\s+rest"
        rf"|condolences)\b[^.;]{{0,60}}?\b(?:for|of|to)\s+(?:the\s+|all\s+)?(?:{QUAL})"
        rf"(?P<n>{NUMBER})\s+(?:[a-z]+\s+)?(?:victims|dead)\b",
        "victims dead",
    ),
    _rule(
        "killed",
        r"\b(?:cases|infections|injured|wounded|injuries)\s+and\s+(?:deaths|fatalities|dead)\b"
        rf"[^.;]{{0,80}}?\b{NUMBER}\s+and\s+(?:{QUAL})(?P<n>{NUMBER}),?\s+respectively",
        "respectively",
    ),
    _rule(
        "killed",
        r"\b(?:deaths|fatalities|dead|killed)\s+and\s+(?:cases|infections|injured|wounded|injuries)"
        rf"\b[^.;]{{0,80}}?\b(?:{QUAL})(?P<n>{NUMBER})\s+and\s+{NUMBER},?\s+respectively",
        "respectively",
    ),
    _rule(
        "injured",
        r"\b(?:deaths|fatalities|dead|killed)\s+and\s+(?:injured|wounded|injuries)"
        rf"\b[^.;]{{0,80}}?\b{NUMBER}\s+and\s+(?:{QUAL})(?P<n>{NUMBER}),?\s+respectively",
        "respectively",
    ),
)
# Alert and table formats: "Death toll: 23", "Fatalities = 5", "Injured: 12", "Evacuated: 300".
_LABELS = {
    "killed": r"death\s+toll|toll|deaths|fatalities|dead|killed|casualties\s+\(dead\)",
    "injured": r"injured|injuries|wounded",
    "missing": r"missing",
    "evacuated": r"evacuated|evacuees",
    "displaced": r"displaced|homeless",
}
_LABEL_RULES = tuple(
    _rule(field, rf"\b(?:{label})\s*[:=]\s*(?P<n>{NUMBER})", keywords)
    for (field, label), keywords in zip(
        _LABELS.items(),
        ("death fatal dead kill toll", "injur wound", "missing", "evacu", "displac homeless"),
        strict=True,
    )
)
FACT_RULES = (
    FACT_RULES
    + _EXTRA_RULES
    + _LABEL_RULES
    + (
        _object(
            "evacuated",
            r"evacuation\s+(?:orders?|warnings?)\s+(?:(?:were|was|have\s+been|has\s+been|are|is)\s+)?"
            r"(?:(?:issued|extended|expanded|in\s+place)\s+)?(?:for|covering|affecting|to)",
            "evacu",
        ),
        _rule(
            "displaced",
            rf"\bforc(?:ed|ing|es)\s+(?:{QUAL})(?P<n>{NLIST})\s+(?:from|out\s+of)\s+their\s+homes",
            "forc",
        ),
    )
)

ZERO_KILLED = re.compile(
    r"\bno\s+(?:casualt\w*|fatalit\w*|deaths?|lives\s+(?:were\s+)?lost|loss\s+of\s+li\w+"
    r"|(?:immediate\s+)?reports?\s+of\s+(?:casualt\w*|deaths?|fatalit\w*))\b"
    r"|\b(?:no\s+one|nobody)\s+(?:was|were|has\s+been|had\s+been)\s+(?:\w+\s+)?killed"
    r"|\bno\s+one\s+died|\bwithout\s+(?:casualties|fatalities)",
    re.I,
)
ZERO_INJURED = re.compile(
    r"\bno\s+(?:casualt\w*|injur\w*|(?:immediate\s+)?reports?\s+of\s+(?:casualt\w*|injur\w*))\b"
    r"|\b(?:no\s+one|nobody)\s+(?:was|were|has\s+been|had\s+been)\s+(?:\w+\s+)?(?:hurt|injured)",
    re.I,
)
# The same, case-sensitive, for lower-cased text (several times faster to scan).
ZERO_KILLED_LOW = LazyPattern(ZERO_KILLED.pattern)
ZERO_INJURED_LOW = LazyPattern(ZERO_INJURED.pattern)

# "magnitude 6.1", "Magnitude 5.7M, Depth:10km", "magnitude-6.8", "6.1-magnitude", "M 6.1 -",
# "Mw6.1", "M=5.1", "Mag: 5.1", "measuring 6.1", "6.1 on the Richter scale", "a 6.1 quake". Only the
# "M" of "M 6.1" is case-sensitive (a lone lower-case "m" is metres or millions).
_QUAKE = r"(?i:earthquake|quake|tremor|temblor|aftershock|seism)"
MAGNITUDE = re.compile(
    r"\b(?i:magnitude|mag(?=\s*[:=.]|\s+\d))\.?(?:\s+(?i:of))?(?:\s+\((?i:mww?|mw|ml|mb|ms)\))?"
    r"(?:\s+(?i:about|around|approximately|preliminary|an?\s+estimated))?"
    r"[\s:=-]*(?P<a>[1-9](?:\.\d{1,2})?)(?![\d.]*\s*(?i:km|mi|kilo|miles|%|million|billion))"
    r"|(?P<b>[1-9]\.\d{1,2})[\s-]*(?i:-?magnitude|on\s+the\s+richter|richter)"
    r"|\b(?:M|mb|Mb)[wWsSlLbBdD]{0,2}\s?[=:]?\s?(?P<c>[1-9]\.\d)\b"
    r"|\b(?i:measur(?:ed|ing)|registered|registering|force|strength\s+of)\s+(?i:a\s+)?"
    r"(?i:magnitude\s+)?(?P<d>[1-9]\.\d{1,2})\b"
    r"|\b(?P<e>[1-9]\.\d{1,2})(?:\s?M[wl]?)?[\s-]+"
    rf"(?:(?i:strong|powerful|magnitude|preliminary)[\s-]+)?{_QUAKE}"
)
# An alert written "M 6.1 - 10 km SW of ..." names no quake word, so it is a hint of its own.
MAGNITUDE_ALERT = re.compile(r"\bM[wWsSlLbB]{0,2}\s?[=:]?\s?[1-9]\.\d\b")

AREA = re.compile(
    rf"(?P<n>{NUMBER})\s*(?P<u>hectares|ha|acres|square\s+kilomet(?:er|re)s|sq\.?\s*km|km2|km²"
    r"|square\s+miles|sq\.?\s*mi)\b",
    re.IGNORECASE,
)
AREA_CONTEXT = re.compile(r"burn|fire|blaze|scorch|charred|consum|torch|flames|ablaze", re.I)
AREA_LOW = LazyPattern(AREA.pattern)
AREA_CONTEXT_LOW = LazyPattern(AREA_CONTEXT.pattern)
HA_PER_UNIT = {"acres": 0.404686, "km": 100.0, "mi": 258.999}
