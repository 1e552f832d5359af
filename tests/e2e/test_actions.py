"""Coordinators plan an action in the chat, list actions, see the roster and cancel.

The real Application polls the fake Bot API server over HTTP (tests/e2e/conftest.py), on
SQLite and PostgreSQL. The clock is set to Monday 1 December 2031, 10:00 in Amsterdam, so
the date buttons and the stored UTC times are known exactly.
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
from storage.areas import find_area
from storage.models import Action, Area, OutboxMessage, PersistedState, Person, Rsvp
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)  # Monday
TITLE = "Soep & <koffie> *_[]"
PLACE = "Haarlemmerplein 1 <b>"
SAT_AFTERNOON = (5, "afternoon")


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _coordinator(wijkbot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
    user = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, user, role="coordinator", area="Centrum", language="en")
    return user


async def _volunteer(
    wijkbot: BotUnderTest,
    fake: FakeBotAPI,
    user_id: int,
    name: str,
    slots: list[tuple[int, str]] | None = None,
) -> FakeUser:
    """A volunteer of the Haarlemmerbuurt; available on Saturday afternoon by default."""
    user = fake.user(user_id, name, language_code="en")
    await add_person(
        wijkbot,
        user,
        role="volunteer",
        area="Haarlemmerbuurt",
        language="en",
        slots=[SAT_AFTERNOON] if slots is None else slots,
    )
    return user


async def _walk_to_place(coord: FakeUser) -> None:
    """/newaction up to the meeting-place question (street stand, Haarlemmerbuurt)."""
    await coord.send("/newaction")
    await coord.wait_for("What kind of action is it?")
    await tap(coord, "Street stand")
    await coord.wait_for("Type a short title for the action.")
    await coord.send(TITLE)
    await coord.wait_for("In which district (wijk) is the action?")
    await tap(coord, "Haarlemmerbuurt")
    await coord.wait_for("Which neighbourhood (buurt) in Haarlemmerbuurt? Or choose all of it.")
    await tap(coord, "All of Haarlemmerbuurt")
    await coord.wait_for("Where do the volunteers meet?")


async def test_coordinator_plans_an_action_in_english(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    anna = await _volunteer(wijkbot, fake, 3001, "Anna")
    ben = await _volunteer(wijkbot, fake, 3002, "Ben", slots=[])  # availability does not fit
    await _walk_to_place(coord)
    await coord.send(PLACE)
    days = await coord.wait_for("On which day?")
    assert days.labels[:3] == ["Mon 1 Dec", "Tue 2 Dec", "Wed 3 Dec"]
    assert len(days.labels) == 14 and days.labels[-1] == "Sun 14 Dec"
    await tap(coord, "Sat 6 Dec")
    await coord.wait_for("What time does it start? Type it like 14:00.")
    mark = coord.mark()
    await coord.send("25:00")
    await coord.wait_for("I did not understand that time. Please type it like 14:00.", after=mark)
    await coord.send("14.00")
    await coord.wait_for("What time does it end?")
    mark = coord.mark()
    await coord.send("13:00")
    await coord.wait_for("The end must be after the start (14:00), on the same day.", after=mark)
    await coord.send("1600")
    needed = await coord.wait_for("How many volunteers do you need?")
    assert needed.labels == ["2", "4", "6", "8", "10"]
    await tap(coord, "6")
    preview = await coord.wait_for("Please check the action:")
    assert preview.text == (
        "Please check the action:\n\n"
        f"{TITLE}\nStreet stand\n"
        "When: Saturday 6 December, 14:00 to 16:00\n"
        f"Where: {PLACE}, Haarlemmerbuurt\n"
        "6 volunteers needed\n\n"
        "Shall I send the call to the volunteers?"
    )
    assert preview.labels == [
        "Yes, send the call",
        "Ask for a language",
        "Together with partners",
        "Start over",
        "Cancel",
    ]
    await tap(coord, "Yes, send the call")
    done = await coord.wait_for("Done! The action")
    assert done.text == (
        f"Done! The action {TITLE} is planned.\n"
        "1 volunteer gets the call now.\n"
        "1 more volunteer gets it at 12:00, if there are still places.\n\n"
        f"{TITLE}\nStreet stand\n"
        "When: Saturday 6 December, 14:00 to 16:00\n"
        f"Where: {PLACE}, Haarlemmerbuurt\n"
        "6 volunteers needed"
    )
    assert done.labels == ["Who is coming?"]
    call = await anna.wait_for("New action in Haarlemmerbuurt: can you help?")
    assert call.labels == ["Yes", "Maybe", "No"]

    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action))
        assert action is not None
        assert (action.kind, action.title, action.meeting_place) == ("street_stand", TITLE, PLACE)
        assert (await session.get(Area, action.area_id)).name == "Haarlemmerbuurt"  # type: ignore[union-attr]
        assert action.starts_at == dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
        assert action.ends_at == dt.datetime(2031, 12, 6, 15, 0, tzinfo=dt.UTC)
        assert (action.volunteers_needed, action.confirmed_count, action.status) == (6, 0, "open")
        later = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == ben.id))
        assert later is not None and (later.message_key, later.status) == ("action_call", "pending")
        # CALL_SECOND_WAVE_DELAY_SECONDS (default 2 hours) after the confirmation
        assert dt.timedelta(hours=2) <= later.due_at - NOW < dt.timedelta(hours=2, minutes=5)
    assert not ben.messages  # second wave: not yet
    # the finished conversation leaves no draft and no conversation state behind
    await _eventually_stored(wijkbot, "user_data", [])
    await _eventually_stored(wijkbot, "conversation:new_action", [])


async def _stored(wijkbot: BotUnderTest, kind: str) -> list[object]:
    """The values PTB persistence stored under `kind` (user_data, conversation:<name>)."""
    async with wijkbot.db.begin() as session:
        rows = await session.scalars(
            select(PersistedState.value).where(PersistedState.kind == kind)
        )
        values = list(rows.all())
    # Each step stamps the draft with the time it was last touched (a draft left for hours
    # is abandoned); the stamp is checked where it matters, not in these comparisons.
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("new_action"), dict):
            assert "touched" in value["new_action"] or not value["new_action"]
            value["new_action"].pop("touched", None)
    return values


async def _eventually_stored(wijkbot: BotUnderTest, kind: str, expected: object) -> None:
    """Wait until the persistence rows of `kind` equal `expected` (a condition; the 30 s
    deadline only bounds a failing test).

    The bot replies inside the handler and saves right after it, so a test that has seen
    the reply may be early by however long the save takes on a busy machine.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    stored = await _stored(wijkbot, kind)
    while stored != expected and loop.time() < deadline:
        await asyncio.sleep(0.05)
        stored = await _stored(wijkbot, kind)
    assert stored == expected


