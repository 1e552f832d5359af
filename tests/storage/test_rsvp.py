"""Answers to an action (`bot.domain.rsvp.answer`): capacity, waiting list, reminders, who
may answer, and concurrent answers. On SQLite and PostgreSQL.

People and actions come from `tests/factories.py` (people signed up the way the bot does it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import (
    ActionCancelled,
    ActionStarted,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from bot.domain.rsvp import RsvpOutcome, answer
from storage.db import Database
from storage.models import Action, OutboxMessage, Person, Rsvp
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
NOW = dt.datetime(2027, 5, 3, 8, 0, tzinfo=UTC)  # Monday 10:00 CEST
STARTS = dt.datetime(2027, 5, 8, 12, 0, tzinfo=UTC)  # Saturday 8 May 14:00 CEST
ENDS = STARTS + dt.timedelta(hours=3)
REMIND_24H = dt.datetime(2027, 5, 7, 12, 0, tzinfo=UTC)  # Friday 14:00 CEST
# The day-before reminder says "tomorrow": it expires at midnight before the action day.
REMIND_24H_UNTIL = dt.datetime(2027, 5, 7, 22, 0, tzinfo=UTC)  # Saturday 00:00 CEST
REMIND_2H = dt.datetime(2027, 5, 8, 10, 0, tzinfo=UTC)  # Saturday 12:00 CEST


async def say(
    session: AsyncSession,
    action: Action,
    person: Person,
    what: str,
    at: dt.datetime = NOW,
) -> RsvpOutcome:
    return await answer(
        session=session, action_id=action.id, person=person, answer=what, now=at, tz=AMS
    )


async def statuses(session: AsyncSession, action: Action) -> dict[int, tuple[str, str]]:
    rows = await session.execute(
        select(Rsvp.person_id, Rsvp.answer, Rsvp.status).where(Rsvp.action_id == action.id)
    )
    return {pid: (ans, status) for pid, ans, status in rows.all()}


async def outbox_rows(
    session: AsyncSession, action: Action
) -> set[tuple[int | None, str, str, dt.datetime, dt.datetime | None]]:
    rows = await session.execute(
        select(
            OutboxMessage.person_id,
            OutboxMessage.message_key,
            OutboxMessage.status,
            OutboxMessage.due_at,
            OutboxMessage.not_after,
        ).where(OutboxMessage.action_id == action.id)
    )
    return {(r[0], r[1], r[2], r[3], r[4]) for r in rows.all()}


async def confirmed_count(session: AsyncSession, action_id: int) -> int:
    count = await session.scalar(select(Action.confirmed_count).where(Action.id == action_id))
    assert count is not None
    return count


def reminders_for(
    pid: int, status: str = "pending"
) -> set[tuple[int, str, str, dt.datetime, dt.datetime]]:
    return {
        (pid, "reminder_24h", status, REMIND_24H, REMIND_24H_UNTIL),
        (pid, "reminder_2h", status, REMIND_2H, STARTS),
    }


def second(n: int) -> dt.datetime:
    return NOW + dt.timedelta(seconds=n)


# --- capacity and waiting list -------------------------------------------------------------


async def test_six_places_eight_yes(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=6)
        vols = [await make.person(session, f"Vrijwilliger {i}") for i in range(8)]

        outcomes = [await say(session, action, v, "yes", second(i)) for i, v in enumerate(vols)]

        assert [(o.status, o.waitlist_position, o.changed) for o in outcomes] == [
            *[("confirmed", None, True)] * 6,
            ("waitlisted", 1, True),
            ("waitlisted", 2, True),
        ]
        assert all(o.promoted is None and o.answer == "yes" for o in outcomes)
        assert outcomes[-1].action.confirmed_count == 6
        assert await confirmed_count(session, action.id) == 6
        assert await statuses(session, action) == {
            **{v.id: ("yes", "confirmed") for v in vols[:6]},
            vols[6].id: ("yes", "waitlisted"),
            vols[7].id: ("yes", "waitlisted"),
        }
        expected: set[tuple[int, str, str, dt.datetime, dt.datetime]] = set()
        for v in vols[:6]:
            expected |= reminders_for(v.id)
        assert await outbox_rows(session, action) == expected


@pytest.mark.parametrize("leaving_answer", ["no", "maybe"])
async def test_leaving_a_place_promotes_the_first_waitlisted(
    db: Database, leaving_answer: str
) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=6)
        vols = [await make.person(session, f"Vrijwilliger {i}") for i in range(8)]
        for i, v in enumerate(vols):
            await say(session, action, v, "yes", second(i))
        leaver, first_waiting, second_waiting = vols[1], vols[6], vols[7]
        later = NOW + dt.timedelta(hours=1)

        outcome = await say(session, action, leaver, leaving_answer, later)

        assert (outcome.status, outcome.changed, outcome.waitlist_position) == (
            "none",
            True,
            None,
        )
        assert outcome.promoted is not None and outcome.promoted.id == first_waiting.id
        assert outcome.action.confirmed_count == 6
        assert await confirmed_count(session, action.id) == 6
        got = await statuses(session, action)
        assert got[leaver.id] == (leaving_answer, "none")
        assert got[first_waiting.id] == ("yes", "confirmed")
        assert got[second_waiting.id] == ("yes", "waitlisted")
        assert sum(s == "confirmed" for _, s in got.values()) == 6

        rows = await outbox_rows(session, action)
        assert reminders_for(leaver.id, "cancelled") <= rows
        assert reminders_for(first_waiting.id) <= rows
        promoted_rows = {r for r in rows if r[1] == "waitlist_promoted"}
        assert promoted_rows == {(first_waiting.id, "waitlist_promoted", "pending", later, STARTS)}
        assert not {r for r in rows if r[0] == second_waiting.id}
        for v in (vols[0], *vols[2:6]):
            assert {r for r in rows if r[0] == v.id} == reminders_for(v.id)

        # The one still waiting moved up to place 1 (a repeated 'yes' only reports it).
        again = await say(session, action, second_waiting, "yes", later)
        assert (again.status, again.waitlist_position, again.changed) == ("waitlisted", 1, False)


async def test_two_places_freed_one_after_another_promote_in_order(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2)
        a, b, c, d = [await make.person(session, n) for n in ("Ans", "Bas", "Cor", "Dirk")]
        for i, v in enumerate((a, b, c, d)):
            await say(session, action, v, "yes", second(i))

        first = await say(session, action, b, "no", second(10))
        second_ = await say(session, action, a, "no", second(11))

        assert first.promoted is not None and first.promoted.id == c.id
        assert second_.promoted is not None and second_.promoted.id == d.id
        assert await statuses(session, action) == {
            a.id: ("no", "none"),
            b.id: ("no", "none"),
            c.id: ("yes", "confirmed"),
            d.id: ("yes", "confirmed"),
        }
        assert await confirmed_count(session, action.id) == 2


async def test_waitlisted_person_leaving_gives_no_place_and_moves_the_others_up(
    db: Database,
) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=1)
        a, b, c = [await make.person(session, n) for n in ("Ans", "Bas", "Cor")]
        for i, v in enumerate((a, b, c)):
            await say(session, action, v, "yes", second(i))

        out = await say(session, action, b, "no", second(10))

        assert (out.status, out.promoted) == ("none", None)
        assert await statuses(session, action) == {
            a.id: ("yes", "confirmed"),
            b.id: ("no", "none"),
            c.id: ("yes", "waitlisted"),
        }
        again = await say(session, action, c, "yes", second(11))
        assert again.waitlist_position == 1
        assert not [r for r in await outbox_rows(session, action) if r[1] == "waitlist_promoted"]


async def test_yes_again_after_leaving_goes_to_the_back_of_the_list(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=1)
        a, b, c = [await make.person(session, n) for n in ("Ans", "Bas", "Cor")]
        await say(session, action, a, "yes", second(0))
        await say(session, action, b, "yes", second(1))
        await say(session, action, c, "yes", second(2))
        await say(session, action, a, "no", second(3))  # b promoted, c waits

        back = await say(session, action, a, "yes", second(4))

        assert (back.status, back.waitlist_position, back.changed) == ("waitlisted", 2, True)
        rows = await outbox_rows(session, action)
        assert {r for r in rows if r[0] == a.id} == reminders_for(a.id, "cancelled")
        assert {r for r in rows if r[0] == b.id and r[1] != "waitlist_promoted"} == (
            reminders_for(b.id)
        )


async def test_confirmed_again_after_no_rearms_the_same_reminder_rows(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=3)
        a = await make.person(session, "Ans")
        await say(session, action, a, "yes", second(0))
        await say(session, action, a, "no", second(1))
        assert await outbox_rows(session, action) == reminders_for(a.id, "cancelled")

        out = await say(session, action, a, "yes", second(2))

        assert out.status == "confirmed"
        assert await outbox_rows(session, action) == reminders_for(a.id)
        assert await confirmed_count(session, action.id) == 1


@pytest.mark.parametrize(
    ("setup", "repeat", "status", "position"),
    [
        (["yes"], "yes", "confirmed", None),
        (["yes", "yes"], "yes", "waitlisted", 1),  # second person waits
        (["no"], "no", "none", None),
        (["maybe"], "maybe", "none", None),
    ],
)
async def test_repeated_identical_answer_changes_nothing(
    db: Database, setup: list[str], repeat: str, status: str, position: int | None
) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=1)
        vols = [await make.person(session, f"V{i}") for i in range(len(setup))]
        for i, (v, what) in enumerate(zip(vols, setup, strict=True)):
            await say(session, action, v, what, second(i))
        me = vols[-1]
        rsvp_before = (
            await session.execute(
                select(Rsvp.answer, Rsvp.status, Rsvp.answered_at, Rsvp.id).where(
                    Rsvp.person_id == me.id
                )
            )
        ).one()
        outbox_before = await outbox_rows(session, action)
        count_before = await confirmed_count(session, action.id)

        out = await say(session, action, me, repeat, NOW + dt.timedelta(hours=5))

        assert (out.status, out.changed, out.waitlist_position, out.promoted) == (
            status,
            False,
            position,
            None,
        )
        rsvp_after = (
            await session.execute(
                select(Rsvp.answer, Rsvp.status, Rsvp.answered_at, Rsvp.id).where(
                    Rsvp.person_id == me.id
                )
            )
        ).one()
        assert tuple(rsvp_after) == tuple(rsvp_before)
        assert rsvp_after.answered_at == second(len(setup) - 1)
        assert await outbox_rows(session, action) == outbox_before
        assert await confirmed_count(session, action.id) == count_before


async def test_maybe_and_no_take_no_places(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=1)
        a, b, c, d = [await make.person(session, n) for n in ("Ans", "Bas", "Cor", "Dirk")]

        ma = await say(session, action, a, "maybe", second(0))
        nb = await say(session, action, b, "no", second(1))
        assert (ma.status, nb.status) == ("none", "none")
        assert await confirmed_count(session, action.id) == 0
        # no place, no reminder; the Misschien gets one "Weet je het al?" 48 h before
        assert await outbox_rows(session, action) == {
            (
                a.id,
                "maybe_followup",
                "pending",
                action.starts_at - dt.timedelta(hours=48),
                action.starts_at,
            )
        }

        yc = await say(session, action, c, "yes", second(2))
        yd = await say(session, action, d, "yes", second(3))
        assert (yc.status, yd.status, yd.waitlist_position) == ("confirmed", "waitlisted", 1)

        # Switching between maybe and no does not touch the places either.
        await say(session, action, a, "no", second(4))
        await say(session, action, b, "maybe", second(5))
        assert await statuses(session, action) == {
            a.id: ("no", "none"),
            b.id: ("maybe", "none"),
            c.id: ("yes", "confirmed"),
            d.id: ("yes", "waitlisted"),
        }
        assert await confirmed_count(session, action.id) == 1


async def test_only_reminders_still_ahead_are_queued(db: Database) -> None:
    soon = NOW + dt.timedelta(hours=3)  # the 24h reminder time has passed already
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2, starts_at=soon)
        a = await make.person(session, "Ans")

        await say(session, action, a, "yes")

        assert await outbox_rows(session, action) == {
            (a.id, "reminder_2h", "pending", NOW + dt.timedelta(hours=1), soon)
        }


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [STARTS, STARTS + dt.timedelta(minutes=1), ENDS + dt.timedelta(days=1)],
    ids=["at-start", "after-start", "after-end"],
)
async def test_answers_close_at_the_start(db: Database, at: dt.datetime) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2)
        a, b = await make.person(session, "Ans"), await make.person(session, "Bas")
        await say(session, action, a, "yes")

        for person, what in ((a, "no"), (b, "yes"), (b, "maybe")):
            with pytest.raises(ActionStarted):
                await say(session, action, person, what, at)

        assert await statuses(session, action) == {a.id: ("yes", "confirmed")}
        assert await confirmed_count(session, action.id) == 1


async def test_answer_one_second_before_the_start_is_accepted(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2)
        a = await make.person(session, "Ans")
        out = await say(session, action, a, "yes", STARTS - dt.timedelta(seconds=1))
        assert out.status == "confirmed"
        # Both reminder times have passed: none queued.
        assert await outbox_rows(session, action) == set()


async def test_cancelled_action_refuses_answers(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2, status="cancelled")
        a = await make.person(session, "Ans")
        for what in ("yes", "maybe", "no"):
            with pytest.raises(ActionCancelled):
                await say(session, action, a, what)
        assert await statuses(session, action) == {}


@pytest.mark.parametrize(
    ("role", "area", "buurt"),
    [
        ("resident", "Haarlemmerbuurt", None),
        ("coordinator", "Haarlemmerbuurt", None),
        ("coordinator", "Centrum", None),
        ("volunteer", "Jordaan", None),
        ("volunteer", "Jordaan", "Marnixbuurt Noord"),
        ("volunteer", "Burgwallen-Nieuwe Zijde", None),
    ],
)
async def test_not_allowed_to_answer(db: Database, role: str, area: str, buurt: str | None) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2, area="Haarlemmerbuurt")
        person = await make.person(session, "Buiten", role=role, area=area, buurt=buurt)
        with pytest.raises(NotAllowed):
            await say(session, action, person, "yes")
        assert await statuses(session, action) == {}
        assert await confirmed_count(session, action.id) == 0


@pytest.mark.parametrize(
    ("area", "buurt"),
    [
        ("Haarlemmerbuurt", None),
        ("Haarlemmerbuurt", "Planciusbuurt Noord"),
        ("Centrum", None),  # a volunteer for the whole stadsdeel
        ("Centrum-West", None),
    ],
)
async def test_volunteers_of_the_wijk_its_buurten_and_above_may_answer(
    db: Database, area: str, buurt: str | None
) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2, area="Haarlemmerbuurt")
        person = await make.person(session, "Binnen", area=area, buurt=buurt)
        out = await say(session, action, person, "yes")
        assert out.status == "confirmed"


async def test_volunteer_of_another_buurt_may_not_answer_a_buurt_action(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2, area="Planciusbuurt Noord")
        sibling = await make.person(session, "Zus", buurt="Westerdokseiland")
        with pytest.raises(NotAllowed):
            await say(session, action, sibling, "yes")


async def test_unknown_answer_and_unknown_action(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=2)
        a = await make.person(session, "Ans")
        with pytest.raises(InvalidInput) as info:
            await say(session, action, a, "ja")
        assert info.value.field == "answer"
        with pytest.raises(NotFound):
            await answer(
                session=session, action_id=action.id + 999, person=a, answer="yes", now=NOW, tz=AMS
            )
        assert await statuses(session, action) == {}


# --- the database backs the rules up -------------------------------------------------------


@pytest.mark.parametrize("value", [7, -1])
async def test_database_check_refuses_bad_confirmed_count(db: Database, value: int) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=6)
        action_id = action.id

    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            await session.execute(
                update(Action).where(Action.id == action_id).values(confirmed_count=value)
            )

    async with db.begin() as session:
        assert await confirmed_count(session, action_id) == 0
        # The limit itself is allowed.
        await session.execute(
            update(Action).where(Action.id == action_id).values(confirmed_count=6)
        )
        assert await confirmed_count(session, action_id) == 6


@pytest.mark.several_connections
async def test_twenty_volunteers_answer_yes_at_once_to_five_places(db: Database) -> None:
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=5)
        vols = [await make.person(session, f"Vrijwilliger {i}") for i in range(20)]
        action_id = action.id

    async def yes(person: Person) -> RsvpOutcome:
        async with db.begin() as session:
            return await answer(
                session=session, action_id=action_id, person=person, answer="yes", now=NOW, tz=AMS
            )

    outcomes = await asyncio.gather(*(yes(v) for v in vols))

    assert all(o.changed for o in outcomes)
    assert sum(o.status == "confirmed" for o in outcomes) == 5
    assert sum(o.status == "waitlisted" for o in outcomes) == 15
    assert sorted(o.waitlist_position for o in outcomes if o.status == "waitlisted") == list(
        range(1, 16)
    )
    async with db.begin() as session:
        assert await confirmed_count(session, action_id) == 5
        rows = await session.execute(
            select(Rsvp.status, func.count())
            .where(Rsvp.action_id == action_id)
            .group_by(Rsvp.status)
        )
        assert dict(rows.all()) == {"confirmed": 5, "waitlisted": 15}
        confirmed_ids = set(
            await session.scalars(
                select(Rsvp.person_id).where(
                    Rsvp.action_id == action_id, Rsvp.status == "confirmed"
                )
            )
        )
        assert confirmed_ids == {
            v.id for v, o in zip(vols, outcomes, strict=True) if o.status == "confirmed"
        }
        reminders = await session.execute(
            select(OutboxMessage.person_id, OutboxMessage.message_key).where(
                OutboxMessage.action_id == action_id
            )
        )
        assert sorted(reminders.all()) == sorted(
            (pid, key) for pid in confirmed_ids for key in ("reminder_24h", "reminder_2h")
        )


async def test_promoted_then_leaving_again_drops_the_good_news_message(db: Database) -> None:
    """Found by a tester: a 'place came free' notice still pending when the promoted
    person leaves again must not be sent (they would think they have a place)."""
    async with db.begin() as session:
        action = await make.action(session, volunteers_needed=1)
        first = await make.person(session, "Eerste")
        second = await make.person(session, "Tweede")
        await say(session, action, first, "yes")
        await say(session, action, second, "yes")
        later = NOW + dt.timedelta(minutes=1)
        outcome = await say(session, action, first, "no", at=later)
        assert outcome.promoted is not None and outcome.promoted.id == second.id
        await say(session, action, second, "no", at=later + dt.timedelta(seconds=5))
        rows = (
            await session.execute(
                select(OutboxMessage.message_key, OutboxMessage.status).where(
                    OutboxMessage.person_id == second.id
                )
            )
        ).all()
    assert ("waitlist_promoted", "cancelled") in rows
    assert [key for key, status in rows if status == "pending"] == []
