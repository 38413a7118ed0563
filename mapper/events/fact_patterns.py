"""The regular expressions that find facts; ``facts.py`` applies them and chooses values.

Every rule is a ``FactRule``: the fact it fills, a compiled regex whose group ``n`` holds the
number (or a list of numbers to sum, "3 soldiers and 2 civilians"), and how to read it.
Patterns are general English news phrasing; none is tied to one source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mapper.events.lazy_re import LazyPattern
from mapper.events.numbers import NUMBER

# Qualifiers before a number: "at least 5" -> 5, "more than 200" -> 200 (ACLED's conservative
# reading), "another 20" -> 20.
QUAL = (
    r"(?:(?:at\s+least|at\s+most|more\s+than|less\s+than|fewer\s+than|over|some|about|around|nearly"
    r"|almost|approximately|an\s+estimated|estimated|roughly|up\s+to|as\s+many\s+as|no\s+fewer\s+than"
    r"|no\s+less\s+than|not\s+less\s+than|close\s+to|upwards\s+of|in\s+excess\s+of|a\s+total\s+of"
    r"|total\s+of|another|an\s+additional|a\s+further|further|additional|only|just|the|a|all|still"
    r"|reportedly|officially|least|well\s+over|above|beyond|past)\s+)*"
)
# A number, or a range whose lower bound counts ("25 to 35", "between 100 and 150").
_NUM = rf"(?:between\s+{NUMBER}\s+and\s+{NUMBER}|{NUMBER}(?:\s*(?:-|–|to|or)\s*{NUMBER})?)"
# Words that may stand between a number and its verb ("members of the armed group").
_STOP = (
    r"(?:and|or|but|were|was|is|are|be|been|being|had|have|has|who|which|that|when|while|after"
    r"|before|as|than|including|includes|among|whom|whose|where|if|killed|killing|died|dead|injured"
    r"|wounded|missing|displaced|evacuated|trapped|rescued|not|no|said|says|say|to|by|with|from"
    r"|during|since|into|remain|remained|remains|got|get|died|perished|succumbed|dying|fled|left)"
)
NPW = rf"(?!{_STOP}\b)(?:\d+-[a-z][\w-]*|[a-z][\w'’.-]*)"
_ITEM = rf"{QUAL}{_NUM}(?:\s+{NPW}){{0,6}}?"
_JOIN = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)"
# Lists are capped so a long run of numbers cannot make the engine backtrack for seconds.
NLIST = rf"{_ITEM}(?:{_JOIN}{_ITEM}){{0,5}}"
# After a verb nothing anchors the list's end, so its noun phrases are read greedily.
NLIST_GREEDY = rf"{QUAL}{_NUM}(?:\s+{NPW}){{0,6}}(?:{_JOIN}{QUAL}{_NUM}(?:\s+{NPW}){{0,6}}){{0,5}}"
AUX = (
    r"(?:were|was|are|is|have|has|had|been|being|be|got|get|gets|reportedly|also|later|all|still"
    r"|now|allegedly|confirmed|believed|known|reported|feared|thought|said|to|remain|remained"
    r"|remains|others?|more|again|subsequently|eventually|both|each|then|critically|seriously"
    r"|severely|slightly|badly|fatally|mortally|gravely|lightly|instantly|immediately|either"
    r"|presumed|likely|probably|initially|officially|so\s+far|may|might|could|would|will|not"
    r"|feared|listed\s+as|left|declared|pronounced|found|being|were\s+left|nonetheless|nevertheless"
    r"|however|tragically|sadly|ultimately|already)"
)
_AUXES = rf"(?:{AUX}\s+){{0,6}}"

_KILL_INTRANS = (
    r"dead|died|dies|die|deaths?|fatalities|fatality|lost\s+(?:their|his|her)\s+lives?|perished"
    r"|drowned|succumbed|burned\s+to\s+death|burnt\s+to\s+death|bodies|corpses|lives\s+lost"
)
_KILL_TRANS = r"killed|slain|murdered|executed|shot\s+dead|beheaded|lynched|assassinated|massacred"
_KILL_ACTIVE = (
    r"kill(?:ed|ing|s)?|slaying|slew|massacr(?:ed|ing)|execut(?:ed|ing)|murder(?:ed|ing)"
    r"|shot\s+dead|shooting\s+dead|gunned\s+down|gunning\s+down|claim(?:ed|ing|s)\s+the\s+lives\s+of"
)
_INJ_INTRANS = (
    r"injured|wounded|hurt|injuries|hospitali[sz]ed|treated\s+for\s+injuries|sustained\s+injuries"
)
_INJ_ACTIVE = r"injur(?:ed|ing|es)|wound(?:ed|ing|s)|hurt(?:ing)?|maim(?:ed|ing)"
_BUILDINGS = (
    r"homes|houses|buildings|structures|shanties|dwellings|shelters|huts|shops|residences"
    r"|apartments|properties|housing\s+units|schools"
)
_DESTROY = (
    r"destroyed|razed|flattened|gutted|burned\s+down|burnt\s+down|collapsed|levell?ed"
    r"|washed\s+away|swept\s+away|torched|reduced\s+to\s+rubble"
)

# Which verbs never take an object, so "5 killed" can't be read as "5 people killed someone".
TRANSITIVE = re.compile(rf"^(?:{_KILL_TRANS}|injured|wounded|hurt|rescued|evacuated)$", re.I)
# After a transitive verb, an object means active voice: "2 gunmen killed 5 villagers".
OBJECT_AFTER = re.compile(
    r"\s+(?:(?:at\s+least|more\s+than|some|about|around|nearly|almost|up\s+to)\s+)?"
    rf"(?:{NUMBER}|him|her|them|his|their|its|a|an|the|one|police|soldiers"
    rf"|civilians|people|residents|villagers)\b",
    re.I,
)
# The verb was followed by "or injured": a casualty count, not a death toll.
CASUALTY_AFTER = re.compile(r"\s+(?:or|and|and/or)\s+(?:injur|wound|hurt|missing)", re.I)
# "was injured and later died" reports a death, not an injury.
DIED_AFTER = re.compile(r"\s+and\s+(?:later\s+|subsequently\s+)?(?:died|succumbed)", re.I)
HEDGE = re.compile(
    r"\b(?:may|might|could|feared|fears?|believed|thought|possibly|likely|expected|estimated\s+to"
    r"|unconfirmed|rumou?red|would|will|threaten\w*|risk|if)\b",
    re.I,
)
BACKGROUND = re.compile(
    r"\b(?:since\s+(?:the\s+)?(?:\w+\s+)?(?:began|start|\d|january|february|march|april|may|june|july"
    r"|august|september|october|november|december|\w+\s+\d{4})|in\s+the\s+(?:past|last)\s+(?:few\s+)?"
    r"(?:days|weeks|months|years|decades?)|this\s+year|last\s+year|so\s+far\s+this|earlier\s+this"
    r"|previous|earlier|had\s+stood|for\s+decades|in\s+history|war\s+that|conflict\s+that"
    r"|total\s+since|just\s+last|in\s+a\s+separate\s+\w+|separately|another\s+(?:attack|incident)|last\s+month|last\s+week|ago|anniversary)\b"
    r"|\b(?:in|since)\s+####(?!#)",
    re.I,
)
# "the attack, which killed 12" refers back to an earlier event.
RELATIVE_BEFORE = re.compile(
    r"\b(?:which|that)\s+(?:had\s+|has\s+|have\s+)?(?:(?:left|killed|claimed)\s+"
    r"(?:at\s+least\s+|more\s+than\s+|some\s+|about\s+|over\s+)?)?$",
    re.I,
)
# "Jan and several fighters were killed": a named person before the list counts one more.
ONE_MORE_BEFORE = re.compile(
    r"(?:(?-i:\b[A-Z][a-z]+)|\b(?:commander|leader|chief|officer|soldier|man|woman|boy|girl|driver"
    r"|governor|mayor|son|daughter|husband|wife|brother|sister|father|mother))\s+and\s+$"
)
CUMULATIVE = re.compile(
    r"\b(?:toll|so\s+far|now|in\s+total|total\s+of|altogether|in\s+all|risen|rose|climbed|rises"
    r"|climbs|reached|cumulative|cumulatively|overall|collectively|combined)\b",
    re.I,
)
# The same, case-sensitive, for lower-cased text: IGNORECASE makes these scans several times slower.
BACKGROUND_LOW = re.compile(BACKGROUND.pattern)
CUMULATIVE_LOW = re.compile(CUMULATIVE.pattern)
HEDGE_LOW = re.compile(HEDGE.pattern)
RELATIVE_BEFORE_LOW = re.compile(RELATIVE_BEFORE.pattern)
# Literal stems (lower case) of which a sentence must contain one to be read for facts.
_TRIGGER_WORDS = (
    "kill dead death died dies die fatal body bodies lives slain slew murder execut perish drown"
    " succumb behead lynch assassin massacr gunn toll injur wound hurt hospital maim missing"
    " unaccounted displac homeless fled flee relocat evacu trapp rescu destroy razed flatten"
    " gutted levelled leveled torched burn collaps rubble swept washed casualt coded fatal flee"
    " mourn tribute funeral vigil buri respectively homes victim"
)
TRIGGERS = [*_TRIGGER_WORDS.split(), "no one", "nobody"]
MAGNITUDE_HINTS = ("magnitude", "quake", "richter", "tremor", "temblor", "seismic", "shock")
AREA_HINTS = ("hectare", "acre", "km2", "km²", "square", "sq")
ZERO_HINTS = ("no one", "nobody", "casualt", "fatal", "death", "lives", "injur", "without")


@dataclass(frozen=True, slots=True)
class FactRule:
    """One way a fact is written. ``value`` fixes the number for number-less phrasings."""

    field: str
    regex: re.Pattern[str] | LazyPattern  # table rules compile on first use (see lazy_re)
    keywords: tuple[str, ...] = ()  # the rule runs only on sentences containing one of these
    value: float | None = None
    cumulative: bool = False
    coded: bool = False
    passive: bool = False  # the match ends with a verb that must not take an object
    # How the rule is run over a sentence (for speed; the matches are the same): "scan" tries every
    # position, "number" only where a number starts, "keyword" only in a window around one of
    # its keywords (for patterns that can start far from any literal, such as a name).
    anchor: str = "scan"
    # For a "keyword" rule: a zero-width regex that matches at every position where a match of
    # the rule can start (and maybe others); the rule is then tried only there.
    start_at: re.Pattern[str] | None = None


def _rule(field: str, pattern: str, keywords: str, **kwargs: object) -> FactRule:
    return FactRule(
        field,
        LazyPattern(pattern, re.IGNORECASE),
        tuple(keywords.split()),
        **kwargs,  # type: ignore[arg-type]
    )


def _object(field: str, verbs: str, keywords: str, tail: str = "") -> FactRule:
    """'<verb> <numbers> <noun phrase>': "killing 3 soldiers and 2 civilians"."""
    return _rule(field, rf"\b(?:{verbs})\s+(?:{QUAL})(?P<n>{NLIST_GREEDY}){tail}", keywords)


def _left(field: str, state: str, keywords: str) -> FactRule:
    """'left/leaving <numbers> <state>': "leaving 12 dead", "left 8,000 people homeless"."""
    return _rule(
        field,
        rf"\b(?:left|leaving|leaves|leave|rendered|rendering|made|making)\s+(?:{QUAL})"
        rf"(?P<n>{NLIST})\s+(?:{state})\b",
        keywords,
    )


# "a dozen", "a number of": quantities, not one person.
_NOT_ONE = (
    r"(?!(?:dozen|few|couple|handful|number|total|score|series|lot|group|family|crowd|hundred"
    r"|thousand|million)\b)"
)


# Where a ``_single`` match can start: "a"/"an"/"one"/"he"/"she" and a space, two capitalised
# words, or "caus"/"result"/"led ".
SINGLE_START = re.compile(
    r"\b(?=(?i:(?:an?|one|s?he)\s|caus|result|led\s)|[A-Z][a-z]+\s+[A-Z][a-z])"
)


def _single(field: str, verbs: str, keywords: str) -> FactRule:
    """'a/an <noun phrase> was <verb>': "a police officer was shot dead" -> 1; also a named
    subject ("Ahmed Ali, a local leader, was killed") and "the death of a man"."""
    return _rule(
        field,
        rf"(?:(?<!\bno\s)\b(?:an?|one|he|she)\s+{_NOT_ONE}(?:{NPW}\s+){{0,6}}?"
        rf"|(?-i:\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{1,2}})\s*(?:,[^,.;]{{3,60}},\s*)?)"
        rf"(?:(?:was|is|has\s+been|had\s+been|got|later|also|reportedly|allegedly|subsequently"
        rf"|eventually|seriously|critically|fatally|(?:injured|wounded|shot|stabbed|attacked|beaten"
        rf"|hospitali[sz]ed|tortured|abducted|kidnapped)\s+and)\s+)*(?:{verbs})\b"
        rf"|\b(?:caus\w+|result\w*\s+in|led\s+to)\s+the\s+(?:\w+\s+)?deaths?\s+(?:[\w#]+\s+){{0,3}}?"
        rf"of\s+(?:an?|one)\s",
        keywords,
        value=1.0,
        passive=True,
        anchor="keyword",
        start_at=SINGLE_START,
    )


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