async def test_wrong_kind_of_input_gets_a_hint_and_the_same_question(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await coord.send("/nieuweactie")
    kind = await coord.wait_for("What kind of action is it?")
    mark = coord.mark()
    await coord.send("a street stand please")
    again = await coord.wait_for("Please tap one of the buttons.", after=mark)
    assert "What kind of action is it?" in again.text
    assert again.labels == ["Doorstep conversations", "Street stand", "Other action"]
    await tap(coord, "Doorstep conversations")
    await coord.wait_for("Type a short title for the action.")
    mark = coord.mark()
    # a button of an earlier question where text is expected
    await coord.press("Other action", message_id=kind.message_id)
    answer = await coord.wait_for_callback_answer()
    assert answer.text == "Please type your answer."
    await coord.wait_for("Type a short title for the action.", after=mark)
    await coord.send_sticker()
    await coord.wait_for("Please type your answer as text.")
    await coord.send("x" * 121)
    await coord.wait_for("The title must be 1 to 120 characters.")
    await coord.send("Portiek Zeedijk")
    await coord.wait_for("In which district (wijk) is the action?")
    # forged area outside the coordinator's area (an id that does not exist)
    await coord.press_data("na:a:999999")
    assert (await coord.wait_for_callback_answer()).text == "This button no longer works."
    await coord.send("/cancel")
    await coord.wait_for("OK, stopped. Nothing was saved.")
    # after leaving, the old buttons are stale and text goes to the general fallback
    await coord.press("Haarlemmerbuurt")
    assert (await coord.wait_for_callback_answer()).text == "This button no longer works."
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Action))).all() == []


