"""Progress bars in articles, drawn only on an interactive terminal.

progress_bar(label, total) -> a tqdm bar, or NoBar (draws nothing) without a terminal.
"""

from __future__ import annotations

import sys
from typing import Protocol


class Bar(Protocol):
    total: int | None

    def update(self, n: int = 1) -> object: ...

    def __enter__(self) -> Bar: ...

    def __exit__(self, *exc: object) -> object: ...


class NoBar:
    """A progress bar with no terminal to draw on: counts nothing, draws nothing."""

    def __init__(self, total: int | None):
        self.total = total

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def progress_bar(label: str, total: int | None = None) -> Bar:
    """A progress bar in articles: count, articles/s and, with a total, an ETA.

    Only on an interactive terminal, never in logs or CI (as tqdm's ``disable=None``); without
    one tqdm is not even imported, which a one-article run notices.
    """
    stream = sys.stderr
    if stream is None or (hasattr(stream, "isatty") and not stream.isatty()):
        return NoBar(total)
    from tqdm import tqdm

    return tqdm(desc=label, total=total, unit="article", disable=None, leave=False)
