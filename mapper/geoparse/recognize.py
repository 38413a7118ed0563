"""Recognise place mentions in text: gazetteer-first, longest match, with precision filters.

text -> list[Mention]. Candidate spans start and end on a capitalised token and are looked up
token by token in the gazetteer's name index (a prefix set stops the search early), so cost is
linear in the text. Only the capitalised tokens whose word can begin an indexed name are tried:
scan.py finds the capitalised tokens in one regular-expression pass that skips the rest of the
text inside the engine, and remembers each word's answer. The tokens after a candidate are read
one by one while the name can go on, and the words a filter asks about ("is this word written
in lower case elsewhere?") are searched for when asked, so no list of every token is built.
Filters drop common words, person names and other false hits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from mapper.gazetteer import Gazetteer, name_key
from mapper.geoparse.lookup import POSSESSIVE, Mention, NameLookup, mention_of
from mapper.geoparse.scan import (
    Capitals,
    LowercaseWords,
    StartWords,
    capital_tokens,
    name_prefixes,
)
from mapper.geoparse.settlements import not_a_person_pair, supported_villages, unit_candidates
from mapper.geoparse.wordlists import CONNECTORS, ORG_WORDS, PERSON_TITLES, SUFFIX_WORDS

MAX_TOKENS = 6
# Word pairs remembered; past this the memory starts over (a batch's vocabulary is smaller).
_MEMORY = 1 << 18
# Every token starts with a letter: the lookahead lets the engine pass other characters with one
# test instead of trying each alternative there (the tokens found are the same).
_TOKEN = re.compile(r"(?=[^\W\d_])(?:(?:[A-Z]\.){2,}|(?:St|Mt|Ft)\.|[^\W\d_]+(?:['’\-][^\W\d_]+)*)")

_SPEECH_AFTER = re.compile(r"\s+(said|says|told|added|wrote|argued|claimed)\b")
# "Police in Goma said", "the mayor of Mosul said": after these words the name before "said"
# is where the speakers are, not a speaker. Matched against the few characters before it.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|of|outside|inside|across|around)\s+\Z")


@dataclass(frozen=True, slots=True)
class _DocumentWords:
    """What the whole text says about its words, computed once per text."""

    lowercase: Container[str]  # words the text writes in lower case somewhere
    name_parts: frozenset[str]  # words it uses inside longer proper names


def _load_words(name: str) -> frozenset[str]:
    text = (resources.files("mapper.gazetteer") / "data" / name).read_text(encoding="utf-8")
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
        caps = capital_tokens(_TOKEN, text)
        doc = _DocumentWords(
            lowercase=LowercaseWords(_TOKEN, text), name_parts=self._name_parts(text, caps)
        )
        mentions: list[Mention] = []
        villages: list[tuple[Mention, int, bool]] = []  # longest matches only villages bear
        consumed = 0  # where the text after the previous match starts
        # A token no name can start at yields no match, exactly as trying it would.
        for c in self.start_words.candidates(caps.words):
            if caps.starts[c] < consumed:
                continue  # inside the previous match
            match = self._longest_match(text, caps, c, villages)
            if match is None:
                continue
            mention, consumed, single = match
            if self._keep(text, caps, c, single, mention, doc):
                mentions.append(mention)
        if villages:
            mentions = supported_villages(
                self.gazetteer,
                text,
                mentions,
                villages,
                lambda mention, c, single: self._keep(text, caps, c, single, mention, doc),
                Mention,
            )
        return mentions

    def _longest_match(
        self, text: str, caps: Capitals, c: int, villages: list[tuple[Mention, int, bool]]
    ) -> tuple[Mention, int, bool] | None:
        """The longest name at capitalised token c: (mention, where the tokens it took end,
        whether it is one token). Names only villages bear go to ``villages`` instead.

        The words after the first are read one by one where the name can go on: a token right
        after one space (the space ends every token before it, so a match there is the
        tokenizer's own token).
        """
        first = caps.words[c]
        start, end = caps.starts[c], caps.ends[c]
        lookup = self.lookup
        facts = lookup.keys
        best: tuple[Mention, int, bool] | None = None
        key = name_key(first)
        found_spec, is_prefix = facts.get(key) or lookup.facts(key)
        if found_spec is not None:
            found = mention_of(text, start, end, found_spec)
            if found_spec[3]:
                villages.append((found, c, True))
            else:
                best = (found, end, True)
        last_end = end
        for _ in range(MAX_TOKENS - 1):
            # one space (or a non-breaking one) between the words of a name
            if not is_prefix or text[last_end : last_end + 1] not in (" ", "\u00a0"):
                break
            token = _TOKEN.match(text, last_end + 1)
            if token is None:
                break
            word = token.group()
            named = word[0].isupper() or word.isupper() or word in SUFFIX_WORDS
            # A lower-case word other than a connector ends the name whatever it would find.
            if not named and word.casefold() not in CONNECTORS:
                break
            key = f"{key} {name_key(word)}"
            found_spec, is_prefix = facts.get(key) or lookup.facts(key)
            last_end = token.end()
            if named and found_spec is not None:
                found = mention_of(text, start, last_end, found_spec)
                if found_spec[3]:
                    villages.append((found, c, False))
                else:
                    best = (found, last_end, False)
        if best is None and "-" in first:
            # "Russian-made", "Kabul-based": the part before the hyphen may be the place.
            cut = start + first.index("-")
            found = lookup.find(text, start, cut, name_key(text[start:cut]))
            kinds = self.gazetteer.kinds
            # a name only villages bear is not taken from a compound
            if found is not None and (
                found.demonym or any(kinds[e] != "village" for e in found.entries)
            ):
                best = (found, end, True)
        if best is not None:
            best = self._with_unit_word(text, *best)
        return best

    def _with_unit_word(
        self, text: str, mention: Mention, consumed: int, single: bool
    ) -> tuple[Mention, int, bool]:
        """ "Ayo LGA", "Ayo Township": the town stands for the unit named after it."""
        if mention.demonym:
            return mention, consumed, single
        end, towns = unit_candidates(
            self.gazetteer, text, mention.name, mention.end, mention.entries
        )
        if not towns:
            return mention, consumed, single
        # The unit word follows a space, so the mention now spans more than one token.
        return Mention(mention.start, end, text[mention.start : end], towns), end, False

    def _name_parts(self, text: str, caps: Capitals) -> frozenset[str]:
        """Words the text uses inside longer proper names ("John Kelly" -> Kelly, John).

        Once an article has said "John Kelly", a later bare "Kelly" is the person, not one of
        the towns called Kelly. Two capitalised tokens one space apart are next to each other.
        """
        parts: set[str] = set()
        words, starts, ends, pairs = caps.words, caps.starts, caps.ends, self._name_pairs
        for c in range(len(words) - 1):
            end = ends[c]
            if end + 1 == starts[c + 1] and text[end] == " ":
                pair = (words[c], words[c + 1])
                known = pairs.get(pair)
                if known is None:
                    if len(pairs) >= _MEMORY:
                        pairs.clear()
                    known = pairs[pair] = self._name_pair(*pair)
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
        caps: Capitals,
        c: int,
        single: bool,
        mention: Mention,
        doc: _DocumentWords,
    ) -> bool:
        """Precision filters for one candidate span (from capitalised token c, one token long
        or not)."""
        word = mention.name
        if name_key(word) in self.stopwords and not word.isupper():
            return False
        if single and self._common_word(text, mention, doc):
            return False
        # "BA", "MoD", "CNN": capitals that no place name is written as (datelines aside).
        acronym = word.isupper() and len(word) <= 4 and word not in self.gazetteer.acronyms
        if acronym and mention.start > 0 and text[mention.start - 1] != "\n":
            return False
        return not self._part_of_person_name(text, caps, c, mention)

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
            or (
                _SPEECH_AFTER.match(text, mention.end) is not None
                and _PLACE_BEFORE.search(text, max(0, mention.start - 12), mention.start) is None
            )
        )

    def _folded_only(self, mention: Mention) -> bool:
        """Whether the text's spelling matches the places only once diacritics are dropped."""
        g, key = self.gazetteer, name_key(mention.name)
        return all(
            name_key(g.names[e]) != key and not g.names[e].isascii() for e in mention.entries
        )

    def _part_of_person_name(self, text: str, caps: Capitals, c: int, mention: Mention) -> bool:
        """ "John Kirby", "Kim Jong Un", "Nelson Mandela": the place name is part of a person's."""
        profile = self.lookup.profile(mention.entries)
        if profile.any_broad:
            return False
        # Only a capitalised neighbour one space away counts: the previous capitalised token
        # ending right before that space, the next one starting right after it.
        start = caps.starts[c]
        if c > 0 and caps.ends[c - 1] + 1 == start and text[start - 1] == " ":
            previous = caps.words[c - 1]
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
        after = mention.end + 1
        if text[mention.end : after] != " ":
            return False
        following_at = bisect.bisect_left(caps.starts, after)
        if following_at == len(caps.starts) or caps.starts[following_at] != after:
            return False  # no token there, or one in lower case
        following = caps.words[following_at]
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
