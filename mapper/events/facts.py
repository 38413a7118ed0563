"""Facts from an article's title and text -> Facts (killed, injured, ..., magnitude, area burned).

Rules (``fact_patterns``) propose candidates; ``_choose`` (in ``fact_choice``) keeps one per fact:
an explicit coding note first, then the latest cumulative toll ("death toll rose to"), else the
lead's figure. Counts joined in one clause are summed ("3 soldiers and 2 civilians were killed"
-> 5); separate reports are not. Hedged or background figures ("may have", "since 2019") count
only when nothing else does. Unknown stays None; an explicit "no casualties" gives 0.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

import ahocorasick_rs

from mapper.events import fact_patterns as fp
from mapper.events import literals
from mapper.events.cues import literal_prefixes
from mapper.events.fact_choice import Candidate, _choose, _round_half_up, _sum_numbers
from mapper.events.fact_measures import _ZERO_STARTS, _area_burned, _magnitude, _match_at
from mapper.events.fact_scan import (
    _CASE_ODD,
    _SUBJECT_RULES,
    KEYWORD_REACH,
    KEYWORD_TAIL,
    MAX_SENTENCE,
    MAX_START_LITERALS,
    _anchored,
    _find_all,
    _sentences_with,
)
from mapper.events.numbers import NUMBER_LOW_RE, NUMBER_RE, parse_number
from mapper.events.text import mask_non_counts
from mapper.models import COUNT_FACTS, Facts

_COUNT_FIELDS = COUNT_FACTS


@dataclass(frozen=True, slots=True)
class FactResult:
    facts: Facts
    evidence: tuple[int, int] | None  # span of the sentence that reports the main fact (body)
    candidates: tuple[Candidate, ...]


class FactExtractor:
    """Finds facts in text. Stateless apart from the compiled rules; reuse one instance."""

    def __init__(self, rules: tuple[fp.FactRule, ...] = fp.FACT_RULES) -> None:
        self.rules = rules
        # One automaton finds trigger stems and rule keywords; a sentence is read only if it holds
        # a trigger, and a rule runs only if the sentence holds one of its keywords.
        keywords = {k for rule in rules for k in rule.keywords}
        # The subject verbs' literals too: where the last one stands bounds the subject search.
        self._literals = sorted(set(fp.TRIGGERS) | keywords | set(fp.SUBJECT_VERB_LITERALS))
        self._is_trigger = [lit in fp.TRIGGERS for lit in self._literals]
        self._is_verb = [lit in fp.SUBJECT_VERB_LITERALS for lit in self._literals]
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._literals, matchkind=ahocorasick_rs.MatchKind.Standard
        )
        self._unkeyed = [i for i, rule in enumerate(rules) if not rule.keywords]
        # A "scan" rule whose matches all start with one of a few literals is tried only where one
        # of them occurs (cut at the first space, which the pattern reads as any whitespace).
        # Read on a rule's first use (parsing a pattern costs about half of compiling it).
        self._starts: dict[int, tuple[str, ...] | None] = {}
        self._by_keyword: dict[str, list[int]] = {}
        self._rule_sets: dict[frozenset[str], list[fp.FactRule]] = {}
        for i, rule in enumerate(rules):
            for keyword in rule.keywords:
                self._by_keyword.setdefault(keyword, []).append(i)

    def candidates(self, text: str, *, in_title: bool = False) -> list[Candidate]:
        """All fact candidates in ``text`` in reading order."""
        low = text.lower()
        hits = self._automaton.find_matches_as_indexes(low, overlapping=True)
        if not any(self._is_trigger[i] for i, _, _ in hits):
            return []
        found: list[Candidate] = []
        # The shortcuts below read the lower-cased text for what the rules match ignoring case;
        # that holds unless the text has characters whose case forms differ in length or match
        # other letters ("İ", "ı", "ſ", the Kelvin sign): then every rule runs in full.
        exact = len(low) == len(text) and not any(c in text for c in _CASE_ODD)
        found_keys: set[str] | None = None
        if exact:
            # where numbers, money and month names can start (see ``literals``)
            lits = literals.scan(low)
            lit_starts = [h[1] for h in lits]
        literals_of = self._literals
        for (a, b), present, verbs in _sentences_with(text, hits, literals_of, self._is_verb):
            b = min(b, a + MAX_SENTENCE)
            if exact:
                found_keys = present  # the keywords the scan found in this sentence
                seg = literals.sentence_hits(lits, lit_starts, a, b)
                raw_sent = text[a:b]
                sent = literals.mask_non_counts(raw_sent, raw_sent.lower(), seg, a)
                low_sent = sent.lower()
                numbers = literals.number_starts(low_sent, seg, a)
            else:
                sent = mask_non_counts(text[a:b])
                low_sent = sent.lower()
                numbers = [
                    m.start()
                    for m in (NUMBER_LOW_RE if len(low_sent) == len(sent) else NUMBER_RE).finditer(
                        low_sent if len(low_sent) == len(sent) else sent
                    )
                ]
            if exact and numbers:
                # The subject pattern ends with a verb: no number after the last one can open it.
                # ``max(map(low_sent.rfind, fp.SUBJECT_VERB_LITERALS))`` from the scan's hits
                last_verb = -1
                for k, start in reversed(verbs):
                    literal = literals_of[k]
                    if start + len(literal) <= b and low_sent.startswith(literal, start - a):
                        last_verb = start - a
                        break
                raw = self._subject_matches(sent, [n for n in numbers if n <= last_verb])
            else:
                raw = self._subject_matches(sent, numbers)
            starts_at: dict[re.Pattern[str], list[int]] = {}
            found_at: dict[str, list[int]] = {}  # a start literal's places in this sentence
            for rule in self._rules_for(present):
                if exact and not numbers and rule.value is None and not rule.coded:
                    continue  # the rule reads a number and the sentence holds none
                starts = self._start_literals(rule) if exact else None
                if starts is not None:
                    raw.extend(_anchored(rule, sent, low_sent, starts, found_at))
                    continue
                single = None
                if rule.start_at is not None:
                    single = starts_at.get(rule.start_at)
                    if single is None:
                        single = [m.start() for m in rule.start_at.finditer(sent)]
                        starts_at[rule.start_at] = single
                raw.extend(self._matches(rule, sent, numbers, low_sent, found_keys, single))
            if not raw:
                continue
            # Read once per sentence, and only for a sentence that gives candidates.
            context = (
                fp.BACKGROUND_LOW.search(low_sent) is not None,
                fp.CUMULATIVE_LOW.search(low_sent) is not None,
            )
            for rule, m in raw:
                cand = self._candidate(
                    rule, m, sent, a, (a, b), in_title, context, low_sent if exact else None
                )
                if cand is not None:
                    found.append(cand)
        found.sort(key=lambda c: c.start)
        return found

    def _start_literals(self, rule: fp.FactRule) -> tuple[str, ...] | None:
        """Literals (lower case) one of which starts every match of a "scan" rule, or None."""
        key = id(rule)
        if key not in self._starts:
            prefixes = literal_prefixes(rule.regex.pattern) if rule.anchor == "scan" else None
            cut = {s.split(" ", 1)[0] for s in prefixes or ()}
            ok = prefixes is not None and len(cut) <= MAX_START_LITERALS and all(cut)
            self._starts[key] = tuple(sorted(cut)) if ok else None
        return self._starts[key]

    def _rules_for(self, present: set[str]) -> list[fp.FactRule]:
        """The rules to run on a sentence holding these literals, in table order."""
        # Keyed by the keywords alone: the same few combinations recur sentence after sentence.
        keys = frozenset(k for k in present if k in self._by_keyword)
        rules = self._rule_sets.get(keys)
        if rules is None:
            wanted = set(self._unkeyed)
            for literal in keys:
                wanted.update(self._by_keyword[literal])
            rules = [self.rules[i] for i in sorted(wanted)]
            if len(self._rule_sets) >= 4096:
                self._rule_sets.clear()
            self._rule_sets[keys] = rules
        return rules

    @staticmethod
    def _matches(
        rule: fp.FactRule,
        sent: str,
        numbers: list[int],
        low: str | None = None,
        found_keys: set[str] | None = None,
        single: list[int] | None = None,
    ) -> list[tuple[fp.FactRule, re.Match[str]]]:
        """Non-overlapping matches of a rule, left to right, as ``finditer`` would give them."""
        if rule.anchor == "scan":
            return [(rule, m) for m in rule.regex.finditer(sent)]
        out = []
        end = -1
        if rule.anchor == "number":
            for start in numbers:
                if start >= end and (m := rule.regex.match(sent, start)) is not None:
                    out.append((rule, m))
                    end = m.end()
            return out
        if low is None:
            low = sent.lower()
        # A keyword the scan of the whole text did not find is not in the sentence either.
        keywords = rule.keywords
        if found_keys is not None:
            keywords = tuple(k for k in keywords if k in found_keys)
        windows = sorted(
            (max(0, i - KEYWORD_REACH), min(len(sent), i + len(k) + KEYWORD_TAIL))
            for k in keywords
            for i in _find_all(low, k)
        )
        for start, stop in windows:
            if stop <= end:
                continue
            if single is None:
                m = rule.regex.search(sent, max(start, end), stop)
            else:
                # every match starts where ``rule.start_at`` matched: try only there
                m = None
                for i in range(bisect_left(single, max(start, end)), len(single)):
                    if single[i] >= stop:
                        break
                    if (m := rule.regex.match(sent, single[i], stop)) is not None:
                        break
            if m is not None:
                out.append((rule, m))
                end = m.end()
        return out

    @staticmethod
    def _subject_matches(sent: str, numbers: list[int]) -> list[tuple[fp.FactRule, re.Match[str]]]:
        """'<numbers> <noun phrase> <aux> <verb>' tried at each number (one regex for all facts)."""
        out = []
        consumed = -1
        for start in numbers:
            if start < consumed or sent[max(0, start - 3) : start].lower() == "no ":
                continue
            m = fp.SUBJECT.match(sent, start)
            if m is None:
                continue
            consumed = m.end()
            field = next(f for f in fp.SUBJECT_FIELDS if m.group(f))
            verb = m.group("v")
            if fp.TRANSITIVE.match(verb) and fp.OBJECT_AFTER.match(sent, m.end()):
                continue  # active voice: "2 gunmen killed 5 villagers" counts the victims later
            out.append((_SUBJECT_RULES[field], m))
        return out

    @staticmethod
    def _candidate(
        rule: fp.FactRule,
        m: re.Match[str],
        sent: str,
        offset: int,
        span: tuple[int, int],
        in_title: bool,
        context: tuple[bool, bool],
        low: str | None = None,
    ) -> Candidate | None:
        """The candidate a rule's match gives, or None. ``low``: the sentence lower-cased (same
        length, nothing that folds oddly) when the faster lower-case patterns may read it."""
        verb_last = rule.passive or rule.regex is fp.SUBJECT
        if (
            verb_last
            and rule.field in ("killed", "injured")
            and fp.CASUALTY_AFTER.match(sent, m.end())
        ):
            return None
        if rule.passive and fp.OBJECT_AFTER.match(sent, m.end()):
            return None
        if rule.field == "injured" and fp.DIED_AFTER.match(sent, m.end()):
            return None
        if rule.value is not None:
            value, vague = rule.value, False
        else:
            between = sent[max(0, m.start() - 8) : m.start()].lower().endswith("between ")
            value, vague = _sum_numbers(m.group("n"), between)
            if value is None:
                return None
            start = m.start()
            # the pattern ends "\\s+and\\s+$": without that no search is needed
            if (
                start
                and sent[start - 1].isspace()
                and sent[max(0, start - 40) : start].rstrip().endswith("and")
                and fp.ONE_MORE_BEFORE.search(sent, max(0, start - 40), start)
            ):
                value += 1
        if rule.coded and m.group("d"):
            divisor = parse_number(m.group("d"))
            if divisor:
                value = float(_round_half_up(value / divisor))
        # "the attack, which killed 12" and "an attack that left 100 dead" refer back
        if low is None:
            hedged = fp.HEDGE.search(sent, max(0, m.start() - 50), m.end()) is not None
            background = (
                context[0]
                or fp.RELATIVE_BEFORE.search(sent, max(0, m.start() - 40), m.start()) is not None
            )
        else:
            hedged = fp.HEDGE_LOW.search(low, max(0, m.start() - 50), m.end()) is not None
            window = low[max(0, m.start() - 40) : m.start()]
            background = context[0] or (
                ("which" in window or "that" in window)
                and fp.RELATIVE_BEFORE_LOW.search(low, max(0, m.start() - 40), m.start())
                is not None
            )
        return Candidate(
            field=rule.field,
            value=value,
            in_title=in_title,
            start=offset + m.start() + (-1_000_000 if in_title else 0),
            sentence=span,
            weak=hedged or background,
            vague=vague,
            cumulative=rule.cumulative or context[1],
            coded=rule.coded,
            background=background,
        )

    def extract(
        self, text: str, title: str = "", *, hazard: bool = False, seismic: bool = False
    ) -> FactResult:
        """Extract Facts from an article's body and title (the title fills gaps only).

        ``hazard`` says the event is a natural hazard, where people who fled count as evacuated
        (elsewhere as displaced); ``seismic`` looks for a magnitude even without a quake word.
        """
        cands = self.candidates(text)
        if title:
            cands = self.candidates(title, in_title=True) + cands
        fled_as = "evacuated" if hazard else "displaced"
        cands = [replace(c, field=fled_as) if c.field == "fled" else c for c in cands]
        values: dict[str, int | float | None] = {}
        evidence: tuple[int, int] | None = None
        for field in _COUNT_FIELDS:
            best = _choose([c for c in cands if c.field == field])
            if best is not None:
                values[field] = round(best.value)
                if evidence is None and not best.in_title:
                    evidence = best.sentence
        low = text.lower()
        # The case-sensitive forms read the lower-cased text (see ``candidates`` on when it may).
        exact = len(low) == len(text) and not any(c in text for c in _CASE_ODD)
        if any(h in low for h in fp.ZERO_HINTS):
            zero_killed, zero_injured = (
                (fp.ZERO_KILLED_LOW, fp.ZERO_INJURED_LOW)
                if exact
                else (fp.ZERO_KILLED, fp.ZERO_INJURED)
            )
            if exact:
                # every match opens with "no" or "without" at a word start: tried only there
                if values.get("killed") is None and _match_at(zero_killed, low, _ZERO_STARTS):
                    values["killed"] = 0
                if values.get("injured") is None and _match_at(zero_injured, low, _ZERO_STARTS):
                    values["injured"] = 0
            else:
                if values.get("killed") is None and zero_killed.search(text):
                    values["killed"] = 0
                if values.get("injured") is None and zero_injured.search(text):
                    values["injured"] = 0
        if (
            seismic
            or any(h in low for h in fp.MAGNITUDE_HINTS)
            or any(h in title.lower() for h in fp.MAGNITUDE_HINTS)
            or _match_at(fp.MAGNITUDE_ALERT, title, ("M",))
            or _match_at(fp.MAGNITUDE_ALERT, text, ("M",), 400)
        ):
            values["magnitude"] = _magnitude(text) or (_magnitude(title) if title else None)
        if any(h in low for h in fp.AREA_HINTS):
            values["area_burned_ha"] = _area_burned(text, low if exact else None)
        return FactResult(Facts(**values), evidence, tuple(cands))