async def test_too_many_volunteers_and_too_long_actions_are_refused(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_place(coord)
    await coord.send(PLACE)
    await tap(coord, "Tue 2 Dec")
    await coord.wait_for("What time does it start?")
    await coord.send("9:30")
    await coord.wait_for("What time does it end?")
    await coord.send("22:00")
    await coord.wait_for("An action can last at most 12 hours.")
    await coord.send("12 uur")
    await coord.wait_for("How many volunteers do you need?")
    await coord.send("501")
    await coord.wait_for("Please type a number from 1 to 500.")
    await coord.send("12")
    await coord.wait_for("Please check the action:")
    await tap(coord, "Start over")
    await coord.wait_for("What kind of action is it?")
    await coord.send("/annuleer")
    await coord.wait_for("OK, stopped. Nothing was saved.")


async def test_start_time_that_has_passed_today_is_refused(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_place(coord)
    await coord.send(PLACE)
    await tap(coord, "Mon 1 Dec")
    await coord.wait_for("What time does it start?")
    await coord.send("09:00")  # it is 10:00 now
    await coord.wait_for("That moment has already passed. Please choose a later one.")
    await coord.send("11:00")
    await coord.wait_for("What time does it end?")


async def _walk_to_preview(coord: FakeUser, day: str, start: str, end: str) -> None:
    """/newaction up to the preview: Haarlemmerbuurt, `day` (button), `start`-`end`, 4."""
    await _walk_to_place(coord)
    await coord.send(PLACE)
    await tap(coord, day)
    await coord.wait_for("What time does it start?")
    await coord.send(start)
    await coord.wait_for("What time does it end?")
    await coord.send(end)
    await coord.wait_for("How many volunteers do you need?")
    await tap(coord, "4")
    await coord.wait_for("Please check the action:")


async def test_midnight_passing_before_confirm_goes_back_to_the_day(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(dt.datetime(2031, 12, 1, 22, 30, tzinfo=AMS))  # Monday evening
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_preview(coord, "Mon 1 Dec", "23:00", "23:30")
    clock.set(dt.datetime(2031, 12, 2, 0, 5, tzinfo=AMS))  # the coordinator took a while

    mark = coord.mark()
    await tap(coord, "Yes, send the call")
    again = await coord.wait_for("On which day?", after=mark)
    assert again.text == (
        "That day has already passed. Please choose another day. "
        "Send /cancel to stop planning.\n\n"
        "On which day?"
    )
    assert again.labels[:2] == ["Tue 2 Dec", "Wed 3 Dec"]  # the days from today on
    await tap(coord, "Tue 2 Dec", after=mark)
    await coord.wait_for("What time does it start?", after=mark)
    await coord.send("23:00")
    await coord.wait_for("What time does it end?", after=mark)
    await coord.send("23:30")
    await tap(coord, "4", after=mark)
    await coord.wait_for("Please check the action:", after=mark)
    await tap(coord, "Yes, send the call", after=mark)
    await coord.wait_for("Done! The action", after=mark)
    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action))
        assert action is not None
        assert action.starts_at == dt.datetime(2031, 12, 2, 22, 0, tzinfo=dt.UTC)


async def test_start_that_passed_before_confirm_today_asks_the_time_again(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_preview(coord, "Mon 1 Dec", "11:00", "12:00")
    clock.set(dt.datetime(2031, 12, 1, 11, 30, tzinfo=AMS))

    mark = coord.mark()
    await tap(coord, "Yes, send the call")
    again = await coord.wait_for("What time does it start?", after=mark)
    assert again.text == (
        "That moment has already passed. Please choose a later one. "
        "Send /cancel to stop planning.\n\n"
        "What time does it start? Type it like 14:00."
    )
    await coord.send("/cancel")
    await coord.wait_for("OK, stopped. Nothing was saved.")
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Action))).all() == []


