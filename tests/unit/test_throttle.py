"""The throttle's counting, with explicit times (no clock, no waiting)."""

from __future__ import annotations

import datetime as dt

from bot.throttle import Throttle, UpdateQueue, Verdict

T0 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def make() -> Throttle:
    return Throttle(max_updates=3, window=dt.timedelta(seconds=10), mute=dt.timedelta(seconds=60))


def test_the_update_past_the_limit_trips_and_later_ones_are_ignored_for_the_mute() -> None:
    throttle = make()
    verdicts = [throttle.check(1, at(i)) for i in range(6)]
    assert verdicts == [Verdict.PASS] * 3 + [Verdict.TRIP] + [Verdict.IGNORE] * 2
    assert throttle.check(1, at(3 + 59.9)) is Verdict.IGNORE
    assert throttle.check(1, at(3 + 60)) is Verdict.PASS  # a fresh start after the mute


def test_updates_spread_over_more_than_the_window_never_trip() -> None:
    throttle = make()
    assert {throttle.check(1, at(i * 4)) for i in range(100)} == {Verdict.PASS}


def test_one_user_tripping_does_not_touch_another() -> None:
    throttle = make()
    for i in range(5):
        throttle.check(1, at(i / 10))
    assert throttle.muted(1, at(1))
    assert [throttle.check(2, at(1 + i)) for i in range(3)] == [Verdict.PASS] * 3
    assert not throttle.muted(2, at(5))


def test_quiet_users_are_forgotten() -> None:
    throttle = make()
    for user in range(2000):
        throttle.check(user, at(0))
    throttle.check(1, at(100))
    for i in range(1000):
        throttle.check(5000, at(100 + i * 4))
    assert len(throttle._seen) <= 3


def test_updates_waiting_in_the_queue_count_so_a_flood_trips_at_its_first() -> None:
    """A flood that arrived all at once (299 more of the same user queued) trips at its
    first update: nothing of it is handled, nobody waits behind its handled updates."""
    throttle = make()
    assert throttle.check(1, at(0), waiting=299) is Verdict.TRIP
    assert {throttle.check(1, at(0)) for _ in range(299)} == {Verdict.IGNORE}
    # a person with two more taps queued is well within the limit
    assert throttle.check(2, at(0), waiting=2) is Verdict.PASS


async def test_the_update_queue_counts_waiting_updates_per_user() -> None:
    class Update:
        def __init__(self, user_id: int) -> None:
            self.effective_user = type("User", (), {"id": user_id})()

    queue = UpdateQueue()
    for _ in range(3):
        queue.put_nowait(Update(7))
    queue.put_nowait(Update(8))
    queue.put_nowait(object())  # PTB allows any object in the queue
    assert (queue.waiting(7), queue.waiting(8), queue.waiting(9)) == (3, 1, 0)
    await queue.get()
    assert queue.waiting(7) == 2
    for _ in range(4):
        await queue.get()
    assert (queue.waiting(7), queue.waiting(8)) == (0, 0)
