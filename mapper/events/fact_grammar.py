"""Regex fragments the fact patterns share -> strings: qualifiers ("at least"), numbers and lists
of numbers, noun-phrase words, auxiliaries, and the verbs and nouns of each kind of fact."""

from __future__ import annotations

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