async def test_start_typed_after_midnight_for_yesterday_goes_back_to_the_day(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(dt.datetime(2031, 12, 1, 23, 50, tzinfo=AMS))
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_place(coord)
    await coord.send(PLACE)
    await tap(coord, "Mon 1 Dec")
    await coord.wait_for("What time does it start?")
    clock.set(dt.datetime(2031, 12, 2, 0, 10, tzinfo=AMS))

    mark = coord.mark()
    await coord.send("23:55")  # on Monday, which is over
    again = await coord.wait_for("On which day?", after=mark)
    assert again.text.startswith(
        "That day has already passed. Please choose another day. Send /cancel to stop planning."
    )
    await tap(coord, "Tue 2 Dec", after=mark)
    await coord.wait_for("What time does it start?", after=mark)
    mark = coord.mark()
    await coord.send("00:05")  # today, but passed
    again = await coord.wait_for("What time does it start?", after=mark)
    assert again.text.startswith(
        "That moment has already passed. Please choose a later one. Send /cancel to stop planning."
    )
    await coord.send("20:00")
    await coord.wait_for("What time does it end?", after=mark)


async def test_the_hour_skipped_in_march_is_explained(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(dt.datetime(2027, 3, 22, 10, 0, tzinfo=AMS))  # Monday before the clock change
    skipped = (
        "That time does not exist that night: the clocks go forward one hour. "
        "Please type another time."
    )
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_place(coord)
    await coord.send(PLACE)
    await tap(coord, "Sun 28 Mar")
    await coord.wait_for("What time does it start?")
    mark = coord.mark()
    await coord.send("02:30")
    again = await coord.wait_for(skipped, after=mark)
    assert again.text == f"{skipped}\n\nWhat time does it start? Type it like 14:00."
    mark = coord.mark()
    await coord.send("25:00")  # a typing mistake is still called one
    await coord.wait_for("I did not understand that time.", after=mark)
    await coord.send("01:30")
    await coord.wait_for("What time does it end?")
    mark = coord.mark()
    await coord.send("2.15")
    again = await coord.wait_for(skipped, after=mark)
    assert again.text == f"{skipped}\n\nWhat time does it end? Type it like 16:00."
    await coord.send("03:30")
    await tap(coord, "4")
    await tap(coord, "Yes, send the call")
    await coord.wait_for("Done! The action")
    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action))
        assert action is not None
        # 01:30 CET to 03:30 CEST: one real hour
        assert action.starts_at == dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC)
        assert action.ends_at == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)


async def test_non_coordinators_are_refused(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    vera = await _volunteer(wijkbot, fake, 3001, "Vera")
    stranger = fake.user(3999, "Sam", language_code="en")
    for user in (vera, stranger):
        for command in ("/newaction", "/acties", "/invite"):
            mark = user.mark()
            await user.send(command)
            await user.wait_for("Sorry, only coordinators can do this.", after=mark)
    await vera.press_data("act:r:1")
    assert (await vera.wait_for_callback_answer()).text == "Sorry, only coordinators can do this."
    await vera.press_data("act:cc:1")
    assert (await vera.wait_for_callback_answer()).text == "Sorry, only coordinators can do this."


async def test_restart_in_the_middle_resumes_the_draft(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    await _walk_to_place(coord)
    # saved with each update (not only at a clean shutdown), so even a crash resumes here
    await _eventually_stored(wijkbot, "conversation:new_action", ["place"])
    async with wijkbot.db.begin() as session:
        wijk = await find_area(session, "Haarlemmerbuurt")
        assert wijk is not None
    draft = {"kind": "street_stand", "title": TITLE, "wijk": wijk.id, "area_id": wijk.id}
    await _eventually_stored(wijkbot, "user_data", [{"new_action": draft}])

    await wijkbot.restart()

    mark = coord.mark()
    await coord.send(PLACE)
    await coord.wait_for("On which day?", after=mark)
    await tap(coord, "Sat 6 Dec")

    await wijkbot.restart()

    await coord.send("14:00")
    await coord.wait_for("What time does it end?")
    await coord.send("16:00")
    await tap(coord, "4")
    preview = await coord.wait_for("Please check the action:")
    assert TITLE in preview.text and PLACE in preview.text
    await tap(coord, "Yes, send the call")
    await coord.wait_for("There are no volunteers in this area yet, so nobody is called.")
    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action))
        assert action is not None and action.title == TITLE and action.volunteers_needed == 4


