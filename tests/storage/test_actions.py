"""Actions (`bot.domain.actions`): draft checks, who is called and when, who may plan,
cancelling, the roster, and erasing a volunteer who holds a place. On SQLite and PostgreSQL.

Times: now is Monday 3 May 2027 10:00 CEST; the action is Saturday 8 May 14:00-17:00 CEST
(12:00-15:00 UTC), which needs the slot (5, 'afternoon').
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import people
from bot.domain.actions import (
    ActionDraft,
    CallPlan,
    call_recipients,
    cancel_action,
    validate_draft,
)
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput, NotAllowed, NotFound
from bot.domain.roster import roster
from bot.domain.rsvp import answer
from storage.db import Database
from storage.models import (
    Action,
    AvailabilitySlot,
    Offer,
    OutboxMessage,
    Person,
    Rsvp,
)
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
NOW = dt.datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
STARTS = dt.datetime(2027, 5, 8, 12, 0, tzinfo=UTC)
ENDS = dt.datetime(2027, 5, 8, 15, 0, tzinfo=UTC)
DELAY = dt.timedelta(hours=2)
SAT_AFTERNOON = (5, "afternoon")


async def calls(session: AsyncSession, action_id: int) -> dict[int, tuple[str, dt.datetime]]:
    """person id -> (status, due_at) of the action's call rows."""
    rows = await session.execute(
        select(OutboxMessage.person_id, OutboxMessage.status, OutboxMessage.due_at).where(
            OutboxMessage.action_id == action_id, OutboxMessage.message_key == "action_call"
        )
    )
    return {pid: (status, due) for pid, status, due in rows.all()}


# --- validate_draft ------------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "kind": "street_stand",
    "title": "Klaptafel op de Haarlemmerdijk",
    "area_id": 1,
    "meeting_place": "Haarlemmerplein",
    "starts_at": STARTS,
    "ends_at": ENDS,
    "volunteers_needed": 6,
    "now": NOW,
}


def test_validate_draft_accepts_and_tidies_whitespace() -> None:
    draft = validate_draft(
        **{**GOOD, "title": "  Klaptafel \n op de   Haarlemmerdijk ", "meeting_place": " A  B "}
    )
    assert draft == ActionDraft(
        kind="street_stand",
        title="Klaptafel op de Haarlemmerdijk",
        area_id=1,
        meeting_place="A B",
        starts_at=STARTS,
        ends_at=ENDS,
        volunteers_needed=6,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "   \n  "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"meeting_place": ""}, "meeting_place"),
        ({"meeting_place": "\t"}, "meeting_place"),
        ({"meeting_place": "p" * 201}, "meeting_place"),
        ({"starts_at": NOW, "ends_at": NOW + dt.timedelta(hours=1)}, "starts_at"),
        ({"starts_at": NOW - dt.timedelta(days=1)}, "starts_at"),
        ({"ends_at": STARTS}, "ends_at"),
        ({"ends_at": STARTS - dt.timedelta(minutes=1)}, "ends_at"),
        ({"ends_at": STARTS + dt.timedelta(hours=12, seconds=1)}, "ends_at"),
        ({"volunteers_needed": 0}, "volunteers_needed"),
        ({"volunteers_needed": -3}, "volunteers_needed"),
        ({"volunteers_needed": 501}, "volunteers_needed"),
        # The first bad field is named.
        ({"kind": "party", "title": ""}, "kind"),
        ({"title": "", "volunteers_needed": 0}, "title"),
    ],
)
def test_validate_draft_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        validate_draft(**{**GOOD, **changes})
    assert info.value.field == field


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "x" * 120},
        {"meeting_place": "p" * 200},
        {"starts_at": NOW + dt.timedelta(seconds=1), "ends_at": NOW + dt.timedelta(hours=1)},
        {"ends_at": STARTS + dt.timedelta(hours=12)},
        {"ends_at": STARTS + dt.timedelta(minutes=1)},
        {"volunteers_needed": 1},
        {"volunteers_needed": 500},
        {"kind": "doorstep"},
        {"kind": "other"},
    ],
)
def test_validate_draft_accepts_the_bounds(changes: dict[str, Any]) -> None:
    draft = validate_draft(**{**GOOD, **changes})
    assert draft.volunteers_needed == changes.get("volunteers_needed", 6)


