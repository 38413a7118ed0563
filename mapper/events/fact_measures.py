"""Text -> the measured facts: an earthquake's magnitude and a fire's burned area; and
``_match_at``, a search tried only where a pattern's opening literals stand."""

from __future__ import annotations

import re

from mapper.events import fact_patterns as fp
from mapper.events.numbers import parse_number
from mapper.events.text import sentence_spans

MAGNITUDE_LEAD = 400  # characters read whole for "M 6.1 - 10 km SW of ..."
MAGNITUDE_REACH = 120  # characters either side of a quake word read for its magnitude
_ZERO_STARTS = ("no", "without")


def _match_at(
    pattern: re.Pattern[str] | fp.LazyPattern,
    text: str,
    starts: tuple[str, ...],
    endpos: int | None = None,
) -> bool:
    """``pattern.search(text, 0, endpos) is not None`` for a pattern whose every match opens
    with ``\\b`` and one of the literals ``starts`` (each beginning with a word character)."""
    stop = len(text) if endpos is None else min(endpos, len(text))
    for literal in starts:
        i = text.find(literal, 0, stop)
        while i >= 0:
            if (i == 0 or not ((c := text[i - 1]).isalnum() or c == "_")) and pattern.match(
                text, i, stop
            ):
                return True
            i = text.find(literal, i + 1, stop)
    return False


def _magnitude(text: str) -> float | None:
    """The first magnitude in ``text``. A magnitude is written next to a quake word or "M", so
    only the lead (where an alert's "M 6.1 -" stands) and windows around those words are read."""
    low = text.lower()
    windows = [(0, min(len(text), MAGNITUDE_LEAD))]
    for hint in fp.MAGNITUDE_HINTS:
        i = low.find(hint)
        while i >= 0:
            windows.append((max(0, i - MAGNITUDE_REACH), i + len(hint) + MAGNITUDE_REACH))
            i = low.find(hint, i + 1)
    windows.sort()
    best: tuple[int, float] | None = None
    done = -1
    for start, stop in windows:
        if stop <= done:
            continue
        for cut in fp.MAGNITUDE.finditer(text, max(start, done), stop):
            m = fp.MAGNITUDE.match(text, cut.start()) or cut  # not cut short by the window
            value = float(next(g for g in m.groups() if g))
            if 1.0 <= value < 10.0 and (best is None or m.start() < best[0]):
                best = (m.start(), value)
                break
        done = stop
        if best is not None and best[0] < done:
            break
    return best[1] if best else None


def _area_burned(text: str, low: str | None = None) -> float | None:
    """The first burned area in ``text``. ``low``, the text lower-cased (same length, no
    characters that fold oddly), is read with the case-sensitive patterns if given."""
    read, context, area = (
        (low, fp.AREA_CONTEXT_LOW, fp.AREA_LOW)
        if low is not None
        else (text, fp.AREA_CONTEXT, fp.AREA)
    )
    for a, b in sentence_spans(text):  # split the text itself: a capital can end a sentence
        sent = read[a:b]
        if not context.search(sent):
            continue
        for m in area.finditer(sent):
            value = parse_number(m.group("n"))
            if value is None:
                continue
            unit = m.group("u").lower()
            if unit.startswith("acre"):
                value *= fp.HA_PER_UNIT["acres"]
            elif "mi" in unit:
                value *= fp.HA_PER_UNIT["mi"]
            elif "k" in unit:
                value *= fp.HA_PER_UNIT["km"]
            return round(value, 1)
    return None