async def _plan(wijkbot: BotUnderTest, coordinator_id: int, *, needed: int = 6) -> int:
    """An action on Saturday 6 December 14:00-16:00 in Haarlemmerbuurt (domain call)."""
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(
            select(Person).where(Person.telegram_user_id == coordinator_id)
        )
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            title=TITLE,
            meeting_place=PLACE,
            starts_at=dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2031, 12, 6, 15, 0, tzinfo=dt.UTC),
            needed=needed,
            now=wijkbot.clock.now(),
        )
        return action.id


async def test_roster_counts_and_cancel_tells_everyone_who_answered(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    anna = await _volunteer(wijkbot, fake, 3001, "Anna <&>")
    ben = await _volunteer(wijkbot, fake, 3002, "Ben_*")
    cem = await _volunteer(wijkbot, fake, 3003, "Cem")
    dirk = await _volunteer(wijkbot, fake, 3004, "Dirk", slots=[])  # second wave, not called yet
    action_id = await _plan(wijkbot, coord.id, needed=2)
    for user, label in ((anna, "Yes"), (ben, "Maybe"), (cem, "No")):
        await user.wait_for("New action in Haarlemmerbuurt")
        await tap(user, label)
        await user.wait_for("Your answer:")
    await wijkbot.outbox_idle()

    await coord.send("/actions")
    listing = await coord.wait_for("Your upcoming actions.")
    assert listing.labels == [f"Sat 6 Dec 14:00 · {TITLE}"]
    await tap(coord, f"Sat 6 Dec 14:00 · {TITLE}")
    roster = await coord.wait_for("places filled")
    assert roster.text.split("\n\n")[1:] == [
        "1 of 2 places filled\n"
        f"Coming (1): {iso('Anna <&>')}\n"
        "Waiting list (0): –\n"
        f"Maybe (1): {iso('Ben_*')}\n"
        f"Not coming (1): {iso('Cem')}",
        "Called: 4 volunteers\n3 have the call.\n"
        "1 more gets the call later, if there are still places.\nNotices to you: all",
    ]
    assert roster.labels == [
        "Refresh",
        "Change",
        "Call more people",
        "Message the people coming",
        "Together with partners",
        "Only urgent notices",
        "Once more",
        "Cancel action",
    ]

    await tap(coord, "Cancel action")
    await coord.wait_for("Everyone who got the call gets a message.")
    await tap(coord, "Yes, cancel it")
    told = await coord.wait_for("The action is cancelled.")
    assert told.text == "The action is cancelled. 3 volunteers will get a message."
    for user in (anna, ben, cem):
        notice = await user.wait_for("you don't need to come")
        assert notice.text == (
            f"{TITLE} on Saturday 6 December at 14:00 is cancelled: you don't need to come. "
            "Thank you for wanting to help!"
        )
    await wijkbot.outbox_idle()
    assert not dirk.messages  # never called, never told

    # a double press of the confirmation (old data) is answered politely
    await coord.press_data(f"act:cc:{action_id}")
    assert (await coord.wait_for_callback_answer()).text == "This action was already cancelled."
    # a stale RSVP button on the old call
    call = anna.messages[0]
    await anna.press("No", message_id=call.message_id)
    stale = await anna.wait_for("This action has been cancelled.")
    assert stale.message_id == call.message_id and stale.labels == []

    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None and action.status == "cancelled"
        assert action.confirmed_count == 1  # answers are frozen at cancel time
        statuses = {
            r.person_id: (r.answer, r.status) for r in (await session.scalars(select(Rsvp))).all()
        }
        assert sorted(statuses.values()) == [
            ("maybe", "none"),
            ("no", "none"),
            ("yes", "confirmed"),
        ]
        pending_call = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.chat_id == dirk.id)
        )
        assert pending_call is not None and pending_call.status == "cancelled"
    # the cancelled action is gone from the list
    await coord.send("/acties")
    await coord.wait_for("No upcoming actions. Plan one with /newaction.")


