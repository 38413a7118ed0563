"""Where a place name can start in a text, found in one pass instead of a lookup per token.

The recognizer tries a longest match only at a capitalised token whose word (case-folded, with
and without diacritics, a possessive or a "-based" suffix) begins some indexed name or demonym:
elsewhere no lookup can succeed. Which words can begin a name is decided once per word and kept,
so a batch pays for each distinct capitalised word once. The test is a superset of the lookups
the longest match makes, so the mentions found are exactly those of trying every token.

The text's lower-case words are collected by one regular-expression pass whose word boundaries
are the recognizer's tokens (a letter run, joined by apostrophes and hyphens).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from mapper.gazetteer import Gazetteer, fold_accents, name_key
from mapper.gazetteer import name_prefixes as prefixes_of

# Tokens of the recognizer's tokenizer that start with a-z, or with a letter outside ASCII: not
# preceded by a letter, nor by a letter and a joiner (then they would continue that token).
_TOKEN_START = r"(?<![^\W\d_])(?<![^\W\d_]['’\-])"
_WORD_REST = r"[^\W\d_]*(?:['’\-][^\W\d_]+)*"
_WORD_A_Z = re.compile(_TOKEN_START + r"[a-z]" + _WORD_REST)
_WORD_NON_ASCII = re.compile(_TOKEN_START + r"(?=[^\x00-\x7f])[^\W\d_]" + _WORD_REST)
_POSSESSIVE = re.compile(r"['’]s?$")
# Distinct words remembered; past this the memory starts over (a batch's vocabulary is smaller).
_MEMORY = 1 << 18


def lowercase_words(text: str) -> frozenset[str]:
    """The tokens of ``text`` that start with a lower-case letter."""
    words = frozenset(_WORD_A_Z.findall(text))
    if text.isascii():
        return words
    return words | {w for w in _WORD_NON_ASCII.findall(text) if w[0].islower()}


def capitalised(text: str, tokens: list[tuple[int, int]]) -> list[int]:
    """Positions in ``tokens`` of the tokens that start with an upper-case letter."""
    return [i for i, (start, _) in enumerate(tokens) if text[start].isupper()]


def tokenize(
    pattern: re.Pattern[str], text: str
) -> tuple[list[tuple[int, int]], list[int], frozenset[str]]:
    """The spans of ``pattern``'s tokens in ``text``, the capitalised ones' positions among
    them and the lower-case tokens' words, in one pass: the same answers as the spans,
    ``capitalised`` and ``lowercase_words`` (a test holds them equal).
    """
    tokens: list[tuple[int, int]] = []
    caps: list[int] = []
    lower: set[str] = set()
    for match in pattern.finditer(text):
        span = match.span()
        first = text[span[0]]
        if first.isupper():
            caps.append(len(tokens))
        elif first.islower():
            lower.add(match.group())
        tokens.append(span)
    return tokens, caps, frozenset(lower)


def name_prefixes(gazetteer: Gazetteer) -> frozenset[str]:
    """Every proper token prefix of an indexed name or demonym ("new" of "new york")."""
    return prefixes_of(gazetteer.index, gazetteer.demonyms)


class StartWords:
    """Answers "can an indexed name begin with this word?", each word decided once."""

    def __init__(self, gazetteer: Gazetteer, prefixes: Collection[str]):
        self.gazetteer = gazetteer
        self.prefixes = prefixes
        self._known: dict[str, bool] = {}

    def candidates(
        self, text: str, tokens: list[tuple[int, int]], caps: list[int]
    ) -> Iterator[int]:
        """The capitalised tokens (positions in ``tokens``) at which a name can start."""
        known = self._known
        for i in caps:
            start, end = tokens[i]
            word = text[start:end]
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