# --- who is called, and when ---------------------------------------------------------------


async def test_call_goes_to_fitting_volunteers_first_and_others_later(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        fri = dt.date(2027, 5, 7)
        sat = dt.date(2027, 5, 8)
        # Called (created in an order that mixes fitting and not fitting):
        no_fit = await make.person(session, "Noor", slots={(5, "morning")})
        fit = await make.person(session, "Fleur", slots={SAT_AFTERNOON})
        no_slots_buurt = await make.person(session, "Bram", buurt="Westerdokseiland")
        fit_buurt = await make.person(
            session, "Pim", buurt="Planciusbuurt Noord", slots={SAT_AFTERNOON, (0, "morning")}
        )
        fit_centrum = await make.person(session, "Cees", area="Centrum", slots={SAT_AFTERNOON})
        paused_before = await make.person(
            session, "Pauline", slots={SAT_AFTERNOON}, paused_until=fri
        )
        # Not called:
        await make.person(session, "Stop", slots={SAT_AFTERNOON}, stopped=True)
        await make.person(session, "Weg", slots={SAT_AFTERNOON}, unreachable=True)
        await make.person(session, "Pauze", slots={SAT_AFTERNOON}, paused_until=sat)
        await make.person(
            session, "Lang", slots={SAT_AFTERNOON}, paused_until=sat + dt.timedelta(days=30)
        )
        await make.person(session, "Nieuw", slots={SAT_AFTERNOON}, onboarded=False)
        await make.person(session, "Ria", role="resident", slots={SAT_AFTERNOON})
        await make.person(session, "Karel", role="coordinator", slots={SAT_AFTERNOON})
        await make.person(session, "Joop", area="Jordaan", slots={SAT_AFTERNOON})
        await make.person(session, "Jet", area="Jordaan", buurt="Marnixbuurt Noord")
        await make.person(session, "Bea", area="Burgwallen-Nieuwe Zijde", slots={SAT_AFTERNOON})

        action, call_plan = await make.planned_action(session, coordinator=coordinator)

        assert call_plan == CallPlan(first_wave=4, second_wave=2)
        assert await calls(session, action.id) == {
            fit.id: ("pending", NOW),
            fit_buurt.id: ("pending", NOW),
            fit_centrum.id: ("pending", NOW),
            paused_before.id: ("pending", NOW),
            no_fit.id: ("pending", NOW + DELAY),
            no_slots_buurt.id: ("pending", NOW + DELAY),
        }
        rows = await session.execute(
            select(OutboxMessage.dedup_key, OutboxMessage.not_after, OutboxMessage.chat_id).where(
                OutboxMessage.action_id == action.id, OutboxMessage.person_id == fit.id
            )
        )
        assert rows.all() == [(f"action_call:{action.id}:{fit.id}", STARTS, fit.chat_id)]

        recipients = await call_recipients(session=session, action=action, tz=AMS)
        # One query returns ids, not Person objects (set-based calls, issue 7 item 4).
        assert [(r.person_id, r.chat_id, r.fits) for r in recipients] == [
            (fit.id, fit.chat_id, True),
            (fit_buurt.id, fit_buurt.chat_id, True),
            (fit_centrum.id, fit_centrum.chat_id, True),
            (paused_before.id, paused_before.chat_id, True),
            (no_fit.id, no_fit.chat_id, False),
            (no_slots_buurt.id, no_slots_buurt.chat_id, False),
        ]
        stored = await session.get(Action, action.id)
        assert stored is not None
        assert (stored.status, stored.confirmed_count, stored.created_by_id) == (
            "open",
            0,
            coordinator.id,
        )


async def test_no_time_for_a_second_wave_calls_everyone_at_once(db: Database) -> None:
    starts = NOW + dt.timedelta(hours=1)  # sooner than the 2-hour second-wave delay
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        late = await make.person(session, "Laat")  # no slots: second wave

        action, call_plan = await make.planned_action(
            session,
            coordinator=coordinator,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )

        assert call_plan == CallPlan(first_wave=1, second_wave=0)
        assert await calls(session, action.id) == {late.id: ("pending", NOW)}


async def test_pause_is_judged_on_the_local_day_of_the_action(db: Database) -> None:
    # Saturday 8 May 00:30-02:00 CEST = Friday 7 May 22:30-24:00 UTC.
    starts = dt.datetime(2027, 5, 7, 22, 30, tzinfo=UTC)
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        until_friday = await make.person(session, "Vrij", paused_until=dt.date(2027, 5, 7))
        await make.person(session, "Zat", paused_until=dt.date(2027, 5, 8))

        action, call_plan = await make.planned_action(
            session,
            coordinator=coordinator,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )

        assert call_plan == CallPlan(first_wave=0, second_wave=1)
        assert set(await calls(session, action.id)) == {until_friday.id}


async def test_buurt_action_calls_its_buurt_and_the_wijk_but_not_sibling_buurten(
    db: Database,
) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        wijk = await make.person(session, "Wijk", slots={SAT_AFTERNOON})
        same = await make.person(session, "Zelf", buurt="Planciusbuurt Noord")
        await make.person(session, "Buur", buurt="Planciusbuurt Zuid", slots={SAT_AFTERNOON})

        action, call_plan = await make.planned_action(
            session, coordinator=coordinator, area="Planciusbuurt Noord"
        )

        assert call_plan == CallPlan(first_wave=1, second_wave=1)
        assert await calls(session, action.id) == {
            wijk.id: ("pending", NOW),
            same.id: ("pending", NOW + DELAY),
        }


async def test_action_with_nobody_to_call(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        action, call_plan = await make.planned_action(session, coordinator=coordinator)
        assert call_plan == CallPlan(first_wave=0, second_wave=0)
        assert await calls(session, action.id) == {}


async def test_action_in_the_repeated_october_hour_can_be_created(db: Database) -> None:
    # 00:45-01:00 UTC = 02:45 CEST - 02:00 CET (regression: fits() raised ValueError here).
    starts = dt.datetime(2027, 10, 31, 0, 45, tzinfo=UTC)
    ends = dt.datetime(2027, 10, 31, 1, 0, tzinfo=UTC)
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        night_owl = await make.person(session, "Uil")

        action, call_plan = await make.planned_action(
            session, coordinator=coordinator, starts_at=starts, ends_at=ends
        )

        assert call_plan == CallPlan(first_wave=0, second_wave=1)
        assert set(await calls(session, action.id)) == {night_owl.id}


# --- who may plan --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planner_area", "action_area"),
    [
        ("Centrum", "Haarlemmerbuurt"),
        ("Centrum-West", "Haarlemmerbuurt"),
        ("Haarlemmerbuurt", "Haarlemmerbuurt"),
        ("Haarlemmerbuurt", "Planciusbuurt Noord"),
    ],
)
async def test_coordinator_may_plan_in_own_area_and_below(
    db: Database, planner_area: str, action_area: str
) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator", area=planner_area)
        action, _ = await make.planned_action(session, coordinator=coordinator, area=action_area)
        assert action.area_id == await make.area_id(session, action_area)


@pytest.mark.parametrize(
    ("role", "planner_area", "action_area", "onboarded"),
    [
        ("coordinator", "Jordaan", "Haarlemmerbuurt", True),
        ("coordinator", "Centrum-Oost", "Haarlemmerbuurt", True),
        ("coordinator", "Haarlemmerbuurt", "Centrum", True),
        ("coordinator", "Planciusbuurt Noord", "Haarlemmerbuurt", True),
        ("coordinator", "Centrum", "Haarlemmerbuurt", False),
        ("volunteer", "Haarlemmerbuurt", "Haarlemmerbuurt", True),
        ("resident", "Haarlemmerbuurt", "Haarlemmerbuurt", True),
    ],
)
async def test_planning_refused(
    db: Database, role: str, planner_area: str, action_area: str, onboarded: bool
) -> None:
    async with db.begin() as session:
        planner = await make.person(
            session, "Plan", role=role, area=planner_area, onboarded=onboarded
        )
        await make.person(session, "Vera", slots={SAT_AFTERNOON})
        with pytest.raises(NotAllowed):
            await make.planned_action(session, coordinator=planner, area=action_area)
        assert await session.scalar(select(func.count()).select_from(Action)) == 0
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- cancelling ----------------------------------------------------------------------------


async def test_cancel_drops_pending_messages_and_tells_everyone_who_answered(
    db: Database,
) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator", area="Centrum")
        names = ("Ans", "Bas", "Cor", "Dirk", "Eva", "Fien")
        a, b, c, d, e, f = [await make.person(session, n, slots={SAT_AFTERNOON}) for n in names]
        action, _ = await make.planned_action(session, coordinator=coordinator, needed=2)
        # Ans's call went out already; the others are still pending.
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.action_id == action.id, OutboxMessage.person_id == a.id)
            .values(status="sent")
        )
        answers = [(a, "yes"), (b, "yes"), (c, "yes"), (d, "maybe"), (e, "no")]
        for i, (person, what) in enumerate(answers):
            await answer(
                session=session,
                action_id=action.id,
                person=person,
                answer=what,
                now=NOW + dt.timedelta(minutes=i),
                tz=AMS,
            )
        when = NOW + dt.timedelta(hours=1)

        told = await cancel_action(
            session=session, coordinator=coordinator, action_id=action.id, now=when
        )

        assert told == 5
        rows = await session.execute(
            select(OutboxMessage.person_id, OutboxMessage.message_key, OutboxMessage.status).where(
                OutboxMessage.action_id == action.id
            )
        )
        got = sorted(rows.all())
        expected = sorted(
            [
                (a.id, "action_call", "sent"),
                *[(p.id, "action_call", "cancelled") for p in (b, c, d, e, f)],
                *[
                    (p.id, key, "cancelled")
                    for p in (a, b)
                    for key in ("reminder_24h", "reminder_2h")
                ],
                *[(p.id, "action_cancelled", "pending") for p in (a, b, c, d, e)],
                # the coordinator's "Who came?" at the end is not needed any more
                (coordinator.id, "attendance_ask", "cancelled"),
                # nor the "full" notice, nor Dirk's "Weet je het al?" (issue 7)
                (coordinator.id, "coordinator_notice", "cancelled"),
                (d.id, "maybe_followup", "cancelled"),
            ]
        )
        assert got == expected
        due = await session.execute(
            select(OutboxMessage.due_at, OutboxMessage.dedup_key).where(
                OutboxMessage.message_key == "action_cancelled", OutboxMessage.person_id == c.id
            )
        )
        assert due.all() == [(when, f"action_cancelled:{action.id}:{c.id}")]
        stored = await session.get(Action, action.id)
        assert stored is not None
        assert (stored.status, stored.cancelled_at) == ("cancelled", when)

        with pytest.raises(ActionCancelled):
            await cancel_action(
                session=session, coordinator=coordinator, action_id=action.id, now=when
            )
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.message_key == "action_cancelled")
        )
        assert count == 5


