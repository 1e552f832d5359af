"""Volunteers answer an action call with Yes / Maybe / No (real Application, fake Bot API).

What each person sees is compared with the database rows (Rsvp statuses, the action's
confirmed_count). Clock: Monday 1 December 2031, 10:00 in Amsterdam; the action is on
Saturday 6 December, 14:00-16:00.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Action, OutboxMessage, Person, Rsvp
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
TITLE = "Klaptafel <Jordaan> & co"
SUMMARY = (
    f"{TITLE}\nStreet stand\n"
    "When: Saturday 6 December, 14:00 to 16:00\n"
    "Where: Noordermarkt, Jordaan\n"
)
CALL = "New action in Jordaan: can you help?"
CONFIRMED = "Your answer: Yes — see you there!"
REMINDERS = "You will get a reminder on Friday 5 December at 14:00 and 2 hours before the start."
NO = "Your answer: No — thank you for letting us know."
MAYBE = "Your answer: Maybe — tap Yes when you know you can come."
GONE = "This button no longer works."


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _volunteers(wijkbot: BotUnderTest, fake: FakeBotAPI, count: int) -> list[FakeUser]:
    users = []
    for i in range(count):
        user = fake.user(4001 + i, f"Vol{i + 1}", language_code="en")
        await add_person(
            wijkbot, user, role="volunteer", area="Jordaan", language="en", slots=[(5, "afternoon")]
        )
        users.append(user)
    return users


async def _plan(wijkbot: BotUnderTest, fake: FakeBotAPI, needed: int) -> int:
    """A coordinator of Centrum plans a street stand in the Jordaan (domain call)."""
    coord = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            kind="street_stand",
            title=TITLE,
            meeting_place="Noordermarkt",
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(hours=2),
            needed=needed,
            now=wijkbot.clock.now(),
        )
        return action.id


async def _rows(wijkbot: BotUnderTest, action_id: int) -> tuple[Action, dict[int, tuple[str, str]]]:
    """The action and {telegram user id: (answer, status)} of its RSVPs."""
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None
        rows = await session.execute(
            select(Person.telegram_user_id, Rsvp.answer, Rsvp.status)
            .join(Person, Person.id == Rsvp.person_id)
            .where(Rsvp.action_id == action_id)
        )
        return action, {uid: (answer, status) for uid, answer, status in rows.all()}


async def _answer(user: FakeUser, label: str, expect: str) -> str:
    """Press an answer on the call and wait until the call shows `expect`; returns its text."""
    mark = user.mark()
    await tap(user, label)
    shown = await user.wait_for(expect, after=mark)
    return shown.text


async def test_answers_are_shown_and_can_change(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    (vera,) = await _volunteers(wijkbot, fake, 1)
    action_id = await _plan(wijkbot, fake, needed=2)
    call = await vera.wait_for(CALL)
    assert call.text == f"{CALL}\n\n{SUMMARY}2 volunteers needed"
    assert call.labels == ["Yes", "Maybe", "No"]

    assert await _answer(vera, "Yes", CONFIRMED) == (
        f"{SUMMARY}2 volunteers needed\n\n{CONFIRMED}\n{REMINDERS}"
    )
    assert vera.message(call.message_id).labels == ["Yes", "Maybe", "No"]  # can still change
    # a repeated press changes nothing and does not edit
    edits = len(vera.message(call.message_id).history)
    await tap(vera, "Yes")
    assert (await vera.wait_for_callback_answer()).text == "You already answered this."
    assert len(vera.message(call.message_id).history) == edits
    action, rows = await _rows(wijkbot, action_id)
    assert (action.confirmed_count, rows) == (1, {vera.id: ("yes", "confirmed")})

    await _answer(vera, "Maybe", MAYBE)
    action, rows = await _rows(wijkbot, action_id)
    assert (action.confirmed_count, rows) == (0, {vera.id: ("maybe", "none")})
    await _answer(vera, "No", NO)
    action, rows = await _rows(wijkbot, action_id)
    assert (action.confirmed_count, rows) == (0, {vera.id: ("no", "none")})
    # reminders were queued for the yes and dropped again
    async with wijkbot.db.begin() as session:
        reminders = (
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.message_key.like("reminder%"))
            )
        ).all()
        assert sorted(reminders) == ["cancelled", "cancelled"]


async def test_capacity_waiting_list_and_promotion(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    people = await _volunteers(wijkbot, fake, 8)
    action_id = await _plan(wijkbot, fake, needed=6)
    for user in people:
        await user.wait_for(CALL)
    for user in people[:6]:
        await _answer(user, "Yes", CONFIRMED)
    seventh = await _answer(people[6], "Yes", "waiting list")
    assert seventh.endswith(
        "Your answer: Yes — the action is full, you are number 1 on the waiting list."
    )
    eighth = await _answer(people[7], "Yes", "waiting list")
    assert eighth.endswith("you are number 2 on the waiting list.")
    action, rows = await _rows(wijkbot, action_id)
    assert action.confirmed_count == 6
    assert [rows[u.id][1] for u in people] == ["confirmed"] * 6 + ["waitlisted"] * 2

    # the coordinator's roster agrees with what people saw
    coord = fake.user(2001)
    await coord.send("/actions")
    await tap(coord, f"Sat 6 Dec 14:00 · {TITLE}")
    roster = await coord.wait_for("places filled")
    assert "6 of 6 places filled" in roster.text
    coming = ", ".join(iso(f"Vol{i}") for i in range(1, 7))
    assert f"Coming (6): {coming}" in roster.text  # names isolated (FSI..PDI)
    assert f"Waiting list (2): {iso('Vol7')}, {iso('Vol8')}" in roster.text

    # a confirmed volunteer says No: the first on the waiting list gets the place and a message
    mark = people[6].mark()
    await _answer(people[2], "No", NO)
    promoted = await people[6].wait_for(
        "Good news: a place came free, so you can come and help.", after=mark
    )
    assert promoted.labels == ["Yes", "Maybe", "No"]
    action, rows = await _rows(wijkbot, action_id)
    assert action.confirmed_count == 6
    assert rows[people[2].id] == ("no", "none")
    assert rows[people[6].id] == ("yes", "confirmed")
    assert rows[people[7].id] == ("yes", "waitlisted")
    # pressing Yes on the promotion message: already answered, nothing changes
    await tap(people[6], "Yes")
    assert (await people[6].wait_for_callback_answer()).text == "You already answered this."
    # the old "number 2" line of the eighth is refreshed when she presses again
    await tap(people[7], "Yes")
    assert (await people[7].wait_for_callback_answer()).text == "You already answered this."
    await coord.send("/actions")
    await tap(coord, f"Sat 6 Dec 14:00 · {TITLE}")
    roster = await coord.wait_for("Waiting list (1): Vol8")
    assert f"Not coming (1): {iso('Vol3')}" in roster.text


async def test_eight_yes_at_once_fill_six_places(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    people = await _volunteers(wijkbot, fake, 8)
    action_id = await _plan(wijkbot, fake, needed=6)
    for user in people:
        await user.wait_for(CALL)
    await asyncio.gather(*(tap(user, "Yes") for user in people))
    shown = await asyncio.gather(*(user.wait_for("Your answer: Yes") for user in people))
    confirmed = [m for m in shown if m.text.endswith(f"{CONFIRMED}\n{REMINDERS}")]
    waiting = sorted(m.text.rsplit("number ", 1)[1] for m in shown if "waiting list" in m.text)
    assert len(confirmed) == 6
    assert waiting == ["1 on the waiting list.", "2 on the waiting list."]
    action, rows = await _rows(wijkbot, action_id)
    assert action.confirmed_count == 6
    assert sorted(status for _, status in rows.values()) == ["confirmed"] * 6 + ["waitlisted"] * 2
    for user, message in zip(people, shown, strict=True):
        expected = "confirmed" if message.text.endswith(REMINDERS) else "waitlisted"
        assert rows[user.id] == ("yes", expected)


async def test_forged_and_stale_presses_get_polite_answers(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    (vera,) = await _volunteers(wijkbot, fake, 1)
    action_id = await _plan(wijkbot, fake, needed=2)
    await vera.wait_for(CALL)
    for data in ("rsvp:999999:y", "rsvp:abc", f"rsvp:{action_id}:x", "rsvp:99999999999:y", "rsvp"):
        await vera.press_data(data)
        assert (await vera.wait_for_callback_answer()).text == GONE, data
    # someone from another area (a volunteer of Burgwallen) forges an answer
    other = fake.user(4999, "Otto", language_code="en")
    await add_person(wijkbot, other, role="volunteer", area="Burgwallen-Oude Zijde", language="en")
    await other.send("/help")
    await other.wait_for("volunteer")
    await other.press_data(f"rsvp:{action_id}:y")
    assert (await other.wait_for_callback_answer()).text == GONE
    # not signed up at all
    stranger = fake.user(4998, "Sam", language_code="en")
    await stranger.send("hi")
    await stranger.wait_for("")
    await stranger.press_data(f"rsvp:{action_id}:y")
    assert (await stranger.wait_for_callback_answer()).text == (
        "Please sign up first with your invite link."
    )
    _, rows = await _rows(wijkbot, action_id)
    assert rows == {}

    # after the start, answers are closed
    clock.set(STARTS + dt.timedelta(minutes=1))
    await tap(vera, "Yes")
    closed = "This action has already started; answers are closed."
    assert (await vera.wait_for_callback_answer()).text == closed
    call = await vera.wait_for("this action has already started")  # the call keeps its title
    assert call.text == (
        f"{iso(TITLE)}, Saturday 6 December at 14:00: "
        "this action has already started; answers are closed."
    )
    assert call.labels == []
    _, rows = await _rows(wijkbot, action_id)
    assert rows == {}


async def test_a_forged_answer_before_the_second_wave_call_is_refused(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    """Issue 9, item 12: a volunteer who does not fit is called 2 hours later; forging the
    button before that would skip "fit first". They get the stale-button answer (the same
    as for an id that does not exist) until their call arrives."""
    (vera,) = await _volunteers(wijkbot, fake, 1)
    late = fake.user(4100, "Lotte", language_code="en")
    await add_person(wijkbot, late, role="volunteer", area="Jordaan", language="en")  # no slots
    action_id = await _plan(wijkbot, fake, needed=2)
    await vera.wait_for(CALL)
    await wijkbot.outbox_idle()
    assert not late.messages  # second wave: not yet
    await late.send("/help")
    await late.wait_for("volunteer")
    for data in (f"rsvp:{action_id}:y", "rsvp:999999:y"):
        await late.press_data(data)
        assert (await late.wait_for_callback_answer()).text == GONE, data
    _, rows = await _rows(wijkbot, action_id)
    assert rows == {}

    clock.set(NOW + dt.timedelta(hours=2, minutes=5))  # the second wave is due
    await late.wait_for(CALL)
    await _answer(late, "Yes", CONFIRMED)
    _, rows = await _rows(wijkbot, action_id)
    assert rows == {late.id: ("yes", "confirmed")}


async def test_stopped_volunteer_is_told_how_to_come_back(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    (vera,) = await _volunteers(wijkbot, fake, 1)
    action_id = await _plan(wijkbot, fake, needed=2)
    await vera.wait_for(CALL)
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == vera.id))
        assert person is not None
        person.stopped_at = wijkbot.clock.now()
    await tap(vera, "Yes")
    answer = await vera.wait_for_callback_answer()
    assert answer.text == "You stopped all messages. Send /start to take part again."
    assert answer.show_alert
    _, rows = await _rows(wijkbot, action_id)
    assert rows == {}
