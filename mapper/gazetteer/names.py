"""Name keys and accent folding: takes place names, gives the keys the index is looked up by."""

from __future__ import annotations

import functools
import logging
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypeVar


@functools.lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """The index key of a name: case-folded, apostrophes unified, spaces collapsed."""
    name = name.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    return " ".join(name.casefold().split())


# Letters that Unicode does not decompose into a base letter plus an accent, written the way
# English text writes them: "Kadikoy" for Kadıköy, "Lodz" for Łódź, "Tromso" for Tromsø.
_UNDECOMPOSED = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "þ": "th",
        "Þ": "Th",
        "ħ": "h",
        "Ħ": "H",
        "ŀ": "l",
        "ŉ": "n",
    }
)

log = logging.getLogger("mapper.gazetteer")
_T = TypeVar("_T")


_UNDECOMPOSED_LETTER = re.compile("[" + re.escape("".join(map(chr, _UNDECOMPOSED))) + "]")


def _undecomposed(match: re.Match[str]) -> str:
    return _UNDECOMPOSED[ord(match.group())]


@functools.lru_cache(maxsize=1 << 18)
def fold_accents(text: str) -> str:
    """The text without diacritics, in Latin letters English writes ("Şanlıurfa" -> "Sanliurfa")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The build folds hundreds of thousands of distinct names once each: through the caches above
# that costs a call and an evicted cache slot per name. These do the same work on all of them
# at once, on one joined string (each step maps characters one by one, so joining and splitting
# at a NUL, which no step touches, gives each name's own result).
_SEPARATOR = "\0"


def name_keys(names: Sequence[str]) -> list[str]:
    """``[name_key(n) for n in names]``, uncached, for many names at once."""
    joined = _SEPARATOR.join(names)
    if joined.count(_SEPARATOR) != max(len(names) - 1, 0):  # a name holds the separator
        return [name_key(name) for name in names]
    joined = joined.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    parts = joined.casefold().split(_SEPARATOR) if names else []
    return list(map(" ".join, map(str.split, parts)))


def fold_accents_all(texts: Sequence[str]) -> list[str]:
    """``[fold_accents(t) for t in texts]``, uncached, for many texts at once."""
    folded = list(texts)
    wanted = [number for number, text in enumerate(folded) if not text.isascii()]
    if not wanted:
        return folded
    joined = _SEPARATOR.join(folded[number] for number in wanted)
    if joined.count(_SEPARATOR) != len(wanted) - 1:
        return [fold_accents(text) for text in texts]
    # As str.translate and the filter above, but by regular expressions: on a long text
    # that is mostly letters left as they are, these are several times faster.
    joined = _UNDECOMPOSED_LETTER.sub(_undecomposed, joined)
    decomposed = unicodedata.normalize("NFKD", joined)
    marks = "".join(ch for ch in set(decomposed) if unicodedata.combining(ch))
    if marks:
        decomposed = re.sub(f"[{re.escape(marks)}]+", "", decomposed)
    parts = decomposed.split(_SEPARATOR)
    if len(parts) != len(wanted):
        return [fold_accents(text) for text in texts]
    for number, part in zip(wanted, parts, strict=True):
        folded[number] = part
    return folded


def name_prefixes(*tables: Iterable[str]) -> frozenset[str]:
    """Every proper token prefix of the keys ("new" and "new york" of "new york mills")."""
    found: set[str] = set()
    add = found.add
    has_space = operator.methodcaller("__contains__", " ")
    for table in tables:
        for key in filter(has_space, table):  # most keys are one word: no prefix
            # The text before each space: the key's first n tokens, for n = 1 .. tokens - 1.
            cut = key.find(" ")
            while cut >= 0:
                add(key[:cut])
                cut = key.find(" ", cut + 1)
    return frozenset(found)
