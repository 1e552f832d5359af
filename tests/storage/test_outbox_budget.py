"""The shared send budget's statements (`storage.outbox_budget`, PostgreSQL only): slots
follow each other without gaps or overlaps across reservations, a chat is refused a slot
within its interval, and a 429 pause moves every later slot."""

from __future__ import annotations

import datetime as dt

import pytest

from storage.db import Database
from storage.outbox_budget import (
    ensure_budget,
    forget_past_chats,
    pause_budget,
    reserve_slots,
)

SECOND = dt.timedelta(seconds=1)


async def test_slots_chats_and_pause(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("the shared budget lives in PostgreSQL; SQLite paces in memory")
    async with db.begin() as session:
        await ensure_budget(session)
        await ensure_budget(session)  # twice is fine (every process does it)
        first = await reserve_slots(session, [11, 12, -13], interval=0.1, margin=0.25)
        assert first.granted == {11, 12, -13}
        assert first.first_slot >= first.db_now - dt.timedelta(milliseconds=5)
        # The next reservation starts where the first ended: 3 slots of 0.1 s.
        second = await reserve_slots(session, [11, 14], interval=0.1, margin=0.25)
        assert second.first_slot == first.first_slot + 3 * dt.timedelta(seconds=0.1)
        # Chat 11 had its message 0.3 s before: refused; chat 14 is new.
        assert second.granted == {14}
        # A 429 of 5 s: the next slot is after the pause, and a shorter pause never
        # shortens it (two 429s for the same limit make one pause).
        until = await pause_budget(session, 5)
        assert until == await pause_budget(session, 1)
        third = await reserve_slots(session, [15], interval=0.1, margin=0.25)
        assert third.first_slot >= until
        assert third.paused_until == until
        # A group waits 3 s (+ margin) between messages: more than 5 s later it may again.
        assert (await reserve_slots(session, [-13], interval=0.1, margin=0.25)).granted == {-13}
        assert await forget_past_chats(session) == 0  # all turns are recent
        with pytest.raises(ValueError):
            await reserve_slots(session, [16, 16], interval=0.1, margin=0.25)