async def test_an_action_that_started_cannot_be_cancelled(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    coord = await _coordinator(wijkbot, fake)
    anna = await _volunteer(wijkbot, fake, 3001, "Anna")
    action_id = await _plan(wijkbot, coord.id)
    await anna.wait_for("New action in Haarlemmerbuurt")
    await tap(anna, "Yes")
    await anna.wait_for("Your answer:")
    await coord.send("/actions")
    await tap(coord, f"Sat 6 Dec 14:00 · {TITLE}")
    roster = await coord.wait_for("places filled")
    assert roster.labels == [
        "Refresh",
        "Change",
        "Call more people",
        "Message the people coming",
        "Together with partners",
        "Only urgent notices",
        "Once more",
        "Cancel action",
    ]
    await tap(coord, "Cancel action")
    await coord.wait_for("Everyone who got the call gets a message.")
    await wijkbot.outbox_idle()

    clock.set(dt.datetime(2031, 12, 6, 14, 30, tzinfo=AMS))  # half an hour into the action
    started = "This action has already started, so it can no longer be cancelled."
    await tap(coord, "Yes, cancel it")  # the confirmation, pressed too late
    assert (await coord.wait_for_callback_answer()).text == started
    for data in (f"act:c:{action_id}", f"act:cc:{action_id}"):
        await coord.press_data(data)
        assert (await coord.wait_for_callback_answer()).text == started, data
    mark = coord.mark()
    await tap(coord, "No, keep it")
    roster = await coord.wait_for("places filled", after=mark)
    assert roster.labels == ["Refresh", "Once more"]  # no change or cancel once started

    clock.set(dt.datetime(2031, 12, 7, 10, 0, tzinfo=AMS))  # the day after: an old roster
    await coord.press_data(f"act:cc:{action_id}")
    assert (await coord.wait_for_callback_answer()).text == started
    await wijkbot.handled()
    assert all("is cancelled" not in m.text for m in anna.messages)
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None and (action.status, action.cancelled_at) == ("open", None)
        notices = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.message_key == "action_cancelled")
        )
        assert notices.all() == []


