"""The sign-up flows (`bot.domain.signup`) and availability setters, on SQLite and PostgreSQL:
buttons set what they promise (pressing twice changes nothing), forged codes and buurten are
refused, the invite id (never the token) signs a person up, pauses are the offered lengths."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.domain import availability, invites, signup
from bot.domain.errors import InvalidInput, InviteUsedUp, NotAllowed
from bot.domain.signup import Choice
from storage.areas import find_area
from storage.db import Database
from storage.models import AvailabilitySlot, HelpRequestTask, Invite, Person

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 9, 0, tzinfo=dt.UTC)


async def _signed_up(db: Database, role: str = "volunteer", max_uses: int | None = None) -> int:
    async with db.begin() as session:
        home = await find_area(session, "Haarlemmerbuurt")
        assert home is not None
        new = await invites.create_invite(
            session=session, role=role, area=home, now=NOW, max_uses=max_uses
        )
        invite_id = await signup.open_invite(session=session, token=new.token, now=NOW)
        done = await signup.consent(
            session=session,
            invite_id=invite_id,
            telegram_user_id=7001,
            chat_id=7001,
            first_name="Sam",
            language="en",
            now=NOW,
        )
        assert (done.role, done.area_name) == (role, "Haarlemmerbuurt")
        return done.person_id


async def test_the_invite_id_signs_up_and_counts_one_use(db: Database) -> None:
    person_id = await _signed_up(db, max_uses=1)
    async with db.begin() as session:
        invite = await session.scalar(select(Invite))
        assert invite is not None and invite.uses == 1
        with pytest.raises(InviteUsedUp):
            await signup.consent(
                session=session,
                invite_id=invite.id,
                telegram_user_id=7002,
                chat_id=7002,
                first_name="Tom",
                language="en",
                now=NOW,
            )
        assert (await session.get(Person, person_id)) is not None


async def test_slots_are_set_not_toggled(db: Database) -> None:
    person_id = await _signed_up(db)
    async with db.begin() as session:
        for _ in range(2):  # the same press twice (two grids): still on
            slots = await availability.set_slot(
                session=session, person_id=person_id, weekday=5, day_part="afternoon", on=True
            )
            assert slots == {(5, "afternoon")}
    async with db.begin() as session:
        for _ in range(2):
            slots = await availability.set_slot(
                session=session, person_id=person_id, weekday=5, day_part="afternoon", on=False
            )
            assert slots == set()
        assert (await session.scalars(select(AvailabilitySlot))).all() == []
        with pytest.raises(InvalidInput):
            await availability.set_slot(
                session=session, person_id=person_id, weekday=9, day_part="morning", on=True
            )


async def test_choices_are_set_not_toggled_and_forged_codes_are_refused(db: Database) -> None:
    person_id = await _signed_up(db, role="resident")
    async with db.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        for _ in range(2):
            chosen = await signup.set_choice(
                session=session, person=person, step=Choice.WANTS, code="shopping", on=True, now=NOW
            )
            assert chosen == {"shopping"}
        with pytest.raises(InvalidInput):  # residents do not ask for a doorstep conversation
            await signup.set_choice(
                session=session, person=person, step=Choice.WANTS, code="doorstep", on=True, now=NOW
            )
        # one help request per need (issue 6): its tasks are child rows
        assert (await session.scalars(select(HelpRequestTask.task))).all() == ["shopping"]
        chosen = await signup.set_choice(
            session=session, person=person, step=Choice.SPOKEN, code="tr", on=True, now=NOW
        )
        assert chosen == {"tr"} and person.spoken_languages == ["tr"]


async def test_a_buurt_outside_the_invite_area_is_refused(db: Database) -> None:
    person_id = await _signed_up(db)
    async with db.begin() as session:
        person = await session.get(Person, person_id)
        outside = await find_area(session, "Jordaan")
        inside = await find_area(session, "Planciusbuurt Noord")
        assert person is not None and outside is not None and inside is not None
        for forged in (outside.id, 2**31 - 1):
            with pytest.raises(NotAllowed):
                await signup.choose_buurt(session=session, person=person, buurt_id=forged)
        await signup.choose_buurt(session=session, person=person, buurt_id=inside.id)
        assert person.buurt_id == inside.id
        options = await signup.buurt_options(session=session, person=person)
        assert options.area_name == "Haarlemmerbuurt"
        assert "Planciusbuurt Noord" in [name for _, name in options.buurten]


async def test_only_the_offered_pause_lengths(db: Database) -> None:
    person_id = await _signed_up(db)
    today = NOW.astimezone(AMS).date()
    async with db.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        for days in (366, 1, 0, 8):
            with pytest.raises(InvalidInput):
                availability.pause_for(person=person, days=days, today=today)
        assert person.paused_until is None
        until = availability.pause_for(person=person, days=14, today=today)
        assert until == today + dt.timedelta(days=14) == person.paused_until
