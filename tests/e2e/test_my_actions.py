"""Volunteers manage their own: /mijnacties, calendar files, attendance (issue 8).

Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL. Clock:
Monday 1 December 2031, 10:00 in Amsterdam; actions on Saturday 6 December (14:00-16:00
Amsterdam time, i.e. 13:00-15:00 UTC) and Sunday 7 December.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import actions
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.fake_bot_api.messages import BotMessage
from sandbox.harness import BotUnderTest, add_person, tap
from storage.areas import find_area
from storage.models import Attendance, CalendarCopy, OutboxMessage, Person, Rsvp

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
SAT = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)  # 14:00 in Amsterdam
SUN = dt.datetime(2031, 12, 7, 10, 0, tzinfo=dt.UTC)  # 11:00 in Amsterdam
CALL = "New action in Jordaan: can you help?"
CONFIRMED = "Your answer: Yes — see you there!"
MAYBE = "Your answer: Maybe — tap Yes when you know you can come."
NO = "Your answer: No — thank you for letting us know."
STAND = "Street stand\nWhen: Saturday 6 December, 14:00 to 16:00\nWhere: Noordermarkt, Jordaan"
GONE = "This button no longer works."
# available every morning and afternoon, so every call comes at once (no second wave)
EVERY_DAY = [(day, part) for day in range(7) for part in ("morning", "afternoon")]


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _volunteers(wijkbot: BotUnderTest, fake: FakeBotAPI, *names: str) -> list[FakeUser]:
    users = []
    for i, name in enumerate(names):
        user = fake.user(4001 + i, name, language_code="en")
        await add_person(
            wijkbot, user, role="volunteer", area="Jordaan", language="en", slots=EVERY_DAY
        )
        users.append(user)
    return users


async def _coordinator(wijkbot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
    coord = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    return coord


async def _plan(wijkbot: BotUnderTest, title: str, starts: dt.datetime, needed: int) -> int:
    """Carla (coordinator of Centrum) plans a street stand in the Jordaan (domain call)."""
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Jordaan")
        carla = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert area is not None and carla is not None
        draft = actions.validate_draft(
            kind="street_stand",
            title=title,
            area_id=area.id,
            meeting_place="Noordermarkt",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            volunteers_needed=needed,
            now=wijkbot.clock.now(),
        )
        action, _ = await actions.create_action(
            session=session,
            coordinator=carla,
            draft=draft,
            now=wijkbot.clock.now(),
            tz=AMS,
            second_wave_delay=dt.timedelta(hours=2),
        )
        return action.id


async def _answer_call(user: FakeUser, title: str, label: str, expect: str) -> None:
    call = await user.wait_for(predicate=lambda m: title in m.text and CALL in m.text)
    mark = user.mark()
    await user.press(label, message_id=call.message_id)
    await user.wait_for(expect, after=mark)


async def _my_actions(user: FakeUser, count: int) -> list[BotMessage]:
    """Send /myactions; return the header and the `count` messages sent after it."""
    mark = user.mark()
    await user.send("/myactions")
    header = await user.wait_for("Tap another answer", after=mark)

    def after_header() -> list[BotMessage]:
        return [m for m in user.messages_after(header.seq) if m.message_id != header.message_id]

    await user.wait_for(predicate=lambda _m: len(after_header()) >= count, after=mark)
    return [header, *after_header()]


def _documents_of(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.messages if m.kind == "document"]


async def _documents(user: FakeUser, count: int) -> list[Calendar]:
    """Wait for `count` documents in the chat; each must be an .ics, parsed with icalendar."""
    await user.wait_for(predicate=lambda _m: len(_documents_of(user)) >= count)
    found = []
    for message in _documents_of(user):
        assert message.document_name is not None and message.document_name.endswith(".ics")
        assert message.document is not None
        found.append(Calendar.from_ical(message.document))
    return found


async def test_my_actions_after_yes_maybe_and_a_promotion(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera, wim = await _volunteers(wijkbot, fake, "Vera", "Wim")
    await _coordinator(wijkbot, fake)
    stand = await _plan(wijkbot, "Klaptafel", SAT, needed=1)
    soup = await _plan(wijkbot, "Soep & <koffie>", SUN, needed=3)

    empty_mark = vera.mark()
    await vera.send("/myactions")
    empty = await vera.wait_for("not answered", after=empty_mark)
    assert empty.text.startswith("You have not answered any upcoming action yet.")

    await _answer_call(vera, "Klaptafel", "Yes", CONFIRMED)
    await _answer_call(vera, "Soep", "Maybe", MAYBE)
    await _answer_call(wim, "Klaptafel", "Yes", "waiting list")

    header, first, second = await _my_actions(vera, 2)
    assert header.text == "Your upcoming actions (2). Tap another answer to change one."
    assert first.text == f"Klaptafel\n{STAND}\n1 volunteer needed\n\n{CONFIRMED}"
    assert second.text.startswith("Soep & <koffie>\nStreet stand\nWhen: Sunday 7 December, 11:00")
    assert second.text.endswith(f"\n\n{MAYBE}")
    assert first.labels == second.labels == ["Yes", "Maybe", "No"]

    header, only = await _my_actions(wim, 1)
    assert header.text == "Your upcoming action (1). Tap another answer to change it."
    assert only.text.endswith(
        "Your answer: Yes — the action is full, you are number 1 on the waiting list."
    )

    # Vera gives up her place from /myactions: the message is edited, Wim moves up
    mark = vera.mark()
    await vera.press("No", message_id=first.message_id)
    edited = await vera.wait_for(NO, after=mark)
    assert edited.message_id == first.message_id
    await wim.wait_for("Good news: a place came free")
    _, only = await _my_actions(wim, 1)
    assert only.text.endswith(CONFIRMED)

    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(Person.display_name, Rsvp.action_id, Rsvp.answer, Rsvp.status)
            .join(Person, Person.id == Rsvp.person_id)
            .order_by(Person.display_name, Rsvp.action_id)
        )
        assert rows.all() == [
            ("Vera", stand, "no", "none"),
            ("Vera", soup, "maybe", "none"),
            ("Wim", stand, "yes", "confirmed"),
        ]

    # Dutch command name, Dutch texts
    nl = fake.user(4100, "Noor", language_code="nl")
    await add_person(wijkbot, nl, role="volunteer", area="Jordaan", language="nl")
    await nl.send("/mijnacties")
    answer = await nl.wait_for("Je hebt")
    assert answer.text.startswith("Je hebt nog geen antwoord gegeven")


async def test_more_than_ten_actions_show_ten_and_a_count(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    (vera,) = await _volunteers(wijkbot, fake, "Vera")
    await _coordinator(wijkbot, fake)
    for day in range(12):
        await _plan(wijkbot, f"Actie {day + 1:02d}", SAT + dt.timedelta(days=day), needed=5)
    for day in range(12):
        await _answer_call(vera, f"Actie {day + 1:02d}", "Maybe", MAYBE)
    shown = await _my_actions(vera, 11)
    assert shown[0].text.startswith("Your upcoming actions (12).")
    titles = [m.text.split("\n", 1)[0] for m in shown[1:11]]
    assert titles == [f"Actie {n:02d}" for n in range(1, 11)]
    assert shown[11].text.startswith("+2 more later actions")
    assert all(len(m.raw_text or "") < 4096 for m in shown)


async def test_calendar_file_on_yes_and_cancel_file_on_cancel(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera, mia = await _volunteers(wijkbot, fake, "Vera", "Mia")
    carla = await _coordinator(wijkbot, fake)
    stand = await _plan(wijkbot, "Klaptafel", SAT, needed=2)
    await _answer_call(vera, "Klaptafel", "Yes", CONFIRMED)
    await _answer_call(mia, "Klaptafel", "Maybe", MAYBE)

    (cal,) = await _documents(vera, 1)
    assert str(cal["method"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == f"action-{stand}@wijkbot"
    assert int(event["sequence"]) == 0
    start = event.decoded("dtstart")
    assert start == dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Amsterdam"
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("dtend") == dt.datetime(2031, 12, 6, 16, 0, tzinfo=AMS)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(event["summary"]) == "Klaptafel"
    assert str(event["location"]) == "Noordermarkt, Jordaan"
    doc = next(m for m in vera.messages if m.kind == "document")
    assert doc.text == "Add it to your calendar: open this file."
    assert [m for m in mia.messages if m.kind == "document"] == []

    await carla.send("/actions")
    await tap(carla, "Sat 6 Dec 14:00 · Klaptafel")
    await tap(carla, "Cancel action")
    await tap(carla, "Yes, cancel it")
    await carla.wait_for("The action is cancelled.")

    first, cancelled = await _documents(vera, 2)
    assert int(first.walk("VEVENT")[0]["sequence"]) == 0
    assert str(cancelled["method"]) == "CANCEL"
    (event,) = cancelled.walk("VEVENT")
    assert str(event["uid"]) == f"action-{stand}@wijkbot"
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("dtstart") == dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)
    assert [m for m in mia.messages if m.kind == "document"] == []
    async with wijkbot.db.begin() as session:
        copies = (
            await session.execute(select(CalendarCopy.person_id, CalendarCopy.sequence))
        ).all()
        vera_id = await session.scalar(select(Person.id).where(Person.telegram_user_id == vera.id))
        assert copies == [(vera_id, 1)]


async def test_attendance_recorded_shown_and_thanked(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    vera, wim, mia, otto = await _volunteers(wijkbot, fake, "Vera", "Wim", "Mia", "Otto")
    carla = await _coordinator(wijkbot, fake)
    stand = await _plan(wijkbot, "Klaptafel", SAT, needed=3)
    for user in (vera, wim, mia):
        await _answer_call(user, "Klaptafel", "Yes", CONFIRMED)
    await _answer_call(otto, "Klaptafel", "No", NO)

    # before the end nothing is asked, and a forged press is refused
    await carla.send("/help")
    await carla.wait_for("What you can do")
    await carla.press_data(f"att:o:{stand}:0")
    assert (await carla.wait_for_callback_answer()).text == "This action is not over yet."

    clock.set(SAT + dt.timedelta(hours=2, minutes=1))
    ask = await carla.wait_for("is over. Who came?")
    assert ask.text == (
        "Klaptafel (Saturday 6 December) is over. Who came? "
        "Tick who was there, so we can thank them."
    )
    await tap(carla, "Who came?")
    checklist = await carla.wait_for("Who came to Klaptafel?")
    assert checklist.labels == [f"✅ {iso('Vera')}", f"✅ {iso('Wim')}", f"✅ {iso('Mia')}", "Save"]
    assert "3 of 3 ticked." in checklist.text

    mark = carla.mark()
    await tap(carla, "✅ Wim")
    checklist = await carla.wait_for("2 of 3 ticked.", after=mark)
    assert checklist.labels == [f"✅ {iso('Vera')}", f"⬜ {iso('Wim')}", f"✅ {iso('Mia')}", "Save"]

    # a volunteer cannot open it; a forged person id is refused
    await vera.press_data(f"att:o:{stand}:0")
    assert (await vera.wait_for_callback_answer()).text == GONE
    await carla.press_data(f"att:t:{stand}:999999:1:0")
    assert (await carla.wait_for_callback_answer()).text == GONE

    mark = carla.mark()
    await tap(carla, "Save")
    saved = await carla.wait_for("Saved: 2 of 3 came", after=mark)
    assert saved.text == ("Saved: 2 of 3 came to Klaptafel.\n2 volunteers get a thank-you message.")
    thanks = "Thank you for helping at Klaptafel! It made a difference for the neighbourhood."
    assert (await vera.wait_for("Thank you for helping")).text == thanks
    assert (await mia.wait_for("Thank you for helping")).text == thanks
    # the thank-you opens the results screen (issue 10): one tap to record what came up
    mark = vera.mark()
    await tap(vera, "📝 Record results")
    assert (await vera.wait_for("Results: Klaptafel", after=mark)).labels[:3] == ["0", "1", "2"]
    await wijkbot.outbox_idle()
    assert not any("Thank you for helping" in m.text for m in wim.messages + otto.messages)

    # saving again thanks nobody twice
    mark = carla.mark()
    await tap(carla, "Save")
    again = await carla.wait_for("Saved:", after=mark)
    assert again.text.endswith("0 volunteers get a thank-you message.")

    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(Person.display_name, Attendance.attended, Attendance.recorded_by_id)
            .join(Person, Person.id == Attendance.person_id)
            .order_by(Person.display_name)
        )
        carla_id = await session.scalar(select(Person.id).where(Person.telegram_user_id == 2001))
        assert rows.all() == [
            ("Mia", True, carla_id),
            ("Vera", True, carla_id),
            ("Wim", False, carla_id),
        ]
        thanked = await session.scalars(
            select(OutboxMessage.person_id).where(OutboxMessage.message_key == "attendance_thanks")
        )
        assert len(thanked.all()) == 2

    # the roster shows it to the organiser
    mark = carla.mark()
    await carla.press_data(f"act:r:{stand}")
    roster = await carla.wait_for("places filled", after=mark)
    assert f"Came (2): {iso('Mia')}, {iso('Vera')}" in roster.text
    assert f"Did not come (1): {iso('Wim')}" in roster.text
