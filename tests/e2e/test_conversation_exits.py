"""One way out of every conversation and button screen (issue 12), on SQLite and PostgreSQL.

`test_every_state_of_every_conversation_has_the_same_way_out` walks every state of every
conversation registered in `bot.handlers.conversations.REGISTRY` (and the availability grid and
pause screen, registered the same way) and sends each of /annuleer, /cancel, /start, /help and
another command (/taal) there. A conversation registered later makes the test fail until
`WALKS` knows how to reach each of its states.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import actions
from bot.handlers.conversations import REGISTRY
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.areas import find_area
from storage.models import AvailabilitySlot, PersistedState, Person
from tests import factories as make
from tests.storage.test_results import add_action

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)  # Monday
NOT_UNDERSTOOD = "I didn't understand that."
_ids = itertools.count(50_000)


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def conversation_state(bot: BotUnderTest, name: str, user: FakeUser) -> object | None:
    """The stored state of conversation `name` for the user's private chat (None: ended)."""
    async with bot.db.begin() as session:
        row = await session.get(
            PersistedState, (f"conversation:{name}", json.dumps([user.id, user.id]))
        )
        return None if row is None else row.value


# --- how to reach each state, from a new user -----------------------------------------------

Reach = Callable[[BotUnderTest, FakeBotAPI], Awaitable[FakeUser]]


def _signup(role: str, taps: list[tuple[str, str]], first: str = "Which language") -> Reach:
    """A new person opens an invite link, then presses `taps` [(label, wait for)]."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        token = await make_invite(bot, role=role, area="Haarlemmerbuurt")
        user = fake.user(next(_ids), "Sam", language_code="en")
        await user.send(f"/start {token}")
        await user.wait_for(first)
        for label, expected in taps:
            mark = user.mark()
            await tap(user, label)
            await user.wait_for(expected, after=mark)
        return user

    return reach


_CONSENT = [("English", "Do you agree?")]
_BUURT = [*_CONSENT, ("I agree", "In which neighbourhood (buurt) do you live?")]
_SPOKEN = [*_BUURT, ("Planciusbuurt Noord", "Which languages do you speak?")]
_TASKS = [*_SPOKEN, ("Done", "What do you like to do?")]
_AVAIL = [*_TASKS, ("Done", "When can you usually help?")]
_WANTS = [*_BUURT, ("Planciusbuurt Noord", "What would you like help with?")]
_OFFERS = [*_WANTS, ("Done", "could offer others")]


def _planning(steps: list[tuple[str, str, str]]) -> Reach:
    """A coordinator sends /newaction, then `steps` [(tap|send, label or text, wait for)]."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        user = fake.user(next(_ids), "Carla", language_code="en")
        await add_person(bot, user, role="coordinator", area="Centrum", language="en")
        await user.send("/newaction")
        await user.wait_for("What kind of action is it?")
        for how, what, expected in steps:
            mark = user.mark()
            if how == "tap":
                await tap(user, what)
            else:
                await user.send(what)
            await user.wait_for(expected, after=mark)
        return user

    return reach


_TITLE = [("tap", "Street stand", "Type a short title")]
_AREA = [*_TITLE, ("send", "Soep", "In which district (wijk) is the action?")]
_PLACE = [
    *_AREA,
    ("tap", "Haarlemmerbuurt", "Which neighbourhood (buurt) in Haarlemmerbuurt?"),
    ("tap", "All of Haarlemmerbuurt", "Where do the volunteers meet?"),
]
_DATE = [*_PLACE, ("send", "Haarlemmerplein 1", "On which day?")]
_START = [*_DATE, ("tap", "Sat 6 Dec", "What time does it start?")]
_END = [*_START, ("send", "14:00", "What time does it end?")]
_NEEDED = [*_END, ("send", "16:00", "How many volunteers do you need?")]
_CONFIRM = [*_NEEDED, ("tap", "6", "Please check the action:")]


