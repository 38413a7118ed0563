"""The recognizer as it was before it skipped the text between capitalised tokens: every token
of the text listed, the longest match tried at every one. Kept here only as the reference
the fast recognizer must equal, mention for mention; it reads the recognizer's word lists,
gazetteer lookups and per-word filters, which both share.
"""

from __future__ import annotations

import itertools

from mapper.gazetteer import name_key
from mapper.geoparse import recognize as recognize_module
from mapper.geoparse.lookup import Mention, mention_of
from mapper.geoparse.recognize import Recognizer, _DocumentWords
from mapper.geoparse.settlements import not_a_person_pair, supported_villages, unit_candidates
from mapper.geoparse.wordlists import CONNECTORS, ORG_WORDS, PERSON_TITLES, SUFFIX_WORDS

Tokens = list[tuple[int, int]]


def reference_recognize(rec: Recognizer, text: str) -> list[Mention]:
    tokens = [m.span() for m in recognize_module._TOKEN.finditer(text)]
    doc = _DocumentWords(
        lowercase=frozenset(text[s:e] for s, e in tokens if text[s].islower()),
        name_parts=_name_parts(rec, text, tokens),
    )
    mentions: list[Mention] = []
    villages: list = []
    i = 0
    while i < len(tokens):
        match = _longest_match(rec, text, tokens, i, villages)
        if match is None:
            i += 1
            continue
        mention, next_i = match
        if _keep(rec, text, tokens, i, next_i, mention, doc):
            mentions.append(mention)
        i = next_i
    if villages:
        mentions = supported_villages(
            rec.gazetteer,
            text,
            mentions,
            villages,
            lambda m, i, next_i: _keep(rec, text, tokens, i, next_i, m, doc),
            Mention,
        )
    return mentions


def _name_parts(rec: Recognizer, text: str, tokens: Tokens) -> frozenset[str]:
    parts: set[str] = set()
    for (s1, e1), (s2, e2) in itertools.pairwise(tokens):
        if e1 + 1 != s2 or text[e1] != " ":
            continue
        first, second = text[s1:e1], text[s2:e2]
        if first[0].isupper() and second[0].isupper() and rec._name_pair(first, second):
            parts.update((first, second))
    return frozenset(parts)


def _longest_match(
    rec: Recognizer, text: str, tokens: Tokens, i: int, villages: list
) -> tuple[Mention, int] | None:
    start, end = tokens[i]
    if not text[start].isupper():
        return None
    lookup = rec.lookup
    best: tuple[Mention, int] | None = None
    key = ""
    for j in range(i, min(i + recognize_module.MAX_TOKENS, len(tokens))):
        tok_start, tok_end = tokens[j]
        if j > i and text[tokens[j - 1][1] : tok_start] not in (" ", "\u00a0"):
            break
        word = text[tok_start:tok_end]
        key = f"{key} {name_key(word)}" if key else name_key(word)
        found_spec, is_prefix = lookup.facts(key)
        if word[0].isupper() or word.isupper() or (j > i and word in SUFFIX_WORDS):
            if found_spec is not None:
                found = mention_of(text, start, tok_end, found_spec)
                if found_spec[3]:
                    villages.append((found, i, j + 1))
                else:
                    best = (found, j + 1)
        elif word.casefold() not in CONNECTORS:
            break
        if not is_prefix:
            break
    if best is None and "-" in text[start:end]:
        cut = start + text[start:end].index("-")
        found = lookup.find(text, start, cut, name_key(text[start:cut]))
        kinds = rec.gazetteer.kinds
        if found is not None and (
            found.demonym or any(kinds[e] != "village" for e in found.entries)
        ):
            best = (found, i + 1)
    if best is not None:
        mention, next_i = best
        if not mention.demonym:
            end, towns = unit_candidates(
                rec.gazetteer, text, mention.name, mention.end, mention.entries
            )
            if towns:
                while next_i < len(tokens) and tokens[next_i][0] < end:
                    next_i += 1
                best = Mention(mention.start, end, text[mention.start : end], towns), next_i
    return best


def _keep(
    rec: Recognizer,
    text: str,
    tokens: Tokens,
    i: int,
    next_i: int,
    mention: Mention,
    doc: _DocumentWords,
) -> bool:
    word = mention.name
    if name_key(word) in rec.stopwords and not word.isupper():
        return False
    if next_i - i == 1 and rec._common_word(text, mention, doc):
        return False
    acronym = word.isupper() and len(word) <= 4 and word not in rec.gazetteer.acronyms
    if acronym and mention.start > 0 and text[mention.start - 1] != "\n":
        return False
    return not _part_of_person_name(rec, text, tokens, i, next_i, mention)


def _part_of_person_name(
    rec: Recognizer, text: str, tokens: Tokens, i: int, next_i: int, mention: Mention
) -> bool:
    profile = rec.lookup.profile(mention.entries)
    if profile.any_broad:
        return False
    if i > 0 and text[tokens[i - 1][1] : tokens[i][0]] == " ":
        previous = text[tokens[i - 1][0] : tokens[i - 1][1]]
        folded = previous.casefold().rstrip(".")
        if (
            previous[0].isupper()
            and not not_a_person_pair(previous, mention.name)
            and (
                folded in PERSON_TITLES
                or (folded not in rec.stopwords and not rec._is_place_word(previous))
            )
        ):
            return True
    if next_i >= len(tokens) or text[mention.end : tokens[next_i][0]] != " ":
        return False
    following = text[tokens[next_i][0] : tokens[next_i][1]]
    person_like = profile.all_minor_under_100k or name_key(mention.name) in rec.first_names
    return (
        person_like
        and following[0].isupper()
        and following.casefold() not in ORG_WORDS
        and not not_a_person_pair(mention.name, following)
        and not rec._is_place_word(following)
    )
