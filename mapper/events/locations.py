"""Toponyms + text -> the roles places play in the event (event, origin, destination, affected,
mentioned).

The event place (the scene) is chosen by ``scene.choose_scene`` from these roles. Places that
only speak ("the White House said") are mentioned; places reached by the effects ("felt in
neighbouring X") are affected. Transfers (shipments, aid,
deportations) read "from X" / the sender before the verb as origin and "to X" as destination.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mapper.events.gates import LoweredPattern
from mapper.events.scene import choose_scene
from mapper.models import EventLocation, LocationRole, Toponym

# "X said", "X's police said"; not "X, witnesses said", where the comma ends X's clause.
_SPEAKER_AFTER = re.compile(
    r"^(?:['’]s?)?\s+(?:\w+\s+){0,2}?(?:said|says|say|announced|announces|reported|reports|told|claimed"
    r"|claims|stated|states|warned|warns|confirmed|confirms|accused|accuses|denied|denies|urged"
    r"|urges|condemned|condemns|called|calls|added|insisted|tweeted|spokes\w+|officials?\s+said)\b",
    re.IGNORECASE,
)
_SPEAKER_BEFORE = re.compile(
    r"(?:according\s+to|told|quoted\s+by|cited\s+by|reported\s+by|sources?\s+in|officials?\s+in"
    r"|spokes\w+\s+(?:for|in)|(?:ministry|government|embassy|authorities)\s+(?:of|in)"
    # where words are said: "announced the agreement in X", "told reporters in X"
    r"|(?:announced|said|told\s+reporters|speaking|briefing)\s+(?:[\w’'-]+\s+){0,3}?in)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_AFFECTED_BEFORE = re.compile(
    r"(?:neighbou?ring|felt\s+(?:as\s+far\s+(?:away\s+)?as|in|across|throughout)|shaking\s+\w+\s+in"
    r"|also\s+(?:hit|affected|struck)|spread\s+(?:to|into)|reached|as\s+far\s+as|parts\s+of"
    r"|affected\s+areas?\s+(?:of|in)|and\s+in)\s+(?:the\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?(?:\w+\s+)?$", re.IGNORECASE)
_TO_BEFORE = re.compile(
    r"\b(?:to|into|for|towards?|bound\s+for|docked\s+(?:at|in)|arriv\w*\s+(?:at|in)"
    r"|unloaded\s+(?:at|in)|landed\s+(?:at|in))\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}?$",
    re.I,
)
# A preposition right before the name: then it is not the subject that sends.
_IMMEDIATE_PREPOSITION = re.compile(
    r"\b(?:in|at|near|from|to|into|of|on|across)\s+(?:the\s+)?$", re.I
)
TRANSFER = re.compile(
    r"\b(?:ship(?:s|ped|ping|ments?)|sen[dt]s?|sending|deliver\w*|suppl(?:y|ies|ied|ying)|s[eo]ll(?:s|ing)?"
    r"|sold|export\w*|transfer\w*|provid\w*|donat\w*|deport\w*|extradit\w*|repatriat\w*|airlift\w*"
    r"|handed\s+over|aid\s+(?:to|for)|arms\s+(?:to|for)|carr(?:y|ying|ied)|transport\w*|flown"
    r"|docked|unloaded|loaded|deploy\w*|redeploy\w*|dispatch\w*)\b",
    re.IGNORECASE,
)


# The same patterns run on lower-cased windows (gates.py): the same matches, several times faster.
_AFFECTED_FAST = LoweredPattern(
    _AFFECTED_BEFORE,
    ("neighbo", "felt", "shaking", "also", "spread", "reached", "far", "parts", "affected", "and"),
)
_SPEAKER_AFTER_FAST = LoweredPattern(_SPEAKER_AFTER)
_SPEAKER_BEFORE_FAST = LoweredPattern(
    _SPEAKER_BEFORE,
    (
        *("according", "told", "quoted", "cited", "reported", "source", "official", "spokes"),
        *("ministry", "government", "embassy", "authorities", "announced", "said", "speaking"),
        "briefing",
    ),
)
_CONTEXT_LOWER = all(p.lowers for p in (_AFFECTED_FAST, _SPEAKER_AFTER_FAST, _SPEAKER_BEFORE_FAST))
_FROM_FAST = LoweredPattern(_FROM_BEFORE)
_TO_FAST = LoweredPattern(_TO_BEFORE)
_IMMEDIATE_FAST = LoweredPattern(_IMMEDIATE_PREPOSITION)


def _context_role(topo: Toponym, text: str, low: str | None = None) -> LocationRole | None:
    """Affected or a speaker from the words around; ``low``: the text lower-cased once when it
    is ASCII (its slices are then the windows lower-cased)."""
    if low is not None:
        before = low[max(0, topo.start - 40) : topo.start]
        if _AFFECTED_FAST.search_lowered(before):
            return "affected"
        if _SPEAKER_AFTER_FAST.match_lowered(
            low[topo.end : topo.end + 40]
        ) or _SPEAKER_BEFORE_FAST.search_lowered(before):
            return "mentioned"
        return None
    before = text[max(0, topo.start - 40) : topo.start]
    after = text[topo.end : topo.end + 40]
    if _AFFECTED_FAST.search(before):
        return "affected"
    if _SPEAKER_AFTER_FAST.match(after) or _SPEAKER_BEFORE_FAST.search(before):
        return "mentioned"
    return None


def _transfer_role(topo: Toponym, text: str, verbs: list[int]) -> LocationRole | None:
    """Origin/destination of a transfer whose verbs (offsets) are in the toponym's sentence."""
    before = text[max(0, topo.start - 30) : topo.start]
    if _FROM_FAST.search(before):
        return "origin"
    if any(v < topo.start for v in verbs) and _TO_FAST.search(before):
        return "destination"
    if any(v >= topo.end for v in verbs) and not _IMMEDIATE_FAST.search(before):
        return "origin"  # the sender is the subject: "Russia delivered ...", "Iranian arms sent"
    return None


