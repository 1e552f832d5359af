"""Action results (`bot.domain.results`), area themes and flyers (`bot.domain.flyers`), on
SQLite and PostgreSQL: what is stored, who may record, when, and what erasure leaves.

Times: the klaptafel is Saturday 8 May 2027 14:00-17:00 CEST (12:00-15:00 UTC) in the
buurt Haarlemmerbuurt West (wijk Haarlemmerbuurt); people signed up on Monday 3 May.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import flyers, invites, people, results
from bot.domain.errors import ActionCancelled, InvalidInput, NotAllowed, NotFound
from bot.domain.rsvp import answer
from storage.areas import find_area
from storage.db import Database
from storage.models import (
    Action,
    ActionResult,
    ActionResultTheme,
    AreaTheme,
    Flyer,
    Invite,
    Person,
    SignUp,
)

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
SIGNED_UP = dt.datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
STARTS = dt.datetime(2027, 5, 8, 12, 0, tzinfo=UTC)
ENDS = dt.datetime(2027, 5, 8, 15, 0, tzinfo=UTC)
DURING = STARTS + dt.timedelta(hours=1)

_telegram_ids = itertools.count(70_000)


async def area_id(session: AsyncSession, name: str) -> int:
    found = await find_area(session, name)
    assert found is not None, name
    return found.id


async def add_person(
    session: AsyncSession,
    name: str,
    *,
    role: str = "volunteer",
    area: str = "Haarlemmerbuurt",
    buurt: str | None = None,
    when: dt.datetime = SIGNED_UP,
    invite_token: str | None = None,
) -> Person:
    """Register and onboard a person through a real invite (its own unless one is given)."""
    if invite_token is None:
        home = await find_area(session, area)
        assert home is not None
        new = await invites.create_invite(session=session, role=role, area=home, now=when)
        invite_token = new.token
    tg = next(_telegram_ids)
    person = await people.register(
        session=session,
        token=invite_token,
        telegram_user_id=tg,
        chat_id=tg,
        first_name=name,
        language="nl",
        now=when,
    )
    if buurt is not None:
        await people.set_buurt(
            session=session, person=person, buurt_id=await area_id(session, buurt)
        )
    people.finish_onboarding(person=person, now=when)
    await session.flush()
    return person


async def add_action(
    session: AsyncSession,
    *,
    buurt: str = "Haarlemmerbuurt West",
    starts_at: dt.datetime = STARTS,
    ends_at: dt.datetime = ENDS,
    volunteers: tuple[Person, ...] = (),
    needed: int = 6,
) -> Action:
    """A klaptafel, with each volunteer given a confirmed place via the RSVP rules."""
    action = Action(
        kind="street_stand",
        title="Klaptafel",
        area_id=await area_id(session, buurt),
        meeting_place="Haarlemmerplein",
        starts_at=starts_at,
        ends_at=ends_at,
        volunteers_needed=needed,
        confirmed_count=0,
        status="open",
        created_at=starts_at - dt.timedelta(days=7),
    )
    session.add(action)
    await session.flush()
    for person in volunteers:
        outcome = await answer(
            session=session,
            action_id=action.id,
            person=person,
            answer="yes",
            now=starts_at - dt.timedelta(days=2),
            tz=AMS,
        )
        assert outcome.status == "confirmed"
    return action


async def stored_results(session: AsyncSession, action_id: int) -> list[tuple]:
    """(person_id, street, conversations, new_residents, sorted themes) per stored row."""
    rows = (
        await session.scalars(
            select(ActionResult)
            .where(ActionResult.action_id == action_id)
            .order_by(ActionResult.id)
        )
    ).all()
    out = []
    for row in rows:
        themes = sorted(
            await session.scalars(
                select(ActionResultTheme.theme).where(ActionResultTheme.result_id == row.id)
            )
        )
        out.append((row.person_id, row.street, row.conversations, row.new_residents, themes))
    return out


def test_themes_file_has_the_seven_field_themes_in_both_languages() -> None:
    themes = results.default_themes()
    assert [t.name("nl") for t in themes] == [
        "eenzaamheid",
        "geldzorgen",
        "onderhoud woning",
        "veiligheid",
        "digitale hulp",
        "taal",
        "gezondheid",
    ]
    assert themes[1].name("en") == "money worries"
    assert themes[1].name("de") == "geldzorgen"  # unknown language: Dutch


async def test_volunteers_and_coordinator_record_per_street_and_corrections_replace(
    db: Database,
) -> None:
    async with db.begin() as session:
        coordinator = await add_person(session, "Noor", role="coordinator", area="Centrum")
        fatima = await add_person(session, "Fatima")
        joost = await add_person(session, "Joost")
        action = await add_action(session, volunteers=(fatima, joost))

        first = await results.record_result(
            session=session,
            person=fatima,
            action_id=action.id,
            conversations=4,
            new_residents=1,
            themes=["money_worries", "loneliness"],
            street="  Haarlemmerdijk ",
            now=DURING,
        )
        assert first.created and first.street == "Haarlemmerdijk"
        assert first.themes == ("loneliness", "money_worries")  # in list order
        # a correction for the same street replaces the numbers and the themes
        again = await results.record_result(
            session=session,
            person=fatima,
            action_id=action.id,
            conversations=5,
            themes=["health"],
            street="Haarlemmerdijk",
            now=ENDS + dt.timedelta(hours=2),
        )
        assert not again.created
        await results.record_result(
            session=session,
            person=fatima,
            action_id=action.id,
            conversations=2,
            street="Binnen Oranjestraat",
            now=ENDS,
        )
        await results.record_result(
            session=session,
            person=joost,
            action_id=action.id,
            conversations=3,
            new_residents=2,
            themes=["health", "safety"],
            now=ENDS,
        )
        await results.record_result(
            session=session,
            person=coordinator,
            action_id=action.id,
            conversations=1,
            themes=["loneliness"],
            now=ENDS + dt.timedelta(days=14),  # the last moment of the window
        )

    async with db.begin() as session:
        assert await stored_results(session, action.id) == [
            (fatima.id, "Haarlemmerdijk", 5, 0, ["health"]),
            (fatima.id, "Binnen Oranjestraat", 2, 0, []),
            (joost.id, "", 3, 2, ["health", "safety"]),
            (coordinator.id, "", 1, 0, ["loneliness"]),
        ]
        summary = await results.action_summary(
            session=session, viewer=coordinator, action_id=action.id
        )
    assert summary.conversations == 11
    assert summary.new_residents == 2
    assert summary.per_street == {"Haarlemmerdijk": 5, "Binnen Oranjestraat": 2, "": 4}
    assert summary.themes == Counter({"health": 2, "safety": 1, "loneliness": 1})
    assert summary.records == 4


async def test_only_confirmed_volunteers_and_coordinators_of_the_area_may_record(
    db: Database,
) -> None:
    async with db.begin() as session:
        came = await add_person(session, "Fatima")
        maybe = await add_person(session, "Sem")
        resident = await add_person(session, "Ans", role="resident")
        elsewhere = await add_person(session, "Kees", role="coordinator", area="Jordaan")
        action = await add_action(session, volunteers=(came,))
        await answer(
            session=session,
            action_id=action.id,
            person=maybe,
            answer="maybe",
            now=SIGNED_UP,
            tz=AMS,
        )
        for person in (maybe, resident, elsewhere):
            with pytest.raises(NotAllowed):
                await results.record_result(
                    session=session,
                    person=person,
                    action_id=action.id,
                    conversations=1,
                    now=DURING,
                )
            with pytest.raises(NotAllowed):
                await results.action_summary(session=session, viewer=person, action_id=action.id)
        with pytest.raises(NotFound):
            await results.record_result(
                session=session, person=came, action_id=action.id + 99, conversations=1, now=DURING
            )
        assert await stored_results(session, action.id) == []


@pytest.mark.parametrize(
    ("when", "error"),
    [
        (STARTS - dt.timedelta(seconds=1), results.ResultsClosed),
        (ENDS + dt.timedelta(days=14, seconds=1), results.ResultsClosed),
    ],
)
async def test_results_only_from_the_start_until_two_weeks_after(
    db: Database, when: dt.datetime, error: type[Exception]
) -> None:
    async with db.begin() as session:
        fatima = await add_person(session, "Fatima")
        action = await add_action(session, volunteers=(fatima,))
        with pytest.raises(error):
            await results.record_result(
                session=session, person=fatima, action_id=action.id, conversations=2, now=when
            )
        assert await stored_results(session, action.id) == []


async def test_no_results_for_a_cancelled_action(db: Database) -> None:
    async with db.begin() as session:
        fatima = await add_person(session, "Fatima")
        action = await add_action(session, volunteers=(fatima,))
        action.status = "cancelled"
        with pytest.raises(ActionCancelled):
            await results.record_result(
                session=session, person=fatima, action_id=action.id, conversations=2, now=DURING
            )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"conversations": -1}, "conversations"),
        ({"conversations": 1001}, "conversations"),
        ({"conversations": True}, "conversations"),
        ({"new_residents": 2.5}, "new_residents"),
        ({"themes": ["knitting"]}, "theme"),
        ({"street": "x" * 81}, "street"),
    ],
)
async def test_bad_values_are_refused_and_nothing_is_stored(
    db: Database, values: dict, field: str
) -> None:
    async with db.begin() as session:
        fatima = await add_person(session, "Fatima")
        action = await add_action(session, volunteers=(fatima,))
        args = {"conversations": 1, **values}
        with pytest.raises(InvalidInput) as caught:
            await results.record_result(
                session=session, person=fatima, action_id=action.id, now=DURING, **args
            )
        assert caught.value.field == field
        assert await stored_results(session, action.id) == []


async def test_the_database_refuses_counts_out_of_range(db: Database) -> None:
    async with db.begin() as session:
        fatima = await add_person(session, "Fatima")
        action = await add_action(session, volunteers=(fatima,))
        action_id = action.id
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            await session.execute(
                insert(ActionResult).values(
                    action_id=action_id,
                    street="",
                    conversations=1001,
                    new_residents=0,
                    recorded_at=DURING,
                    updated_at=DURING,
                )
            )


async def test_area_themes_apply_below_the_area_and_are_not_duplicated(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await add_person(session, "Noor", role="coordinator", area="Centrum")
        fatima = await add_person(session, "Fatima")
        wijk = await area_id(session, "Haarlemmerbuurt")
        added = await results.add_area_theme(
            session=session,
            coordinator=coordinator,
            area_id=wijk,
            name="  Overlast   toeristen ",
            now=SIGNED_UP,
        )
        assert (added.key, added.name("nl"), added.name("en")) == (
            "area_overlast_toeristen",
            "Overlast toeristen",
            "Overlast toeristen",
        )
        # the same name again, or a file theme's name in either language: nothing is added
        same = await results.add_area_theme(
            session=session,
            coordinator=coordinator,
            area_id=wijk,
            name="overlast toeristen",
            now=SIGNED_UP,
        )
        file_theme = await results.add_area_theme(
            session=session,
            coordinator=coordinator,
            area_id=wijk,
            name="Money worries",
            now=SIGNED_UP,
        )
        assert (same.key, file_theme.key) == (added.key, "money_worries")
        assert await session.scalar(select(func.count()).select_from(AreaTheme)) == 1
        for bad in ("x", "y" * 41, "!!!"):
            with pytest.raises(InvalidInput):
                await results.add_area_theme(
                    session=session,
                    coordinator=coordinator,
                    area_id=wijk,
                    name=bad,
                    now=SIGNED_UP,
                )
        with pytest.raises(NotAllowed):
            await results.add_area_theme(
                session=session, coordinator=fatima, area_id=wijk, name="Afval", now=SIGNED_UP
            )

        here = await results.themes_for_area(
            session=session, area_id=await area_id(session, "Haarlemmerbuurt West")
        )
        there = await results.themes_for_area(
            session=session, area_id=await area_id(session, "Marnixbuurt Noord")
        )
        assert [t.key for t in here][-2:] == ["health", "area_overlast_toeristen"]
        assert "area_overlast_toeristen" not in [t.key for t in there]

        action = await add_action(session, volunteers=(fatima,))
        recorded = await results.record_result(
            session=session,
            person=fatima,
            action_id=action.id,
            conversations=2,
            themes=["area_overlast_toeristen"],
            now=DURING,
        )
        assert recorded.themes == ("area_overlast_toeristen",)
        elsewhere = await add_action(session, buurt="Marnixbuurt Noord")
        with pytest.raises(InvalidInput):
            await results.record_result(
                session=session,
                person=coordinator,
                action_id=elsewhere.id,
                conversations=1,
                themes=["area_overlast_toeristen"],
                now=DURING,
            )


async def test_erasure_keeps_the_counts_and_drops_the_link_to_the_person(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await add_person(session, "Noor", role="coordinator", area="Centrum")
        fatima = await add_person(session, "Fatima")
        action = await add_action(session, volunteers=(fatima,))
        await results.record_result(
            session=session,
            person=fatima,
            action_id=action.id,
            conversations=6,
            new_residents=1,
            themes=["language"],
            street="Haarlemmerdijk",
            now=DURING,
        )
        fatima_id = fatima.id
    async with db.begin() as session:
        person = await session.get(Person, fatima_id)
        assert person is not None
        await people.erase(session=session, person=person, now=DURING, tz=AMS)
    async with db.begin() as session:
        assert await session.get(Person, fatima_id) is None
        assert await stored_results(session, action.id) == [
            (None, "Haarlemmerdijk", 6, 1, ["language"])
        ]
        summary = await results.action_summary(
            session=session,
            viewer=await session.get(Person, coordinator.id),
            action_id=action.id,
        )
        assert (summary.conversations, summary.new_residents) == (6, 1)


async def test_a_flyer_has_its_own_invite_and_label_and_sign_ups_go_with_the_person(
    db: Database,
) -> None:
    async with db.begin() as session:
        coordinator = await add_person(session, "Noor", role="coordinator", area="Centrum")
        wijk = await find_area(session, "Haarlemmerbuurt")
        assert wijk is not None
        flyer = await flyers.create_flyer(
            session=session,
            coordinator=coordinator,
            area=wijk,
            role="resident",
            label="  Bibliotheek   Haarlemmerweg ",
            now=SIGNED_UP,
        )
        assert flyer.label == "Bibliotheek Haarlemmerweg"
        assert flyer.expires_at == SIGNED_UP + dt.timedelta(days=90)
        invite = await session.get(Invite, flyer.invite_id)
        assert invite is not None
        assert (invite.role, invite.area_id, invite.created_by_id) == (
            "resident",
            wijk.id,
            coordinator.id,
        )
        assert invite.token_hash == invites.hash_token(flyer.token)
        stored = await session.scalar(select(Flyer).where(Flyer.invite_id == invite.id))
        assert stored is not None and stored.label == "Bibliotheek Haarlemmerweg"

        ans = await add_person(session, "Ans", role="resident", invite_token=flyer.token)
        await flyers.record_sign_up(
            session=session, person=ans, invite_id=flyer.invite_id, now=SIGNED_UP
        )
        for bad in ({"label": "x"}, {"label": "x" * 41}, {"role": "coordinator"}):
            with pytest.raises(InvalidInput):
                await flyers.create_flyer(
                    session=session,
                    coordinator=coordinator,
                    area=wijk,
                    now=SIGNED_UP,
                    **{"role": "volunteer", "label": "Buurthuis", **bad},
                )
        with pytest.raises(NotAllowed):
            await flyers.create_flyer(
                session=session,
                coordinator=ans,
                area=wijk,
                role="resident",
                label="Buurthuis",
                now=SIGNED_UP,
            )
        ans_id = ans.id
    async with db.begin() as session:
        assert await session.scalar(select(SignUp.invite_id).where(SignUp.person_id == ans_id))
        person = await session.get(Person, ans_id)
        assert person is not None
        await people.erase(session=session, person=person, now=SIGNED_UP, tz=AMS)
    async with db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(SignUp)) == 0
        assert await session.scalar(select(func.count()).select_from(Flyer)) == 1
