"""The fact rules tried only at their start literals find what a full scan finds."""

from __future__ import annotations

import random

from mapper.events import fact_patterns as fp
from mapper.events.facts import KEYWORD_REACH, KEYWORD_TAIL, FactExtractor, _anchored

from .speed_corpus import articles

_OWN = [
    "Officials said 12 were killed:\nDeath toll: 14, injured= 3 after the blast.",
    "Troops killed\ta gunman; forcing 300 families to flee and forced 40 to evacuate.",
    "A local shopkeeper was later shot dead. Ahmed Ali, a local leader, was killed on Monday.",
    "The fire razed 20 homes and burned down 3 schools; rescuers rescued 9 and evacuated 2,000.",
    "Mourners held a vigil for the 11 victims. He was injured and she was hurt; one was wounded.",
    "The flood caused the death of a boy. An elderly woman drowned; John Smith Brown died.",
]


def _texts() -> list[str]:
    rng = random.Random(5)
    out = list(_OWN)
    for title, text, _date in articles(60, seed=11):
        out.append(text)
        words = text.split(" ")
        rng.shuffle(words)
        out.append(" ".join(words))
        out.append(title)
    return out


def test_scan_rules_anchored_at_literals_match_finditer() -> None:
    extractor = FactExtractor()
    checked = 0
    for rule in fp.FACT_RULES:
        starts = extractor._start_literals(rule)
        if starts is None:
            continue
        checked += 1
        for text in _texts():
            want = [(m.start(), m.end()) for m in rule.regex.finditer(text)]
            got = [(m.start(), m.end()) for _, m in _anchored(rule, text, text.lower(), starts)]
            assert got == want, (rule.field, rule.regex.pattern[:60], text)
    assert checked >= 25


def test_single_rules_tried_at_subject_starts_match_window_search() -> None:
    rules = [r for r in fp.FACT_RULES if r.start_at is not None]
    assert len(rules) == 2
    found = 0
    for rule in rules:
        for text in _texts():
            starts = [m.start() for m in rule.start_at.finditer(text)]
            got = FactExtractor._matches(rule, text, [], text.lower(), None, starts)
            plain = FactExtractor._matches(rule, text, [], text.lower(), None, None)
            assert [m.span() for _, m in got] == [m.span() for _, m in plain], text
            found += len(plain)
            for i in range(0, len(text), 40):  # every match of the rule starts at a subject start
                m = rule.regex.search(text, max(0, i - KEYWORD_REACH), i + KEYWORD_TAIL)
                assert m is None or rule.start_at.match(text, m.start()) is not None
    assert found > 20


def test_lower_case_zero_and_area_patterns_agree_with_ignorecase() -> None:
    from mapper.events.facts import _area_burned

    texts = [
        *_texts(),
        "The Blaze Burned 1,200 Hectares. NO ONE WAS KILLED and No Injuries were reported.",
        "Firefighters said the fire had scorched 3.5 sq km; nobody was hurt, without casualties.",
        "The wildfire consumed 4,000 ACRES near the ridge. No deaths.",
    ]
    for text in texts:
        low = text.lower()
        assert _area_burned(text, low) == _area_burned(text), text
        for plain, lower in (
            (fp.ZERO_KILLED, fp.ZERO_KILLED_LOW),
            (fp.ZERO_INJURED, fp.ZERO_INJURED_LOW),
        ):
            want = plain.search(text)
            got = lower.search(low)
            assert (got.span() if got else None) == (want.span() if want else None), text
    assert _area_burned(texts[-3], texts[-3].lower()) == 1200.0