def _transfer_verbs(text: str, topo: Toponym) -> list[int]:
    start = max(text.rfind(".", 0, topo.start), text.rfind("\n", 0, topo.start)) + 1
    end = text.find(". ", topo.end)
    end = len(text) if end < 0 else end
    return [m.start() for m in TRANSFER.finditer(text, start, end)]


def assign_roles(
    toponyms: Sequence[Toponym],
    text: str,
    *,
    evidence: tuple[int, int] | None = None,
    transfer: bool = False,
    title: str = "",
    article_year: int | None = None,
    category: str = "",
) -> tuple[EventLocation, ...]:
    """Give each toponym a role; exactly one ``event`` if any resolved non-demonym place exists.

    Args:
        toponyms: the article's place mentions, offsets into ``text``.
        text: the article text the offsets refer to.
        evidence: span of the sentence that reports the event, if known.
        transfer: the event moves something between places (arms, aid, deportations).
        title: the headline; places it names weigh more as the scene.
        article_year: the article's year; sentences about earlier years are background.
        category: the event's taxonomy id.
    """
    roles: list[LocationRole | None] = []
    low = text.lower() if _CONTEXT_LOWER and text.isascii() else None
    for topo in toponyms:
        role: LocationRole | None = None
        if transfer:
            verbs = _transfer_verbs(text, topo)
            if verbs:
                role = _transfer_role(topo, text, verbs)
        if role is None:
            role = _context_role(topo, text, low)
        roles.append(role)

    scene = choose_scene(
        toponyms,
        text,
        roles,
        title=title,
        evidence=evidence,
        article_year=article_year,
        category=category,
    )
    locations = [
        EventLocation(t.name, roles[i] or "mentioned", t.place, t.start, t.end)
        for i, t in enumerate(toponyms)
    ]
    if scene is not None:
        i = scene.index
        topo = toponyms[i]
        event = EventLocation(topo.name, "event", topo.place, topo.start, topo.end, scene.reason)
        if roles[i] in ("origin", "destination"):
            locations.append(event)  # keep the transfer role and also place the event there
        else:
            locations[i] = event
    return tuple(locations)