def _editing(steps: list[tuple[str, str, str]]) -> Reach:
    """A coordinator opens the edit screen of an action from its roster, then `steps`."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        user = fake.user(next(_ids), "Carla", language_code="en")
        await add_person(bot, user, role="coordinator", area="Centrum", language="en")
        async with bot.db.begin() as session:
            carla = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
            area = await find_area(session, "Jordaan")
            assert carla is not None and area is not None
            starts = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
            draft = actions.validate_draft(
                kind="street_stand",
                title="Soep",
                area_id=area.id,
                meeting_place="Noordermarkt",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                volunteers_needed=2,
                now=bot.clock.now(),
            )
            await actions.create_action(
                session=session,
                coordinator=carla,
                draft=draft,
                now=bot.clock.now(),
                tz=AMS,
                second_wave_delay=dt.timedelta(hours=2),
            )
        mark = user.mark()
        await user.send("/actions")
        await tap(user, "Sat 6 Dec 14:00 · Soep", after=mark)
        await tap(user, "Change", after=mark)
        await user.wait_for("Change the action:", after=mark)
        for how, what, expected in steps:
            mark = user.mark()
            if how == "tap":
                await tap(user, what)
            else:
                await user.send(what)
            await user.wait_for(expected, after=mark)
        return user

    return reach


def _screen(pause: bool) -> Reach:
    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        user = fake.user(next(_ids), "Vera", language_code="en")
        await add_person(bot, user, role="volunteer", area="Jordaan", language="en")
        await user.send("/availability")
        await user.wait_for("When can you usually help?")
        if pause:
            await tap(user, "⏸ Pause")
            await user.wait_for("How long do you want a break")
        return user

    return reach


def _results(typing: bool) -> Reach:
    """A volunteer with a place on an action that is going on opens /results."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        user = fake.user(next(_ids), "Fatima", language_code="en")
        await add_person(bot, user, role="volunteer", area="Haarlemmerbuurt", language="en")
        async with bot.db.begin() as session:
            person = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
            start = NOW.astimezone(dt.UTC) - dt.timedelta(hours=1)
            assert person is not None
            await add_action(
                session,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                volunteers=(person,),
            )
        await user.send("/results")
        await user.wait_for("Results: Klaptafel")
        if typing:
            await tap(user, "📍 Per street")
            await user.wait_for("Type the street name")
        return user

    return reach


def _message(text: str | None) -> Reach:
    """A coordinator opens "Message the people coming" on a roster (and types `text`)."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        user = fake.user(next(_ids), "Carla", language_code="en")
        await add_person(bot, user, role="coordinator", area="Centrum", language="en")
        async with bot.db.begin() as session:
            me = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
            assert me is not None
            await make.planned_action(
                session,
                coordinator=me,
                area="Jordaan",
                title="Soep",
                starts_at=dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS),
                now=bot.clock.now(),
            )
        await user.send("/actions")
        await tap(user, "Sat 6 Dec 14:00 · Soep")
        await user.wait_for("places filled")
        mark = user.mark()
        await tap(user, "Message the people coming")
        await user.wait_for("Type the message", after=mark)
        if text is not None:
            mark = user.mark()
            await user.send(text)
            await user.wait_for("Who gets this message?", after=mark)
        return user

    return reach


async def _flyer(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
    """A coordinator makes a resident invite and taps "Make a flyer": the label is asked."""
    user = fake.user(next(_ids), "Carla", language_code="en")
    await add_person(bot, user, role="coordinator", area="Haarlemmerbuurt", language="en")
    await user.send("/invite")
    await tap(user, "Resident")
    await tap(user, "All of Haarlemmerbuurt")
    await tap(user, "🖨 Make a flyer (A5)")
    await user.wait_for("Where will this flyer hang?")
    return user


def _on_behalf(steps: list[tuple[str, str, str]]) -> Reach:
    """A coordinator sends /onbehalf (a resident without Telegram), then `steps`."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        user = fake.user(next(_ids), "Carla", language_code="en")
        await add_person(bot, user, role="coordinator", area="Centrum", language="en")
        await user.send("/onbehalf")
        await user.wait_for("You register someone without Telegram")
        for how, what, expected in steps:
            mark = user.mark()
            if how == "tap":
                await tap(user, what)
            else:
                await user.send(what)
            await user.wait_for(expected, after=mark)
        return user

    return reach


