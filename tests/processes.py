"""A real `mapper run` stopped mid-batch from the outside, for the crash and lock tests.

The run's stderr is a pseudo-terminal, so it draws its progress bar as a user sees it. The test
reads the bar and, once the "process" bar counts some articles stored and more to come, stops
the whole process group with SIGSTOP: the run is then inside its batch's transaction, holding
the store's write lock. The test kills it, or sends a signal and lets it continue.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

PROCESS_TIMEOUT = 300  # a guard against hangs, not a speed test

# tqdm's bar: "process:  41%|████      | 820/2000 [00:01<00:02, 610.20article/s]"
_PROCESS_BAR = re.compile(r"process:[^\r\n|]*\|[^|]*\|\s*(\d+)/(\d+)")


def write_batch(path: Path, count: int, start: int = 0) -> Path:
    """A JSONL batch of ``count`` short airstrike reports with ids a{start}...: one incident."""
    lines = (
        json.dumps(
            {
                "id": f"a{i}",
                "title": f"Report {i}",
                "text": f"An airstrike hit Kyiv on Monday, killing {i % 50 + 1} people. Item {i}.",
                "date": "2025-03-03",
            }
        )
        for i in range(start, start + count)
    )
    path.write_text("\n".join(lines) + "\n")
    return path


class StoppedRun:
    """A `mapper run` process group, stopped by SIGSTOP mid-batch; its terminal output so far."""

    def __init__(self, proc: subprocess.Popen, terminal: int, done: int, total: int):
        self.proc = proc
        self.terminal = terminal
        self.done = done  # articles the bar showed processed when the run was stopped
        self.total = total

    @property
    def pid(self) -> int:
        """The run's process id, which is also its process group's and session's."""
        return self.proc.pid

    def signal_and_continue(self, signum: int) -> None:
        """Deliver ``signum`` to the run, then let its process group run again to handle it."""
        os.kill(self.pid, signum)
        os.killpg(self.pid, signal.SIGCONT)

    def kill(self) -> int:
        os.killpg(self.pid, signal.SIGKILL)
        return self.wait()

    def wait(self) -> int:
        return self.proc.wait(timeout=PROCESS_TIMEOUT)

    def rest(self) -> str:
        """What the run wrote to its terminal after it was stopped, up to its exit."""
        chunks = []
        while (chunk := _read(self.terminal, PROCESS_TIMEOUT)) is not None:
            chunks.append(chunk)
        os.close(self.terminal)
        return "".join(chunks)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=PROCESS_TIMEOUT)
        with contextlib.suppress(OSError):
            os.close(self.terminal)


def _read(fd: int, timeout: float) -> str | None:
    """The next output on the terminal, "" when none came in ``timeout``, None at its end."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return ""
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: every process holding the terminal has exited
        return None
    return data.decode("utf-8", "replace") if data else None


def run_stopped_mid_batch(args: list[str | Path], cwd: Path, env: dict | None = None) -> StoppedRun:
    """Start `mapper run ARGS` and stop it once its progress bar shows a batch half stored.

    The batch must be big enough for the bar to be drawn while it is processed (a few thousand
    short articles take seconds). Fails, with the run's output, if the run ends first.
    """
    terminal, child_side = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm draws nothing on it: give it 40 x 120.
    fcntl.ioctl(child_side, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapper", "run", *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=child_side,
        start_new_session=True,
    )
    os.close(child_side)
    seen = ""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    try:
        while time.monotonic() < deadline:
            chunk = _read(terminal, 1.0)
            if chunk is None:
                break
            seen += chunk
            counts = [(int(n), int(t)) for n, t in _PROCESS_BAR.findall(seen)]
            if counts and 0 < counts[-1][0] < counts[-1][1]:
                os.killpg(proc.pid, signal.SIGSTOP)
                return StoppedRun(proc, terminal, *counts[-1])
    except BaseException:
        StoppedRun(proc, terminal, 0, 0).close()
        raise
    StoppedRun(proc, terminal, 0, 0).close()  # the whole group: no worker is left behind
    raise AssertionError("the run ended before it was seen mid-batch:\n" + seen)
