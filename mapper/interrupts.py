"""Ctrl-C and SIGTERM during a run: unwind cleanly, then say truthfully what was stored.

SIGTERM is turned into an exception (errors.Terminated) for the length of a run, so that it
unwinds like Ctrl-C: the batch's transaction rolls back, the engine stops its workers, and no
temporary output is left. Whether the batch was stored is then read from the store itself, not
guessed: an interrupt may land just after the commit.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from mapper.errors import Interrupted, Terminated


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class RunProgress:
    """How far a run got: its store, its batch (run id and start), and the outputs written."""

    store_path: str = ""
    run_id: int | None = None
    started_at: str = ""
    expected: list[str] = field(default_factory=list)  # output file names, in writing order
    written: dict[str, str] = field(default_factory=dict)  # kind -> path, as written

    def committed(self) -> bool:
        """Whether the batch's run is in the store (read from the file, not assumed)."""
        if self.run_id is None or not self.store_path or self.store_path == ":memory:":
            return False
        try:
            db = sqlite3.connect(self.store_path, timeout=5)
            try:
                row = db.execute(
                    "SELECT 1 FROM runs WHERE run_id = ? AND started_at = ?",
                    (self.run_id, self.started_at),
                ).fetchone()
            finally:
                db.close()
        except sqlite3.Error:
            return False
        return row is not None

    def interrupted(self, exc: BaseException) -> Interrupted:
        """The one-line, truthful message for an interrupt, with its exit code."""
        terminated = isinstance(exc, Terminated)
        what, code = ("terminated (SIGTERM)", 143) if terminated else ("interrupted", 130)
        if not self.committed():
            return Interrupted(f"{what}; nothing of this batch was stored", exit_code=code)
        done = {Path(p).name for p in self.written.values()}
        stale = [name for name in self.expected if name not in done]
        if not stale:
            return Interrupted(
                f"{what} after the batch was stored (run {self.run_id}) and every output "
                "was written",
                exit_code=code,
            )
        return Interrupted(
            f"{what} after the batch was stored (run {self.run_id}); stale: "
            f"{', '.join(stale)}; rerun the same command to rewrite them (nothing is "
            "processed again)",
            exit_code=code,
        )

    def stale_note(self) -> str:
        """For an error after the commit: what was stored and which outputs are stale."""
        if not self.committed():
            return ""
        done = {Path(p).name for p in self.written.values()}
        stale = [name for name in self.expected if name not in done]
        return (
            f" (the batch was stored, run {self.run_id}; stale: {', '.join(stale) or 'none'}; "
            "rerun the same command once fixed)"
        )

    def note_batch(self, batch: Any) -> None:
        self.run_id = batch.run_id
        self.started_at = batch.started_at
