"""Retention with a moved clock (SQLite and PostgreSQL): nothing goes before its period,
everything goes after it, and anonymous per-action counts stay."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.domain import actions, invites, outbox, people, retention, rsvp
from storage.areas import find_area
from storage.db import Database
from storage.models import (
    Action,
    ActionTally,
    Invite,
    OutboxMessage,
    PersistedState,
    Person,
    PersonConsent,
    Rsvp,
)

AMS = ZoneInfo("Europe/Amsterdam")
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
PERIODS = retention.RetentionPeriods()


async def _person(session, role: str, tid: int, area: str = "Haarlemmerbuurt") -> Person:
    home = await find_area(session, area)
    new = await invites.create_invite(session=session, role=role, area=home, now=T0)
    person = await people.register(
        session=session,
        token=new.token,
        telegram_user_id=tid,
        chat_id=tid,
        first_name=f"P{tid}",
        language="nl",
        now=T0,
    )
    people.finish_onboarding(person=person, now=T0)
    return person


async def _world(db: Database) -> int:
    """A coordinator, two volunteers with answers to an action on T0 + 2 days, a sent and a
    pending outbox row, a stopped volunteer, an expired invite, a stale sign-up state."""
    async with db.begin() as session:
        coordinator = await _person(session, "coordinator", 1, "Centrum")
        anna = await _person(session, "volunteer", 2)
        bert = await _person(session, "volunteer", 3)
        stopper = await _person(session, "volunteer", 4)
        people.stop(person=stopper, now=T0)
        area = await find_area(session, "Haarlemmerbuurt")
        starts = T0 + dt.timedelta(days=2)
        draft = actions.validate_draft(
            kind="street_stand",
            title="Klaptafel",
            area_id=area.id,
            meeting_place="Plein",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            volunteers_needed=1,
            now=T0,
        )
        action, _ = await actions.create_action(
            session=session,
            coordinator=coordinator,
            draft=draft,
            now=T0,
            tz=AMS,
            second_wave_delay=dt.timedelta(0),
        )
        await rsvp.answer(
            session=session, action_id=action.id, person=anna, answer="yes", now=T0, tz=AMS
        )
        await rsvp.answer(
            session=session, action_id=action.id, person=bert, answer="yes", now=T0, tz=AMS
        )  # waiting list
        sent = await session.scalars(select(OutboxMessage))
        for row in sent.all():
            row.status, row.sent_at = "sent", T0
        await outbox.enqueue(
            session=session,
            person=anna,
            message_key="help_request_new",
            due_at=T0,
            dedup_key="pending-one",
            now=T0,
        )
        await invites.create_invite(
            session=session,
            role="volunteer",
            area=area,
            now=T0,
            valid_for=dt.timedelta(days=1),
        )
        session.add(
            PersistedState(kind="user_data", key="555", value={"onboarding": {}}, updated_at=T0)
        )
        session.add(
            PersistedState(
                kind="conversation:onboarding", key="[555, 555]", value="consent", updated_at=T0
            )
        )
        session.add(
            PersistedState(
                kind="conversation:new_action", key="[1, 1]", value="title", updated_at=T0
            )
        )  # a person's: stays
        return action.id


async def _purge(db: Database, now: dt.datetime) -> retention.RetentionReport:
    async with db.begin() as session:
        return await retention.purge(session=session, now=now, tz=AMS, periods=PERIODS)


async def _count(db: Database, model) -> int:
    async with db.begin() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_nothing_goes_before_its_period(db: Database) -> None:
    await _world(db)
    report = await _purge(db, T0 + dt.timedelta(hours=23))
    assert report.signup_states == 0 and report.answers == 0 and report.invites == 0
    assert await _count(db, PersistedState) == 3
    assert await _count(db, Rsvp) == 2


async def test_everything_goes_after_its_period(db: Database) -> None:
    action_id = await _world(db)
    outbox_before = await _count(db, OutboxMessage)
    # 25 hours: the stale sign-up goes, the coordinator's draft state stays
    report = await _purge(db, T0 + dt.timedelta(hours=25))
    assert report.signup_states == 2 and report.forget_user_ids == [555, 555]
    async with db.begin() as session:
        left = (await session.scalars(select(PersistedState.kind))).all()
    assert left == ["conversation:new_action"]
    # 31 days after the invite expired: gone; the used invites (no limit) stay
    report = await _purge(db, T0 + dt.timedelta(days=32))
    assert report.invites == 1 and report.answers == 0
    # 90 days after sending: the done outbox rows go; the pending one stays
    report = await _purge(db, T0 + dt.timedelta(days=89))
    assert report.outbox_rows == 0
    report = await _purge(db, T0 + dt.timedelta(days=91))
    assert report.outbox_rows == outbox_before - 1
    assert report.answers == 0  # the action ended 89 days ago
    # 90 days after the action ended: answers gone, counts kept
    report = await _purge(db, T0 + dt.timedelta(days=2 + 91))
    assert (report.answers, report.actions_tallied) == (2, 1)
    async with db.begin() as session:
        tally = await session.get(ActionTally, action_id)
        assert (tally.yes_count, tally.maybe_count, tally.no_count, tally.confirmed_count) == (
            2,
            0,
            0,
            1,
        )
        assert (await session.get(Action, action_id)).title == "Klaptafel"
        assert (await session.scalars(select(OutboxMessage.dedup_key))).all() == ["pending-one"]
        assert await session.scalar(select(Person).where(Person.telegram_user_id == 4))
    # 12 months after /stop: the person is erased (consents too)
    report = await _purge(db, T0 + dt.timedelta(days=366))
    assert report.people_erased == 1 and report.forget_user_ids == [4]
    async with db.begin() as session:
        assert await session.scalar(select(Person).where(Person.telegram_user_id == 4)) is None
        ids = set(await session.scalars(select(PersonConsent.person_id)))
        everyone = set(await session.scalars(select(Person.id)))
        assert ids == everyone
    assert (await _purge(db, T0 + dt.timedelta(days=366))).people_erased == 0  # idempotent
    assert await _count(db, Invite) == 4


def test_signup_expiry_rule() -> None:
    now = T0
    day = dt.timedelta(hours=24)
    assert not retention.signup_expired((now - dt.timedelta(hours=23)).isoformat(), now, day)
    assert retention.signup_expired((now - dt.timedelta(hours=25)).isoformat(), now, day)
    assert retention.signup_expired(None, now, day)
    assert retention.signup_expired("yesterday", now, day)
