"""The one source of 'now' (UTC, timezone-aware), so the demo and tests can move time."""

from __future__ import annotations

import datetime as dt


class Clock:
    """Real UTC time plus an adjustable offset (zero in production).

    `now()` returns an aware UTC datetime. `advance(seconds)` moves time forward (demo/tests).
    """

    def __init__(self, offset: dt.timedelta | None = None) -> None:
        self.offset = offset or dt.timedelta(0)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)

    def set(self, when: dt.datetime) -> None:
        """Make `now()` return `when` (aware) from this moment on, ticking normally."""
        self.offset = when - dt.datetime.now(dt.UTC)