async def test_other_coordinators_cannot_see_or_cancel(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    action_id = await _plan(wijkbot, coord.id)
    other = fake.user(2002, "Olga", language_code="en")
    await add_person(wijkbot, other, role="coordinator", area="Jordaan", language="en")
    await other.send("/actions")
    await other.wait_for("No upcoming actions.")
    for data in (
        f"act:r:{action_id}",
        f"act:c:{action_id}",
        f"act:cc:{action_id}",
        f"att:o:{action_id}:0",  # the attendance list: not "not over yet" (issue 9, item 12)
        f"att:s:{action_id}",
    ):
        await other.press_data(data)
        answer = await other.wait_for_callback_answer()
        # The same answer as for an id that does not exist (issue 9, item 12).
        assert answer.text == "This button no longer works.", data
    await coord.send("/actions")
    await coord.wait_for("Your upcoming actions.")
    for data in ("act:r:abc", "act:r:99999999999", "act:r:424242", "act:x"):
        await coord.press_data(data)
        assert (await coord.wait_for_callback_answer()).text == "This button no longer works."
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None and action.status == "open"


async def test_dutch_flow(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    """Dutch texts and buttons, literally.

    DEPENDS ON THE nl CATALOG (locales/nl/LC_MESSAGES/wijkbot.po): skipped while it does not
    translate these strings; when a translation is reworded there, update the literals here.
    """
    t = wijkbot.services.i18n.translator("nl")  # type: ignore[union-attr]
    if t.gettext("Street stand") == "Street stand":
        pytest.skip("the nl catalog does not translate the action texts yet")
    coord = fake.user(2003, "Nora", language_code="nl")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="nl")
    vol = fake.user(3003, "Vince", language_code="nl")
    await add_person(
        wijkbot, vol, role="volunteer", area="Haarlemmerbuurt", language="nl", slots=[SAT_AFTERNOON]
    )
    await coord.send("/nieuweactie")
    kind = await coord.wait_for("We gaan een actie plannen. Wat voor actie is het?")
    assert kind.labels == ["Portiekgesprekken", "Klaptafel", "Andere actie"]
    await tap(coord, "Klaptafel")
    await coord.wait_for("Typ een korte titel voor de actie.")
    await coord.send(TITLE)
    await coord.wait_for("In welke wijk is de actie?")
    await tap(coord, "Haarlemmerbuurt")
    await coord.wait_for("Welke buurt in Haarlemmerbuurt? Of kies de hele wijk.")
    await tap(coord, "Heel Haarlemmerbuurt")
    await coord.wait_for("Waar spreken de vrijwilligers af?")
    await coord.send(PLACE)
    days = await coord.wait_for("Op welke dag?")
    assert days.labels[:6] == [
        "ma 1 dec",
        "di 2 dec",
        "wo 3 dec",
        "do 4 dec",
        "vr 5 dec",
        "za 6 dec",
    ]
    await tap(coord, "za 6 dec")
    await coord.wait_for("Hoe laat begint het? Typ de tijd zo: 14:00.")
    await coord.send("25:00")
    await coord.wait_for("Die tijd begrijp ik niet. Typ de tijd zo: 14:00.")
    await coord.send("14.00")
    await coord.wait_for("Hoe laat is het afgelopen?")
    await coord.send("16:00")
    await coord.wait_for("Hoeveel vrijwilligers heb je nodig?")
    await tap(coord, "4")
    preview = await coord.wait_for("Kijk de actie even na:")
    assert preview.text == (
        "Kijk de actie even na:\n\n"
        f"{TITLE}\nKlaptafel\n"
        "Wanneer: zaterdag 6 december, van 14:00 tot 16:00\n"
        f"Waar: {PLACE}, Haarlemmerbuurt\n"
        "4 vrijwilligers nodig\n\n"
        "Zal ik de oproep naar de vrijwilligers sturen?"
    )
    assert preview.labels == [
        "Ja, stuur de oproep",
        "Vraag om een taal",
        "Samen met partners",
        "Opnieuw beginnen",
        "Annuleren",
    ]
    await tap(coord, "Ja, stuur de oproep")
    done = await coord.wait_for("Klaar!")
    assert done.text.startswith(
        f"Klaar! De actie {TITLE} is gepland.\n1 vrijwilliger krijgt nu de oproep."
    )
    assert done.labels == ["Wie komt er?"]
    call = await vol.wait_for("Nieuwe actie in Haarlemmerbuurt: kun je helpen?")
    assert call.labels == ["Ja", "Misschien", "Nee"]
    await tap(vol, "Ja")
    await vol.wait_for("Je antwoord: Ja — tot dan!")
    await tap(coord, "Wie komt er?")
    roster = await coord.wait_for("1 van 4 plekken bezet")
    assert f"Komt (1): {iso('Vince')}" in roster.text  # names isolated (FSI..PDI)
    assert roster.labels == [
        "Vernieuwen",
        "Wijzigen",
        "Meer mensen oproepen",
        "Bericht aan wie komt",
        "Samen met partners",
        "Alleen urgente meldingen",
        "Nog een keer",
        "Actie annuleren",
    ]


async def test_a_draft_left_for_hours_is_not_continued_by_a_new_message(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    """Found by a tester: 'Hi, I'm back' a month later became the action's title."""
    coord = fake.user(2201, "Carla", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    await coord.send("/newaction")
    await tap(coord, "Street stand")
    await coord.wait_for("Type a short title for the action.")
    await wijkbot.restart()
    clock.advance(7 * 3600)
    mark = coord.mark()
    await coord.send("Hi, I'm back")
    answer = await coord.wait_for(after=mark)
    assert answer.text == (
        "You started planning an action a while ago and did not finish it. "
        "Send /newaction to start again."
    )
    mark = coord.mark()
    await coord.send("Hello again")  # the conversation has ended: the general fallback
    await coord.wait_for("I didn't understand that", after=mark)
