"""Attendance and calendar copies in the database (SQLite and PostgreSQL).

Rules from `bot.domain.attendance` and `bot.domain.calendar`: who may record, when, which
people can be ticked; SEQUENCE grows per cancellation; both tables are erased with the
person (GDPR erasure), the recording coordinator's id becomes NULL.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.domain import attendance, calendar, consent, people
from bot.domain.errors import ActionCancelled, InvalidInput, NotAllowed, NotFound
from bot.domain.rsvp import answer
from storage.db import Database
from storage.models import Attendance, CalendarCopy, OutboxMessage
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NOW = make.NOW
STARTS = make.STARTS
AFTER = STARTS + dt.timedelta(hours=4)  # the factory's actions last three hours


async def test_only_a_managing_coordinator_records_after_the_end(db: Database) -> None:
    async with db.begin() as session:
        coco = await make.person(session, "Coco", role="coordinator", area="Centrum")
        other = await make.person(session, "Olga", role="coordinator", area="Burgwallen-Oude Zijde")
        vera = await make.person(session, "Vera")
        wim = await make.person(session, "Wim")
        action, _ = await make.planned_action(session, coordinator=coco, needed=2)
        for volunteer in (vera, wim):
            await answer(
                session=session,
                action_id=action.id,
                person=volunteer,
                answer="yes",
                now=NOW,
                tz=AMS,
            )
        # the question waits for the end, for the coordinator of the area above
        ask = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.message_key == "attendance_ask")
        )
        assert ask is not None
        assert (ask.person_id, ask.due_at, ask.action_id) == (coco.id, action.ends_at, action.id)

        with pytest.raises(InvalidInput):
            await attendance.checklist(
                session=session, coordinator=coco, action_id=action.id, now=NOW
            )
        for outsider in (other, vera, None):
            with pytest.raises(NotAllowed):
                await attendance.checklist(
                    session=session, coordinator=outsider, action_id=action.id, now=AFTER
                )
        with pytest.raises(NotFound):
            await attendance.set_attended(
                session=session,
                coordinator=coco,
                action_id=action.id,
                person_id=coco.id,  # not on the list
                attended=True,
                now=AFTER,
            )

        listed = await attendance.checklist(
            session=session, coordinator=coco, action_id=action.id, now=AFTER
        )
        assert [(e.name, e.attended) for e in listed.entries] == [("Vera", True), ("Wim", True)]
        assert not listed.saved
        await attendance.set_attended(
            session=session,
            coordinator=coco,
            action_id=action.id,
            person_id=wim.id,
            attended=False,
            now=AFTER,
        )
        saved = await attendance.save(
            session=session, coordinator=coco, action_id=action.id, now=AFTER
        )
        assert saved.thanked == 1 and saved.checklist.saved and saved.checklist.came == 1
        rows = await session.execute(
            select(Attendance.person_id, Attendance.attended, Attendance.recorded_by_id)
        )
        assert sorted(rows.all()) == sorted([(vera.id, True, coco.id), (wim.id, False, coco.id)])
        assert await attendance.recorded(session=session, action_id=action.id) == (
            ["Vera"],
            ["Wim"],
        )
        (record,) = await attendance.for_person(session=session, person_id=vera.id)
        assert (record.action_id, record.attended, record.recorded_at) == (action.id, True, AFTER)

        # erasure: the volunteer's rows go, the coordinator's link becomes NULL
        await people.erase(session=session, person=vera, now=AFTER, tz=AMS)
        await people.erase(session=session, person=coco, now=AFTER, tz=AMS)
        rows = await session.execute(
            select(Attendance.person_id, Attendance.attended, Attendance.recorded_by_id)
        )
        assert rows.all() == [(wim.id, False, None)]


async def test_no_attendance_record_without_consent(db: Database) -> None:
    """Issue 9: a volunteer who said no to (or was not yet asked about) the purpose
    'attendance' is not on the checklist, so nothing is recorded and no thank-you sent."""
    async with db.begin() as session:
        coco = await make.person(session, "Coco", role="coordinator", area="Centrum")
        vera = await make.person(session, "Vera")
        wim = await make.person(session, "Wim")
        action, _ = await make.planned_action(session, coordinator=coco, needed=2)
        for volunteer in (vera, wim):
            await answer(
                session=session,
                action_id=action.id,
                person=volunteer,
                answer="yes",
                now=NOW,
                tz=AMS,
            )
        await consent.withdraw(session=session, person=wim, purpose="attendance")
        listed = await attendance.checklist(
            session=session, coordinator=coco, action_id=action.id, now=AFTER
        )
        assert [e.name for e in listed.entries] == ["Vera"]
        with pytest.raises(NotFound):
            await attendance.set_attended(
                session=session,
                coordinator=coco,
                action_id=action.id,
                person_id=wim.id,
                attended=True,
                now=AFTER,
            )
        saved = await attendance.save(
            session=session, coordinator=coco, action_id=action.id, now=AFTER
        )
        assert saved.thanked == 1
        rows = await session.execute(select(Attendance.person_id))
        assert rows.scalars().all() == [vera.id]


async def test_no_attendance_for_a_cancelled_action(db: Database) -> None:
    async with db.begin() as session:
        coco = await make.person(session, "Coco", role="coordinator", area="Centrum")
        action, _ = await make.planned_action(session, coordinator=coco)
        action.status = "cancelled"
        await session.flush()
        with pytest.raises(ActionCancelled):
            await attendance.save(session=session, coordinator=coco, action_id=action.id, now=AFTER)


async def test_calendar_copies_count_up_and_go_with_the_person(db: Database) -> None:
    async with db.begin() as session:
        coco = await make.person(session, "Coco", role="coordinator", area="Centrum")
        vera = await make.person(session, "Vera", chat_id=7001)
        stopped = await make.person(session, "Stil", chat_id=7002)
        gone = await make.person(session, "Nora", chat_id=7003)
        action, _ = await make.planned_action(session, coordinator=coco, needed=3)
        for volunteer in (vera, stopped, gone):
            await answer(
                session=session,
                action_id=action.id,
                person=volunteer,
                answer="yes",
                now=NOW,
                tz=AMS,
            )
        first = await calendar.record_copy(session=session, action=action, person=vera)
        again = await calendar.record_copy(session=session, action=action, person=vera)
        assert (first.sequence, again.sequence, first.chat_id) == (0, 0, 7001)
        assert first.area_name == "Haarlemmerbuurt"
        await calendar.record_copy(session=session, action=action, person=stopped)
        stopped.stopped_at = NOW
        # Nora gave up her place (Ja -> Nee) and got her METHOD:CANCEL then
        await calendar.record_copy(session=session, action=action, person=gone)
        await answer(
            session=session, action_id=action.id, person=gone, answer="no", now=NOW, tz=AMS
        )
        withdrawn = await calendar.withdraw_copy(session=session, action=action, person=gone)
        assert withdrawn is not None and withdrawn.sequence == 1
        await session.flush()

        cancels = await calendar.cancel_copies(session=session, action_id=action.id)
        assert [(c.chat_id, c.sequence) for c in cancels] == [(7001, 1)]
        assert await calendar.cancel_copies(session=session, action_id=999_999) == []

        await people.erase(session=session, person=vera, now=NOW, tz=AMS)
        left = await session.execute(select(CalendarCopy.person_id, CalendarCopy.sequence))
        assert sorted(left.all()) == sorted([(stopped.id, 0), (gone.id, 1)])
