"""Recognise place mentions in text: gazetteer-first, longest match, with precision filters.

text -> list[Mention]. Candidate spans start and end on a capitalised token and are looked up
token by token in the gazetteer's name index (a prefix set stops the search early), so cost is
linear in the text. Only the capitalised tokens whose word can begin an indexed name are tried
(scan.py finds them in one pass, remembering each word's answer). Filters drop common words,
person names and other false hits.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from mapper.gazetteer import Gazetteer, name_key
from mapper.geoparse.lookup import POSSESSIVE, Mention, NameLookup, mention_of
from mapper.geoparse.scan import StartWords, name_prefixes, tokenize
from mapper.geoparse.settlements import not_a_person_pair, supported_villages, unit_candidates
from mapper.geoparse.wordlists import CONNECTORS, ORG_WORDS, PERSON_TITLES, SUFFIX_WORDS

MAX_TOKENS = 6
# Word pairs remembered; past this the memory starts over (a batch's vocabulary is smaller).
_MEMORY = 1 << 18
# Every token starts with a letter: the lookahead lets the engine pass other characters with one
# test instead of trying each alternative there (the tokens found are the same).
_TOKEN = re.compile(r"(?=[^\W\d_])(?:(?:[A-Z]\.){2,}|(?:St|Mt|Ft)\.|[^\W\d_]+(?:['’\-][^\W\d_]+)*)")

_SPEECH_AFTER = re.compile(r"\s+(said|says|told|added|wrote|argued|claimed)\b")


@dataclass(frozen=True, slots=True)
class _DocumentWords:
    """What the whole text says about its words, computed once per text."""

    lowercase: frozenset[str]  # words the text writes in lower case somewhere
    name_parts: frozenset[str]  # words it uses inside longer proper names


def _load_words(name: str) -> frozenset[str]:
    text = (resources.files("mapper") / "data" / name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line and not line.startswith("#")
    )


class Recognizer:
    """Finds place mentions using a Gazetteer's name index."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.stopwords = _load_words("stopwords.txt")
        self.first_names = _load_words("first_names.txt")
        self._name_pairs: dict[tuple[str, str], bool] = {}

    @cached_property
    def prefixes(self) -> frozenset[str]:
        """Every proper token prefix of an indexed name ("new", "new york" for NY City...)."""
        return self.gazetteer.prefixes or name_prefixes(self.gazetteer)

    @cached_property
    def lookup(self) -> NameLookup:
        """Each name key's answer and each candidate set's profile, kept for the process."""
        return NameLookup(self.gazetteer, self.prefixes)

    @cached_property
    def start_words(self) -> StartWords:
        """Which words can begin a name (answers kept per word for the process's life)."""
        return StartWords(self.gazetteer, self.prefixes)

    def recognize(self, text: str) -> list[Mention]:
        tokens, caps, lowercase = tokenize(_TOKEN, text)
        doc = _DocumentWords(lowercase=lowercase, name_parts=self._name_parts(text, tokens, caps))
        mentions: list[Mention] = []
        villages: list[tuple[Mention, int, int]] = []  # longest matches only villages bear
        i = 0
        # A token no name can start at yields no match, exactly as trying it would.
        for candidate in self.start_words.candidates(text, tokens, caps):
            if candidate < i:
                continue  # inside the previous match
            i = candidate
            match = self._longest_match(text, tokens, i, villages)
            if match is None:
                i += 1
                continue
            mention, next_i = match
            if self._keep(text, tokens, i, next_i, mention, doc):
                mentions.append(mention)
            i = next_i
        if villages:
            mentions = supported_villages(
                self.gazetteer,
                text,
                mentions,
                villages,
                lambda mention, i, next_i: self._keep(text, tokens, i, next_i, mention, doc),
                Mention,
            )
        return mentions

    def _longest_match(
        self,
        text: str,
        tokens: list[tuple[int, int]],
        i: int,
        villages: list[tuple[Mention, int, int]],
    ) -> tuple[Mention, int] | None:
        """The longest name at token i; names only villages bear go to ``villages`` instead."""
        start, end = tokens[i]
        if not text[start].isupper():
            return None
        lookup = self.lookup
        facts = lookup.keys
        best: tuple[Mention, int] | None = None
        key = ""
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            tok_start, tok_end = tokens[j]
            if j > i:
                gap = text[tokens[j - 1][1] : tok_start]
                if gap not in (" ", "\u00a0"):
                    break
            word = text[tok_start:tok_end]
            key = f"{key} {name_key(word)}" if key else name_key(word)
            found_spec, is_prefix = facts.get(key) or lookup.facts(key)
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
            # "Russian-made", "Kabul-based": the part before the hyphen may be the place.
            cut = start + text[start:end].index("-")
            found = lookup.find(text, start, cut, name_key(text[start:cut]))
            kinds = self.gazetteer.kinds
            # a name only villages bear is not taken from a compound
            if found is not None and (
                found.demonym or any(kinds[e] != "village" for e in found.entries)
            ):
                best = (found, i + 1)
        if best is not None:
            best = self._with_unit_word(text, tokens, *best)
        return best

    def _with_unit_word(
        self, text: str, tokens: list[tuple[int, int]], mention: Mention, next_i: int
    ) -> tuple[Mention, int]:
        """ "Ayo LGA", "Ayo Township": the town stands for the unit named after it."""
        if mention.demonym:
            return mention, next_i
        end, towns = unit_candidates(
            self.gazetteer, text, mention.name, mention.end, mention.entries
        )
        if not towns:
            return mention, next_i
        while next_i < len(tokens) and tokens[next_i][0] < end:
            next_i += 1
        return Mention(mention.start, end, text[mention.start : end], towns), next_i

    def _name_parts(
        self, text: str, tokens: list[tuple[int, int]], caps: list[int]
    ) -> frozenset[str]:
        """Words the text uses inside longer proper names ("John Kelly" -> Kelly, John).

        Once an article has said "John Kelly", a later bare "Kelly" is the person, not one of
        the towns called Kelly. ``caps`` are the capitalised tokens' positions in ``tokens``.
        """
        parts: set[str] = set()
        for i, following in itertools.pairwise(caps):
            if following != i + 1:
                continue
            (s1, e1), (s2, e2) = tokens[i], tokens[following]
            if e1 + 1 != s2 or text[e1] != " ":
                continue
            first, second = text[s1:e1], text[s2:e2]
            pair = (first, second)
            known = self._name_pairs.get(pair)
            if known is None:
                if len(self._name_pairs) >= _MEMORY:
                    self._name_pairs.clear()
                known = self._name_pairs[pair] = self._name_pair(first, second)
            if known:
                parts.update(pair)
        return frozenset(parts)

    def _name_pair(self, first: str, second: str) -> bool:
        """Whether two capitalised words side by side can be a person's name (the words alone
        decide: answers are kept per pair for the process's life)."""
        if first.casefold() in self.stopwords or second.casefold() in ORG_WORDS:
            return False
        if not_a_person_pair(first, second):
            return False
        return not (self._is_place_word(first) or self._is_place_word(second))

    def _keep(
        self,
        text: str,
        tokens: list[tuple[int, int]],
        i: int,
        next_i: int,
        mention: Mention,
        doc: _DocumentWords,
    ) -> bool:
        """Precision filters for one candidate span (tokens i..next_i)."""
        word = mention.name
        if name_key(word) in self.stopwords and not word.isupper():
            return False
        if next_i - i == 1 and self._common_word(text, mention, doc):
            return False
        # "BA", "MoD", "CNN": capitals that no place name is written as (datelines aside).
        acronym = word.isupper() and len(word) <= 4 and word not in self.gazetteer.acronyms
        if acronym and mention.start > 0 and text[mention.start - 1] != "\n":
            return False
        return not self._part_of_person_name(text, tokens, i, next_i, mention)

    def _common_word(self, text: str, mention: Mention, doc: _DocumentWords) -> bool:
        """A one-word minor place that the text uses as an ordinary word or a name."""
        profile = self.lookup.profile(mention.entries)
        if mention.demonym or profile.any_major_kind:
            return False
        word = mention.name
        minor = profile.all_under_100k
        if profile.all_under_20k and self._folded_only(mention):
            # "Lack" at a sentence start is the word, not Łąck: English text drops diacritics
            # of places it knows, which are seldom this small.
            return True
        return (
            word.casefold() in self.stopwords
            or len(word) < 3
            or word.lower() in doc.lowercase  # the text uses it as a common word
            or (word.isupper() and len(word) <= 4)  # acronyms: NATO, CNN, ...
            or (word in doc.name_parts and minor)  # "John Kelly ... Kelly said"
            or _SPEECH_AFTER.match(text, mention.end) is not None
        )

    def _folded_only(self, mention: Mention) -> bool:
        """Whether the text's spelling matches the places only once diacritics are dropped."""
        g, key = self.gazetteer, name_key(mention.name)
        return all(
            name_key(g.names[e]) != key and not g.names[e].isascii() for e in mention.entries
        )

    def _part_of_person_name(
        self, text: str, tokens: list[tuple[int, int]], i: int, next_i: int, mention: Mention
    ) -> bool:
        """ "John Kirby", "Kim Jong Un", "Nelson Mandela": the place name is part of a person's."""
        profile = self.lookup.profile(mention.entries)
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
                    or (folded not in self.stopwords and not self._is_place_word(previous))
                )
            ):
                return True
        if next_i >= len(tokens) or text[mention.end : tokens[next_i][0]] != " ":
            return False
        following = text[tokens[next_i][0] : tokens[next_i][1]]
        # Only minor places or first names: "Cambridge Analytica" still names Cambridge.
        person_like = profile.all_minor_under_100k or name_key(mention.name) in self.first_names
        return (
            person_like
            and following[0].isupper()
            and following.casefold() not in ORG_WORDS
            and not not_a_person_pair(mention.name, following)
            and not self._is_place_word(following)
        )

    def _is_place_word(self, word: str) -> bool:
        """Whether a neighbouring word is itself a prominent place (so not a person's name)."""
        key = POSSESSIVE.sub("", name_key(word))
        if key in self.gazetteer.demonyms:
            return True
        return not self.lookup.profile(self.gazetteer.index.get(key, ())).all_minor_under_100k