async def test_cancel_notices_are_not_sent_after_the_start(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        vera = await make.person(session, "Vera", slots={SAT_AFTERNOON})
        action, _ = await make.planned_action(session, coordinator=coordinator)
        await answer(
            session=session, action_id=action.id, person=vera, answer="yes", now=NOW, tz=AMS
        )

        await cancel_action(session=session, coordinator=coordinator, action_id=action.id, now=NOW)

        rows = await session.execute(
            select(OutboxMessage.person_id, OutboxMessage.due_at, OutboxMessage.not_after).where(
                OutboxMessage.message_key == "action_cancelled"
            )
        )
        assert rows.all() == [(vera.id, NOW, STARTS)]


@pytest.mark.parametrize(
    "when",
    [STARTS, STARTS + dt.timedelta(minutes=30), ENDS + dt.timedelta(days=1)],
    ids=["at-the-start", "while-it-runs", "after-the-end"],
)
async def test_an_action_that_started_cannot_be_cancelled(db: Database, when: dt.datetime) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        vera = await make.person(session, "Vera", slots={SAT_AFTERNOON})
        later = await make.person(session, "Laat")  # second wave: call still pending
        action, _ = await make.planned_action(session, coordinator=coordinator)
        await answer(
            session=session, action_id=action.id, person=vera, answer="yes", now=NOW, tz=AMS
        )
        before = sorted(
            (
                await session.execute(
                    select(OutboxMessage.dedup_key, OutboxMessage.status).where(
                        OutboxMessage.action_id == action.id
                    )
                )
            ).all()
        )

        with pytest.raises(ActionStarted):
            await cancel_action(
                session=session, coordinator=coordinator, action_id=action.id, now=when
            )

        stored = await session.get(Action, action.id)
        assert stored is not None
        assert (stored.status, stored.cancelled_at) == ("open", None)
        after = sorted(
            (
                await session.execute(
                    select(OutboxMessage.dedup_key, OutboxMessage.status).where(
                        OutboxMessage.action_id == action.id
                    )
                )
            ).all()
        )
        assert after == before  # nothing queued, nothing dropped
        assert (f"action_call:{action.id}:{later.id}", "pending") in after
        assert not any(key.startswith("action_cancelled") for key, _ in after)


async def test_cancel_refused_for_other_wijk_and_unknown_action(db: Database) -> None:
    async with db.begin() as session:
        owner = await make.person(session, "Coco", role="coordinator")
        other = await make.person(session, "Jord", role="coordinator", area="Jordaan")
        action, _ = await make.planned_action(session, coordinator=owner)

        with pytest.raises(NotFound):  # outside their area: the same as unknown (issue 9)
            await cancel_action(session=session, coordinator=other, action_id=action.id, now=NOW)
        with pytest.raises(NotFound):
            await cancel_action(
                session=session, coordinator=owner, action_id=action.id + 999, now=NOW
            )
        stored = await session.get(Action, action.id)
        assert stored is not None and stored.status == "open"


# --- roster --------------------------------------------------------------------------------


async def test_roster_groups_names_in_answer_order_and_counts_deliveries(db: Database) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        names = ("Ans", "Bas", "Cor", "Dirk", "Eva", "Fien", "Gijs", "Hanna")
        vols = {n: await make.person(session, n, slots={SAT_AFTERNOON}) for n in names}
        action, _ = await make.planned_action(session, coordinator=coordinator, needed=2)
        order = [
            ("Cor", "yes"),
            ("Ans", "maybe"),
            ("Fien", "yes"),
            ("Bas", "no"),
            ("Eva", "yes"),
            ("Dirk", "yes"),
            ("Gijs", "maybe"),
        ]
        for i, (name, what) in enumerate(order):
            await answer(
                session=session,
                action_id=action.id,
                person=vols[name],
                answer=what,
                now=NOW + dt.timedelta(minutes=i),
                tz=AMS,
            )
        for name, status in (
            ("Ans", "sent"),
            ("Bas", "sent"),
            ("Cor", "blocked"),
            ("Dirk", "failed"),
            ("Eva", "sending"),
            ("Fien", "expired"),
        ):
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.action_id == action.id,
                    OutboxMessage.person_id == vols[name].id,
                    OutboxMessage.message_key == "action_call",
                )
                .values(status=status)
            )

        result = await roster(session=session, coordinator=coordinator, action_id=action.id)

        assert result.action.id == action.id
        assert result.area_name == "Haarlemmerbuurt"
        assert result.confirmed == ["Cor", "Fien"]
        assert result.waitlisted == ["Eva", "Dirk"]
        assert result.maybe == ["Ans", "Gijs"]
        assert result.declined == ["Bas"]
        # Gijs and Hanna's calls are pending; Eva's is being sent (counted as pending).
        # Reminder rows of Cor and Fien are not counted.
        assert result.delivery == {
            "sent": 2,
            "blocked": 1,
            "failed": 1,
            "pending": 3,
            "expired": 1,
            "cancelled": 0,
        }
        assert result.called == 8

        # A change of mind moves a name: Cor leaves, Eva gets the place.
        await answer(
            session=session,
            action_id=action.id,
            person=vols["Cor"],
            answer="no",
            now=NOW + dt.timedelta(hours=1),
            tz=AMS,
        )
        again = await roster(session=session, coordinator=coordinator, action_id=action.id)
        assert (again.confirmed, again.waitlisted, again.declined) == (
            ["Fien", "Eva"],
            ["Dirk"],
            ["Bas", "Cor"],
        )


