"""Regexes and literals read around a fact's match -> voice, hedges, background, cumulative tolls,
and the trigger stems and hints that decide which sentences and facts are read at all."""

from __future__ import annotations

import re

from mapper.events.fact_grammar import _KILL_TRANS
from mapper.events.numbers import NUMBER

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
