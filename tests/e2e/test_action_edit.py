"""Coordinators change a planned action from its roster (issue 7 item 1).

Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL. Clock:
Monday 22 March 2032, 10:00 in Amsterdam. The clocks go forward on Sunday 28 March 2032
(02:00 CET -> 03:00 CEST). The street stand is first on Friday 26 March 14:00-16:00 CET
(13:00 UTC) and is moved to Sunday 28 March 14:00-16:00 CEST (12:00 UTC): the day-before
reminder stays at 14:00 on the wall clock (Saturday 13:00 UTC, 23 real hours before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import actions
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.fake_bot_api.messages import BotMessage
from sandbox.harness import BotUnderTest, add_person, tap
from storage.areas import find_area
from storage.models import Action, CalendarCopy, OutboxMessage, Person, Rsvp

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2032, 3, 22, 10, 0, tzinfo=AMS)
FRI = dt.datetime(2032, 3, 26, 13, 0, tzinfo=dt.UTC)  # 14:00 CET
SUN = dt.datetime(2032, 3, 28, 12, 0, tzinfo=dt.UTC)  # 14:00 CEST, after the change
CALL = "New action in Jordaan: can you help?"
EVERY_DAY = [(day, part) for day in range(7) for part in ("morning", "afternoon")]
ROSTER_LABELS = [
    "Refresh",
    "Change",
    "Call more people",
    "Message the people coming",
    "Together with partners",
    "Only urgent notices",
    "Once more",
    "Cancel action",
]
CHANGED_EN = (
    "This action has changed: meeting place, date and time.\n\n"
    "Klaptafel\nStreet stand\n"
    "When: Sunday 28 March, 14:00 to 16:00\n"
    "Where: Westermarkt 1, Jordaan\n"
    "2 volunteers needed\n\n"
    "Place before: Noordermarkt\n"
    "Time before: Friday 26 March, 14:00 to 16:00\n\n"
    "Your answer stays as it was. Tap another answer if that changes."
)
CHANGED_NL = (
    "Deze actie is veranderd: verzamelplek, datum en tijd.\n\n"
    "Klaptafel\n"
    "Wanneer: zondag 28 maart, van 14:00 tot 16:00\n"
    "Waar: Westermarkt 1, Jordaan\n"
    "2 vrijwilligers nodig\n\n"
    "Plek eerst: Noordermarkt\n"
    "Tijd eerst: vrijdag 26 maart, van 14:00 tot 16:00\n\n"
    "Je antwoord blijft staan. Tik een ander antwoord als dat verandert."
)


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


@pytest.fixture
async def wijkbot(fake: FakeBotAPI, database_url: str, clock: Clock) -> AsyncIterator[BotUnderTest]:
    """The real bot; the clock stands still here, so the per-user throttle (which counts on
    the bot's clock) gets room for a whole planning conversation and more."""
    settings = BotUnderTest.settings_for(fake, database_url, throttle_max_updates=1000)
    bot = BotUnderTest(fake, settings, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def _volunteer(
    wijkbot: BotUnderTest, fake: FakeBotAPI, user_id: int, name: str, language: str = "en"
) -> FakeUser:
    user = fake.user(user_id, name, language_code=language)
    await add_person(
        wijkbot, user, role="volunteer", area="Jordaan", language=language, slots=EVERY_DAY
    )
    return user


async def _coordinator(
    wijkbot: BotUnderTest, fake: FakeBotAPI, user_id: int = 2001, area: str = "Centrum"
) -> FakeUser:
    user = fake.user(user_id, "Carla", language_code="en")
    await add_person(wijkbot, user, role="coordinator", area=area, language="en")
    return user


async def _plan(wijkbot: BotUnderTest, starts: dt.datetime, needed: int) -> int:
    """Carla (coordinator of Centrum) plans a street stand in the Jordaan (domain call)."""
    async with wijkbot.db.begin() as session:
        area = await find_area(session, "Jordaan")
        carla = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert area is not None and carla is not None
        draft = actions.validate_draft(
            kind="street_stand",
            title="Klaptafel",
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


async def _answer(user: FakeUser, label: str, expect: str) -> None:
    call = await user.wait_for(predicate=lambda m: "Klaptafel" in m.text and "Jordaan" in m.text)
    mark = user.mark()
    await user.press(label, message_id=call.message_id)
    await user.wait_for(expect, after=mark)


async def _open_roster(coord: FakeUser) -> BotMessage:
    mark = coord.mark()
    await coord.send("/actions")
    listed = await coord.wait_for("Your upcoming actions", after=mark)
    label = next(lb for lb in listed.labels if lb.endswith("· Klaptafel"))
    await coord.press(label, message_id=listed.message_id)
    return await coord.wait_for("places filled", after=mark)


async def _step(coord: FakeUser, how: str, what: str, expect: str) -> BotMessage:
    mark = coord.mark()
    if how == "tap":
        await tap(coord, what, after=None)
    else:
        await coord.send(what)
    return await coord.wait_for(expect, after=mark)


def _ics(user: FakeUser) -> list[Calendar]:
    return [
        Calendar.from_ical(m.document)
        for m in user.messages
        if m.kind == "document" and m.document is not None
    ]


async def test_edit_time_across_dst_and_place_tells_everyone_once(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    noor = await _volunteer(wijkbot, fake, 4002, "Noor", language="nl")
    wim = await _volunteer(wijkbot, fake, 4003, "Wim")
    xan = await _volunteer(wijkbot, fake, 4004, "Xander")
    action_id = await _plan(wijkbot, FRI, needed=2)
    await _answer(vera, "Yes", "see you there")
    await _answer(noor, "Ja", "tot dan")
    await _answer(wim, "Yes", "waiting list")
    await _answer(xan, "Maybe", "tap Yes when you know")
    await vera.wait_for(predicate=lambda m: m.kind == "document")

    roster = await _open_roster(coord)
    assert roster.labels == ROSTER_LABELS
    screen = await _step(coord, "tap", "Change", "Change the action:")
    assert screen.text.endswith("What do you want to change?")
    assert screen.labels == [
        "Title",
        "Place",
        "Date and time",
        "Number of places",
        "Stop without saving",
    ]
    days = await _step(coord, "tap", "Date and time", "On which day?")
    assert days.labels[0] == "Mon 22 Mar"
    await _step(coord, "tap", "Sun 28 Mar", "What time does it start?")
    await _step(coord, "send", "2:30", "the clocks go forward one hour")
    await _step(coord, "send", "14:00", "What time does it end?")
    screen = await _step(coord, "send", "16:00", "Change the action:")
    assert "When: Sunday 28 March, 14:00 to 16:00" in screen.text
    assert screen.text.endswith("Changed, not saved yet: date and time")
    await _step(coord, "tap", "Place", "Type the new meeting place.")
    screen = await _step(coord, "send", "Westermarkt 1", "Change the action:")
    assert screen.labels[-2:] == ["Save changes", "Stop without saving"]
    saved = await _step(coord, "tap", "Save changes", "Saved:")
    assert saved.text == (
        "Saved: meeting place, date and time.\n4 volunteers get a message about the change."
    )
    assert saved.labels == ["Who is coming?"]

    changed = await vera.wait_for("This action has changed: meeting place")
    assert changed.text == CHANGED_EN
    assert changed.labels == ["Yes", "Maybe", "No"]
    assert (await noor.wait_for("Deze actie is veranderd: verzamelplek")).text == CHANGED_NL
    await wim.wait_for("This action has changed")
    await xan.wait_for("This action has changed")

    # a newer calendar file with the same UID and a higher SEQUENCE, at the new wall clock
    await vera.wait_for(predicate=lambda _m: len(_ics(vera)) >= 2)
    first, second = (next(iter(c.walk("VEVENT"))) for c in _ics(vera)[:2])
    assert str(second["UID"]) == str(first["UID"]) == f"action-{action_id}@wijkbot"
    assert (int(first["SEQUENCE"]), int(second["SEQUENCE"])) == (0, 1)
    assert second.decoded("DTSTART") == dt.datetime(2032, 3, 28, 14, 0, tzinfo=AMS)
    assert str(second["LOCATION"]) == "Westermarkt 1, Jordaan"
    await noor.wait_for(predicate=lambda _m: len(_ics(noor)) >= 2)
    assert not _ics(wim) and not _ics(xan)

    await fake.settle()
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None
        assert (action.starts_at, action.meeting_place) == (SUN, "Westermarkt 1")
        reminders = await session.execute(
            select(Person.display_name, OutboxMessage.message_key, OutboxMessage.due_at)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(
                OutboxMessage.action_id == action_id,
                OutboxMessage.status == "pending",
                OutboxMessage.message_key.in_(["reminder_24h", "reminder_2h"]),
            )
            .order_by(Person.display_name, OutboxMessage.message_key)
        )
        day_before = dt.datetime(2032, 3, 27, 13, 0, tzinfo=dt.UTC)  # Saturday 14:00 CET
        two_hours = dt.datetime(2032, 3, 28, 10, 0, tzinfo=dt.UTC)  # Sunday 12:00 CEST
        assert reminders.all() == [
            ("Noor", "reminder_24h", day_before),
            ("Noor", "reminder_2h", two_hours),
            ("Vera", "reminder_24h", day_before),
            ("Vera", "reminder_2h", two_hours),
        ]
        assert SUN - day_before == dt.timedelta(hours=23)
        changes = await session.scalars(
            select(OutboxMessage.person_id).where(OutboxMessage.message_key == "action_changed")
        )
        assert len(changes.all()) == 4  # one each
        ask = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.message_key == "attendance_ask")
        )
        assert ask is not None and ask.due_at == SUN + dt.timedelta(hours=2)  # the new end
        copies = await session.scalars(
            select(CalendarCopy.sequence).order_by(CalendarCopy.person_id)
        )
        assert copies.all() == [1, 1]


async def test_raise_and_lower_places_with_a_waiting_list(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = await _coordinator(wijkbot, fake)
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    wim = await _volunteer(wijkbot, fake, 4003, "Wim")
    xan = await _volunteer(wijkbot, fake, 4004, "Xander")
    noor = await _volunteer(wijkbot, fake, 4002, "Noor", language="nl")
    action_id = await _plan(wijkbot, FRI, needed=1)
    await _answer(vera, "Yes", "see you there")
    await _answer(wim, "Yes", "number 1 on the waiting list")
    await _answer(xan, "Yes", "number 2 on the waiting list")
    await _answer(noor, "Ja", "wachtlijst")

    await _open_roster(coord)
    await _step(coord, "tap", "Change", "Change the action:")
    await _step(coord, "tap", "Number of places", "How many volunteers do you need?")
    await _step(coord, "send", "3", "Changed, not saved yet: number of places")
    saved = await _step(coord, "tap", "Save changes", "Saved:")
    assert saved.text == (
        "Saved: number of places.\n"
        "2 volunteers get a message about the change.\n"
        "From the waiting list, these now have a place: Wim, Xander"
    )
    await wim.wait_for("Good news: a place came free")
    await xan.wait_for("Good news: a place came free")
    told = await vera.wait_for("This action has changed")
    assert told.text.startswith("This action has changed: number of places.")
    assert "Places before: 1" in told.text
    nl = await noor.wait_for("Deze actie is veranderd")
    assert nl.text.startswith("Deze actie is veranderd: aantal plekken.")
    assert "Plekken eerst: 1" in nl.text
    assert not [m for m in wim.messages if "has changed" in m.text]

    # lowering below the three confirmed volunteers asks who moves to the waiting list
    # (tests/e2e/test_action_rest.py); going back changes nothing
    await _open_roster(coord)
    await _step(coord, "tap", "Change", "Change the action:")
    await _step(coord, "tap", "Number of places", "How many volunteers do you need?")
    await _step(coord, "tap", "2", "Changed, not saved yet: number of places")
    chooser = await _step(coord, "tap", "Save changes", "Choose 1 volunteer")
    assert chooser.text.startswith(
        "Klaptafel would have 2 places, but 3 volunteers have one.\n"
        "Choose 1 volunteer to move to the waiting list.\n"
    )
    screen = await _step(coord, "tap", "Back to the changes", "Change the action:")
    assert "3 volunteers needed" in screen.text
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None
        assert (action.volunteers_needed, action.confirmed_count) == (3, 3)
        statuses = await session.execute(
            select(Person.display_name, Rsvp.status)
            .join(Person, Person.id == Rsvp.person_id)
            .order_by(Rsvp.answered_at, Rsvp.id)
        )
        assert statuses.all() == [
            ("Vera", "confirmed"),
            ("Wim", "confirmed"),
            ("Xander", "confirmed"),
            ("Noor", "waitlisted"),
        ]
    mark = coord.mark()
    await coord.send("/cancel")
    await coord.wait_for("OK, stopped. The action stays as it was.", after=mark)


async def test_forged_edit_press_from_another_area_is_refused(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await _coordinator(wijkbot, fake)
    other = await _coordinator(wijkbot, fake, 2002, area="Haarlemmerbuurt")
    action_id = await _plan(wijkbot, FRI, needed=2)
    await other.send("/actions")
    await other.wait_for("No upcoming actions")
    await other.press_data(f"act:e:{action_id}")
    assert (await other.wait_for_callback_answer()).text == "This button no longer works."
    await other.press_data("ae:ok")
    assert (await other.wait_for_callback_answer()).text == "This button no longer works."
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None and action.meeting_place == "Noordermarkt"


async def test_a_dutch_coordinator_changes_the_title(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = fake.user(2001, "Carla", language_code="nl")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="nl")
    noor = await _volunteer(wijkbot, fake, 4002, "Noor", language="nl")
    await _plan(wijkbot, FRI, needed=2)
    await _answer(noor, "Misschien", "tik op Ja als je weet")
    mark = coord.mark()
    await coord.send("/acties")
    listed = await coord.wait_for("Je komende acties", after=mark)
    await coord.press(listed.labels[0], message_id=listed.message_id)
    roster = await coord.wait_for("plekken bezet", after=mark)
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
    screen = await _step(coord, "tap", "Wijzigen", "Wijzig de actie:")
    assert screen.text.endswith("Wat wil je wijzigen?")
    assert screen.labels == [
        "Titel",
        "Plek",
        "Datum en tijd",
        "Aantal plekken",
        "Stoppen zonder bewaren",
    ]
    await _step(coord, "tap", "Titel", "Typ de nieuwe titel.")
    mark = coord.mark()
    await coord.send("x" * 121)
    await coord.wait_for("De titel moet 1 tot en met 120 tekens lang zijn.", after=mark)
    screen = await _step(coord, "send", "Soep en praat", "Gewijzigd, nog niet bewaard: titel")
    saved = await _step(coord, "tap", "Wijzigingen bewaren", "Bewaard")
    assert saved.text == "Bewaard: titel.\n1 vrijwilliger krijgt een bericht over de wijziging."
    assert saved.labels == ["Wie komt er?"]
    told = await noor.wait_for("Deze actie is veranderd: titel.")
    assert "Titel eerst: Klaptafel" in told.text
    assert told.labels == ["Ja", "Misschien", "Nee"]