async def test_roster_refused_outside_the_coordinators_area(db: Database) -> None:
    async with db.begin() as session:
        owner = await make.person(session, "Coco", role="coordinator")
        other = await make.person(session, "Jord", role="coordinator", area="Jordaan")
        volunteer = await make.person(session, "Vera")
        action, _ = await make.planned_action(session, coordinator=owner)
        with pytest.raises(NotFound):  # outside their area: the same as unknown (issue 9)
            await roster(session=session, coordinator=other, action_id=action.id)
        with pytest.raises(NotAllowed):
            await roster(session=session, coordinator=volunteer, action_id=action.id)
        with pytest.raises(NotFound):
            await roster(session=session, coordinator=owner, action_id=action.id + 999)


# --- erasure -------------------------------------------------------------------------------


async def test_erasing_a_confirmed_volunteer_promotes_the_waitlist_and_deletes_their_rows(
    db: Database,
) -> None:
    when = NOW + dt.timedelta(hours=1)
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        gone = await make.person(session, "Weg", slots={SAT_AFTERNOON, (0, "morning")})
        await people.set_offers(session=session, person=gone, tasks=["doorstep", "shopping"])
        stays = await make.person(session, "Blijf", slots={SAT_AFTERNOON})
        waiting = await make.person(session, "Wacht", slots={SAT_AFTERNOON})
        action, _ = await make.planned_action(session, coordinator=coordinator, needed=2)
        for i, person in enumerate((gone, stays, waiting)):
            await answer(
                session=session,
                action_id=action.id,
                person=person,
                answer="yes",
                now=NOW + dt.timedelta(minutes=i),
                tz=AMS,
            )
        gone_id, action_id = gone.id, action.id

    async with db.begin() as session:
        person = await session.get(Person, gone_id)
        assert person is not None
        await people.erase(session=session, person=person, now=when, tz=AMS)

    async with db.begin() as session:
        assert await session.get(Person, gone_id) is None
        for model in (Rsvp, OutboxMessage, AvailabilitySlot, Offer):
            count = await session.scalar(
                select(func.count()).select_from(model).where(model.person_id == gone_id)
            )
            assert count == 0, model.__name__
        rsvps = await session.execute(
            select(Rsvp.person_id, Rsvp.status).where(Rsvp.action_id == action_id)
        )
        assert dict(rsvps.all()) == {stays.id: "confirmed", waiting.id: "confirmed"}
        assert (
            await session.scalar(select(Action.confirmed_count).where(Action.id == action_id)) == 2
        )
        rows = await session.execute(
            select(OutboxMessage.message_key, OutboxMessage.status, OutboxMessage.due_at).where(
                OutboxMessage.person_id == waiting.id
            )
        )
        assert sorted(rows.all()) == [
            ("action_call", "pending", NOW),
            ("reminder_24h", "pending", dt.datetime(2027, 5, 7, 12, 0, tzinfo=UTC)),
            ("reminder_2h", "pending", dt.datetime(2027, 5, 8, 10, 0, tzinfo=UTC)),
            ("waitlist_promoted", "pending", when),
        ]


async def test_cancel_also_tells_volunteers_whose_call_arrived_but_who_did_not_answer(
    db: Database,
) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Coco", role="coordinator")
        silent = await make.person(session, "Stil")  # got the call, never answered
        unsent = await make.person(session, "Nognietgestuurd")  # call still waiting
        action, _ = await make.planned_action(session, coordinator=coordinator, needed=2)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.action_id == action.id, OutboxMessage.person_id == silent.id)
            .values(status="sent")
        )

        told = await cancel_action(
            session=session, coordinator=coordinator, action_id=action.id, now=NOW
        )

        assert told == 1
        rows = await session.execute(
            select(OutboxMessage.person_id, OutboxMessage.message_key, OutboxMessage.status).where(
                OutboxMessage.action_id == action.id
            )
        )
    assert sorted(rows.all()) == sorted(
        [
            (silent.id, "action_call", "sent"),
            (silent.id, "action_cancelled", "pending"),
            (unsent.id, "action_call", "cancelled"),
            (coordinator.id, "attendance_ask", "cancelled"),
        ]
    )
