"""Where a place name can start in a text, found in one pass instead of a lookup per token.

The recognizer tries a longest match only at a capitalised token whose word (case-folded, with
and without diacritics, a possessive or a "-based" suffix) begins some indexed name or demonym:
elsewhere no lookup can succeed. Which words can begin a name is decided once per word and kept,
so a batch pays for each distinct capitalised word once. The test is a superset of the lookups
the longest match makes, so the mentions found are exactly those of trying every token.

The capitalised tokens come from one regular-expression pass that passes the rest of the text
inside the engine (``capital_tokens``); whether the text writes a word in lower case is searched
for when asked (``LowercaseWords``). Both answer what the full token list would (tests hold them
equal to it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Container, Iterator
from itertools import accumulate, chain
from operator import itemgetter
from typing import NamedTuple

from mapper.gazetteer import Gazetteer, fold_accents, name_key
from mapper.gazetteer import name_prefixes as prefixes_of

# Where a token of the recognizer's tokenizer can start: not after a letter, nor after a letter
# and a joiner (then it would continue that token).
_STARTS_TOKEN = re.compile(r"(?<![^\W\d_])(?<![^\W\d_]['’\-])")
_POSSESSIVE = re.compile(r"['’]s?$")
# Distinct words remembered; past this the memory starts over (a batch's vocabulary is smaller).
_MEMORY = 1 << 18


class LowercaseWords(Container[str]):
    """``word in LowercaseWords(pattern, text)``: whether ``word`` is one of ``pattern``'s tokens
    in ``text`` and starts in lower case, worked out when asked: the recognizer asks about a
    few words of a text, so it searches for them rather than collecting every word. A hit
    counts where a token starts and is exactly ``word``.
    """

    __slots__ = ("_known", "_pattern", "_text")

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self._pattern = pattern
        self._text = text
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word[:1].islower():
            return False
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = self._find(word)
        return known

    def _find(self, word: str) -> bool:
        text, token, size = self._text, self._pattern, len(word)
        at = text.find(word)
        while at >= 0:
            if _STARTS_TOKEN.match(text, at):
                found = token.match(text, at)
                if found is not None and found.end() == at + size:
                    return True
            at = text.find(word, at + 1)
        return False


class Capitals(NamedTuple):
    """The capitalised tokens of a text, in order: their words, starts and ends."""

    words: list[str]
    starts: list[int]
    ends: list[int]


_NON_ASCII_UPPER = re.compile(r"(?=[^\x00-\x7f])[^\W\d_]")


# One pattern per set of non-ASCII capitals a text uses: nearly all news uses none or one or
# two, so a batch compiles a handful (a compile costs about as much as recognising a text).
@functools.lru_cache(maxsize=256)
def _capitals_pattern(token: str, upper: str) -> re.Pattern[str]:
    """Everything up to the next capitalised token, skipped inside the engine, then that token.

    An upper-case letter starts a token unless a letter, or a letter and a joiner, come right
    before it (then it continues a word: "iPhone", "al-Assad"): the dots of "U.S." and "St."
    end the token that holds them, which is skipped whole, so every other character passed is
    outside a capitalised token. ``token`` is the tokenizer's pattern (it starts at a letter),
    ``upper`` the text's upper-case letters as a character class.
    """
    inside_word = rf"(?<=[^\W\d_])[{upper}]|(?<=[^\W\d_]['’\-])[{upper}]"
    return re.compile(rf"((?>(?:[^{upper}]+|{inside_word})*))((?=[{upper}]){token})?")


def capital_tokens(pattern: re.Pattern[str], text: str) -> Capitals:
    """The tokens of ``pattern`` in ``text`` that start with an upper-case letter: what
    ``capitalised`` picks out of the full token list, found by one ``findall`` that passes
    the rest of the text without a Python step per token."""
    upper = "A-Z"
    if not text.isascii():
        # The text's own upper-case letters outside ASCII join the class: it is then exact
        # for this text ("str.isupper" of a token's first letter) and mostly stays "A-Z".
        extra = {c for c in _NON_ASCII_UPPER.findall(text) if c.isupper()}
        if extra:
            upper += re.escape("".join(sorted(extra)))
    pieces = _capitals_pattern(pattern.pattern, upper).findall(text)
    positions = list(accumulate(map(len, chain.from_iterable(pieces))))
    words = list(map(itemgetter(1), pieces))
    while words and not words[-1]:  # the text after the last one, and the empty match at the end
        words.pop()
    count = len(words)
    return Capitals(words, positions[0 : 2 * count : 2], positions[1 : 2 * count : 2])


def name_prefixes(gazetteer: Gazetteer) -> frozenset[str]:
    """Every proper token prefix of an indexed name or demonym ("new" of "new york")."""
    return prefixes_of(gazetteer.index, gazetteer.demonyms)


class StartWords:
    """Answers "can an indexed name begin with this word?", each word decided once."""

    def __init__(self, gazetteer: Gazetteer, prefixes: Collection[str]):
        self.gazetteer = gazetteer
        self.prefixes = prefixes
        self._known: dict[str, bool] = {}

    def candidates(self, words: list[str]) -> Iterator[int]:
        """The positions in ``words`` (capitalised tokens) at which a name can start."""
        known = self._known
        for i, word in enumerate(words):
            answer = known.get(word)
            if answer is None:
                if len(known) >= _MEMORY:
                    known.clear()
                answer = known[word] = self._can_start(word)
            if answer:
                yield i

    def _can_start(self, word: str) -> bool:
        key = name_key(word)
        keys = {key, _POSSESSIVE.sub("", key)}
        if "-" in word:  # "Kabul-based": the part before the hyphen
            part = name_key(word[: word.index("-")])
            keys.update((part, _POSSESSIVE.sub("", part)))
        keys.update([fold_accents(k) for k in keys])
        g = self.gazetteer
        return any(k in g.index or k in g.demonyms or k in self.prefixes for k in keys if k)
