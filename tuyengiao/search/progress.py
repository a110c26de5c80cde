"""A small progress bar on stderr for the management commands.

Hand-written rather than tqdm: the commands need one line of output and no
new dependency. On a terminal the bar redraws in place; in a log file it
prints one line per tenth of the work.
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, *, label: str = "", stream=None, width: int = 30):
        self.total = max(0, total)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._tenth = -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, amount: int = 1) -> None:
        self.done = min(self.total, self.done + amount) if self.total else self.done + amount
        now = time.monotonic()
        if self._tty:
            if now - self._drawn_at >= 0.1 or self.done >= self.total:
                self._drawn_at = now
                self.stream.write("\r" + self.line())
                self.stream.flush()
        else:
            tenth = int(10 * self.done / self.total) if self.total else 10
            if tenth != self._tenth:
                self._tenth = tenth
                self.stream.write(self.line() + "\n")

    def line(self) -> str:
        fraction = self.done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        bar = "█" * filled + "·" * (self.width - filled)
        return f"{self.label} [{bar}] {fraction:4.0%} {self.done}/{self.total} · {elapsed:.0f} giây · {rate:.0f}/giây"

    def close(self) -> None:
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