def _signal(state: str) -> Reach:
    """A coordinator opens /signal (and picks Ymere); or Ymere's staff tap "Not for us"."""

    async def reach(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
        from bot.domain import signals
        from sandbox.harness import add_partner
        from storage.models import Organisation

        user = fake.user(next(_ids), "Carla", language_code="en")
        await add_person(bot, user, role="coordinator", area="Centrum", language="en")
        if state == "reason":
            staff = fake.user(next(_ids), "Yara", language_code="en")
            await add_partner(bot, staff, organisation="ymere-centrum", language="en")
            async with bot.db.begin() as session:
                me = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
                ymere = await session.scalar(
                    select(Organisation).where(Organisation.key == "ymere-centrum")
                )
                assert me is not None and ymere is not None
                await signals.send_signal(
                    session=session,
                    sender=me,
                    organisation_id=ymere.id,
                    text="Lekkage in portiek",
                    now=bot.clock.now(),
                )
            await tap(staff, "Not for us")
            await staff.wait_for("Why is it not for Ymere?")
            return staff
        await user.send("/signal")
        await user.wait_for("To which organisation?")
        if state == "text":
            await tap(user, "Ymere")
            await user.wait_for("Type the signal for Ymere")
        return user

    return reach


_OB_BUURT = [("send", "Fatma", "In which buurt does")]
_OB_LANGS = [*_OB_BUURT, ("tap", "Westerdokseiland", "Which languages does")]
_OB_TASKS = [*_OB_LANGS, ("tap", "⬜ Turkish", "Which languages"), ("tap", "Done", "What would")]
_OB_TIMES = [*_OB_TASKS, ("tap", "⬜ Shopping", "What would"), ("tap", "Done", "Which times")]
_OB_NOTE = [*_OB_TIMES, ("tap", "Done", "Type a short note")]
_OB_PHONE = [*_OB_NOTE, ("tap", "No note", "On which phone number")]
_OB_CONFIRM = [*_OB_PHONE, ("send", "06 1234 5678", "Consent: given orally")]


async def _vog(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
    """A coordinator marks a volunteer ready; the VOG date is asked."""
    user = fake.user(next(_ids), "Carla", language_code="en")
    await add_person(bot, user, role="coordinator", area="Centrum", language="en")
    vera = fake.user(next(_ids), "Vera", language_code="en")
    await add_person(bot, vera, role="volunteer", area="Haarlemmerbuurt", language="en")
    await user.send("/ready")
    await user.wait_for("Ready for coupling")
    await tap(user, "⬜ Vera")
    await user.wait_for("Did you see their VOG")
    return user


async def _note(bot: BotUnderTest, fake: FakeBotAPI) -> FakeUser:
    """A resident with an open request taps "Write a note for the coordinator"."""
    user = fake.user(next(_ids), "Ayse", language_code="en")
    await add_person(bot, user, role="resident", area="Haarlemmerbuurt", language="en")
    await user.send("/helprequest")
    await user.wait_for("What would you like help with?")
    mark = user.mark()
    await tap(user, "⬜ Shopping")
    await user.wait_for(predicate=lambda m: "✅ Shopping" in m.labels, after=mark)
    mark = user.mark()
    await tap(user, "Done")
    await user.wait_for("Your help request", after=mark)
    await tap(user, "Write a note for the coordinator")
    await user.wait_for("Type a short note")
    return user


WALKS: dict[str, dict[str, Reach]] = {
    "on_behalf": {
        "name": _on_behalf([]),
        "buurt": _on_behalf(_OB_BUURT),
        "languages": _on_behalf(_OB_LANGS),
        "tasks": _on_behalf(_OB_TASKS),
        "times": _on_behalf(_OB_TIMES),
        "note": _on_behalf(_OB_NOTE),
        "phone": _on_behalf(_OB_PHONE),
        "confirm": _on_behalf(_OB_CONFIRM),
    },
    "vog": {"date": _vog},
    "request_note": {"note": _note},
    "onboarding": {
        "lang": _signup("volunteer", []),
        "consent": _signup("volunteer", _CONSENT),
        "buurt": _signup("volunteer", _BUURT),
        "spoken": _signup("volunteer", _SPOKEN),
        "tasks": _signup("volunteer", _TASKS),
        "avail": _signup("volunteer", _AVAIL),
        "wants": _signup("resident", _WANTS),
        "offers": _signup("resident", _OFFERS),
    },
    "new_action": {
        "kind": _planning([]),
        "title": _planning(_TITLE),
        "area": _planning(_AREA),
        "place": _planning(_PLACE),
        "date": _planning(_DATE),
        "start": _planning(_START),
        "end": _planning(_END),
        "needed": _planning(_NEEDED),
        "confirm": _planning(_CONFIRM),
    },
    "availability": {"grid": _screen(pause=False), "pause": _screen(pause=True)},
    "action_edit": {
        "menu": _editing([]),
        "title": _editing([("tap", "Title", "Type the new title.")]),
        "place": _editing([("tap", "Place", "Type the new meeting place.")]),
        "date": _editing([("tap", "Date and time", "On which day?")]),
        "start": _editing(
            [("tap", "Date and time", "On which day?"), ("tap", "Sat 6 Dec", "start?")]
        ),
        "end": _editing(
            [
                ("tap", "Date and time", "On which day?"),
                ("tap", "Sat 6 Dec", "start?"),
                ("send", "15:00", "end?"),
            ]
        ),
        "needed": _editing([("tap", "Number of places", "How many volunteers")]),
    },
    "results": {"screen": _results(typing=False), "typing": _results(typing=True)},
    "flyer": {"label": _flyer},
    "action_message": {"text": _message(None), "audience": _message("Neem flyers mee")},
    "signal": {
        "organisation": _signal("organisation"),
        "text": _signal("text"),
        "reason": _signal("reason"),
    },
}

# What each conversation says when it ends: what was kept.
KEPT = {
    "onboarding": "Okay, stopped. Nothing is stored about you.",
    "new_action": "OK, stopped. Nothing was saved.",
    "availability": "Closed. When you can help stays as saved: no moments chosen yet.",
    "action_edit": "OK, stopped. The action stays as it was.",
    "results": "Closed. The results you tapped are saved.",
    "flyer": "OK, no flyer was made.",
    "action_message": "OK, the message was not sent.",
    "on_behalf": "OK, nobody was registered. Nothing was kept.",
    "vog": "OK, the volunteer is ready for coupling; no VOG date was noted.",
    "request_note": "OK, your note was not changed.",
    "signal": "OK, stopped. Nothing was sent.",
}
KEPT_AFTER_CONSENT = "Signing up is paused. What you chose so far is kept."
RESUMED = {  # /start after a paused sign-up asks the same step's question again
    "buurt": "In which neighbourhood (buurt) do you live?",
    "spoken": "Which languages do you speak?",
    "tasks": "What do you like to do?",
    "avail": "When can you usually help?",
    "wants": "What would you like help with?",
    "offers": "could offer others",
}


def _kept(name: str, state: str) -> str:
    if name == "onboarding" and state in RESUMED:
        return KEPT_AFTER_CONSENT
    return KEPT[name]


@pytest.mark.parametrize("command", ["/annuleer", "/cancel", "/start", "/help", "/taal"])
async def test_every_state_of_every_conversation_has_the_same_way_out(
    wijkbot: BotUnderTest, fake: FakeBotAPI, command: str
) -> None:
    assert set(WALKS) == set(REGISTRY), "a registered conversation has no walk in WALKS"
    for name, conversation in REGISTRY.items():
        assert set(WALKS[name]) == set(conversation.handler.states), name
    for name, states in WALKS.items():
        for state, reach in states.items():
            where = f"{name}/{state} {command}"
            user = await reach(wijkbot, fake)
            assert await conversation_state(wijkbot, name, user) == state, where
            mark = user.mark()
            await user.send(command)
            if command == "/help":  # answers in place: the conversation goes on
                helped = await user.wait_for(after=mark)
                assert "/language" in helped.text or "I am wijkbot" in helped.text, where
                assert await conversation_state(wijkbot, name, user) == state, where
                continue
            said = await user.wait_for(_kept(name, state), after=mark)
            assert "\n" not in said.text, where  # one line saying what was kept
            if command == "/taal":
                await user.wait_for("Which language do you prefer?", after=mark)
            if command == "/start" and name == "onboarding" and state in RESUMED:
                # the sign-up goes on where it was paused (the promise of the pause line)
                await user.wait_for(RESUMED[state], after=said)
                assert await conversation_state(wijkbot, name, user) == state, where
                continue
            if command == "/start":
                await user.wait_for(
                    "You can only join with an invite link" if name == "onboarding" else "Welcome",
                    after=mark,
                )
            assert await conversation_state(wijkbot, name, user) is None, where
            if name == "request_note":  # a resident's free text goes to the coordinators
                continue
            mark = user.mark()
            await user.send("Buurthuis")  # not an answer to the question that was open
            await user.wait_for(NOT_UNDERSTOOD, after=mark)
            assert await conversation_state(wijkbot, name, user) is None, where


async def test_cancel_without_a_conversation_says_there_is_nothing_to_cancel(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = fake.user(4101, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    await vera.send("/annuleer")
    await vera.wait_for("There is nothing to cancel right now.")


async def test_cancel_closes_the_grid_and_removes_its_buttons(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = fake.user(4102, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    await vera.send("/beschikbaarheid")
    grid = await vera.wait_for("When can you usually help?")
    await tap(vera, "⬜ Sat afternoon")
    await vera.wait_for(predicate=lambda m: "✅ Sat afternoon" in m.labels)
    await vera.send("/annuleer")
    await vera.wait_for("Closed. When you can help stays as saved: Sat afternoon.")
    await fake.settle()
    assert vera.message(grid.message_id).labels == []
    async with wijkbot.db.begin() as session:
        slots = (await session.scalars(select(AvailabilitySlot))).all()
        assert [(s.weekday, s.day_part) for s in slots] == [(5, "afternoon")]


async def test_an_older_grid_cannot_undo_a_newer_choice(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera = fake.user(4103, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    await vera.send("/availability")
    older = await vera.wait_for("When can you usually help?")
    saturday_on = older.button_data["⬜ Sat afternoon"]  # what the old grid shows
    mark = vera.mark()
    await vera.send("/availability")  # a second grid (the first one is closed by the command)
    newer = await vera.wait_for(
        "When can you usually help?", predicate=lambda m: m.message_id != older.message_id
    )
    await vera.press("⬜ Sat afternoon", message_id=newer.message_id)
    await vera.wait_for(predicate=lambda m: "✅ Sat afternoon" in m.labels, after=mark)
    # a press on the older grid as it still looked (another device, a slow client): its
    # button promised "on", so the slot stays on instead of being switched off again
    mark = vera.mark()
    await vera.press_data(saturday_on, message_id=older.message_id)
    shown = await vera.wait_for(predicate=lambda m: m.message_id == older.message_id, after=mark)
    assert "✅ Sat afternoon" in shown.labels  # the reply shows the stored state
    async with wijkbot.db.begin() as session:
        slots = (await session.scalars(select(AvailabilitySlot))).all()
        assert [(s.weekday, s.day_part) for s in slots] == [(5, "afternoon")]
    # switching it off where it shows on does switch it off
    mark = vera.mark()
    await vera.press("✅ Sat afternoon", message_id=newer.message_id)
    await vera.wait_for(predicate=lambda m: "⬜ Sat afternoon" in m.labels, after=mark)
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(AvailabilitySlot))).all() == []
