"""Cover, /stop with a place, and the Misschien follow-up (issue 7 items 6, 11, 12). Real
Application, fake Bot API, both databases; Dutch and English.

Clock: Monday 1 December 2031, 10:00 in Amsterdam; the action is Saturday 6 December 14:00.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Person, Rsvp
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)
SATURDAY = [(5, "afternoon")]


async def _volunteer(
    bot: BotUnderTest, fake: FakeBotAPI, uid: int, name: str, lang: str
) -> FakeUser:
    user = fake.user(uid, name, language_code=lang)
    await add_person(bot, user, role="volunteer", area="Jordaan", language=lang, slots=SATURDAY)
    return user


async def _plan(bot: BotUnderTest, needed: int, title: str = "Klaptafel") -> int:
    async with bot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            kind="street_stand",
            title=title,
            meeting_place="Noordermarkt",
            starts_at=STARTS,
            needed=needed,
            now=bot.clock.now(),
        )
        return action.id


async def _answer(user: FakeUser, label: str) -> None:
    mark = user.mark()
    await tap(user, label)
    await user.wait_for(
        predicate=lambda m: "Your answer" in m.text or "Je antwoord" in m.text, after=mark
    )


async def test_a_stand_in_receives_the_drop_out_notice(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    dirk = fake.user(2002, "Dirk", language_code="nl")
    await add_person(wijkbot, dirk, role="coordinator", area="Jordaan", language="nl")
    vol = await _volunteer(wijkbot, fake, 4001, "Vol1", "en")
    await _plan(wijkbot, needed=3)

    await carla.send("/away")
    ask = await carla.wait_for("Away until when?")
    assert ask.text == (
        "Away until when? Meanwhile your notices, the messages meant for you and "
        '"Who came?" go to a stand-in.'
    )
    assert ask.labels == [
        "until Tue 2 Dec",
        "until Thu 4 Dec",
        "until Mon 8 Dec",
        "until Mon 15 Dec",
        "until Mon 29 Dec",
    ]
    await tap(carla, "until Mon 8 Dec")
    who = await carla.wait_for("Who gets your notices")
    assert who.text == "Who gets your notices until Monday 8 December?"
    assert who.labels == [iso("Dirk")]
    await tap(carla, "Dirk")
    done = await carla.wait_for("Send /away to end it sooner")
    assert (
        done.text == "Until Monday 8 December your notices, the messages meant for you and "
        f'"Who came?" go to {iso("Dirk")}. Send /away to end it sooner.'
    )

    mark_carla = carla.mark()
    await _answer(vol, "Yes")
    await _answer(vol, "No")
    notice = await dirk.wait_for("kan toch niet")
    assert notice.text == (
        f"{iso('Vol1')} kan toch niet komen bij Klaptafel (zaterdag 6 december om 14:00).\n"
        "Er stond niemand op de wachtlijst, dus de plek is weer vrij. "
        "Wie nog niet heeft geantwoord, krijgt een bericht."
    )
    await wijkbot.outbox_idle()
    assert carla.messages_after(mark_carla) == []

    # a forged stand-in (a volunteer) is refused with the stale answer
    await carla.send("/away")
    await carla.wait_for("You are away until Monday 8 December: Dirk gets your notices.")
    await carla.press_data(f"cov:s:2031-12-05:{await _id(wijkbot, vol.id)}")
    assert (await carla.wait_for_callback_answer()).text == "This button no longer works."


async def _id(bot: BotUnderTest, telegram_id: int) -> int:
    async with bot.db.begin() as session:
        pid = await session.scalar(select(Person.id).where(Person.telegram_user_id == telegram_id))
        assert pid is not None
        return pid


async def test_stop_with_a_place_both_answers(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    vol1 = await _volunteer(wijkbot, fake, 4001, "Vol1", "en")
    vol2 = await _volunteer(wijkbot, fake, 4002, "Vol2", "en")
    wim = await _volunteer(wijkbot, fake, 4003, "Wim", "nl")
    action_id = await _plan(wijkbot, needed=1)
    await _answer(vol1, "Yes")
    await _answer(vol2, "Yes")  # waiting list

    # Ja, geef vrij: the waiting list moves up and the coordinator is told
    await vol1.send("/stop")
    question = await vol1.wait_for("You still have a place")
    assert question.text == (
        "You still have a place at Klaptafel (Saturday 6 December at 14:00). Will you give it up?"
    )
    assert question.labels == ["Yes, give it up", "No, I will come"]
    await tap(vol1, "Yes, give it up")
    gave = await vol1.wait_for("You gave up")
    assert gave.text.startswith(
        "You gave up 1 place; the coordinator is told.\n\nOkay, you get no more"
    )
    await vol2.wait_for("Good news: a place came free")
    notice = await carla.wait_for("can no longer come")
    assert notice.text == (
        f"{iso('Vol1')} can no longer come to Klaptafel (Saturday 6 December at 14:00).\n"
        f"{iso('Vol2')} from the waiting list takes the place."
    )

    # Nee, ik kom wel: Wim keeps his place on another action, without messages
    other = await _plan(wijkbot, needed=2, title="Soep")
    call = await wim.wait_for("Soep")
    mark = wim.mark()
    await wim.press("Ja", message_id=call.message_id)
    await wim.wait_for("Je antwoord", after=mark)
    await wim.send("/stop")
    question = await wim.wait_for("Je hebt nog een plek")
    assert question.text == (
        "Je hebt nog een plek bij Soep (zaterdag 6 december om 14:00). Geef je die vrij?"
    )
    assert question.labels == ["Ja, geef vrij", "Nee, ik kom wel"]
    await tap(wim, "Nee, ik kom wel")
    kept = await wim.wait_for("Je houdt je plek")
    assert kept.text.startswith(
        "Je houdt je plek: tot dan. Je krijgt geen herinneringen of andere berichten."
    )
    async with wijkbot.db.begin() as session:
        statuses = dict(
            (
                await session.execute(
                    select(Person.display_name, Rsvp.status)
                    .join(Person, Person.id == Rsvp.person_id)
                    .where(Rsvp.action_id.in_((action_id, other)))
                )
            ).all()
        )
    assert statuses == {"Vol1": "none", "Vol2": "confirmed", "Wim": "confirmed"}
    await carla.send("/actions")
    await tap(carla, "Sat 6 Dec 14:00 · Soep")
    roster = await carla.wait_for("places filled")
    assert f"Coming (1): {iso('Wim')}" in roster.text
    assert f"Coming, gets no messages (1): {iso('Wim')}" in roster.text


async def test_maybe_gets_one_follow_up(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    vera = await _volunteer(wijkbot, fake, 4001, "Vera", "en")
    wim = await _volunteer(wijkbot, fake, 4002, "Wim", "nl")
    await _plan(wijkbot, needed=2)
    await _answer(vera, "Maybe")
    mark = vera.mark()
    await wijkbot.outbox_idle()
    assert vera.messages_after(mark) == []
    # Thursday 14:00, 48 hours before the start
    clock.set(dt.datetime(2031, 12, 4, 14, 0, tzinfo=AMS))
    wijkbot.services.dispatcher.wake()  # type: ignore[union-attr]
    follow = await vera.wait_for("Do you know yet?", after=mark)
    assert follow.text.startswith(
        "Do you know yet? You answered Maybe to this action.\n\nKlaptafel"
    )
    assert follow.labels == ["Yes", "Maybe", "No"]
    # Friday: a later Misschien gets it at once, in Dutch
    clock.set(dt.datetime(2031, 12, 5, 10, 0, tzinfo=AMS))
    await _answer(wim, "Misschien")
    follow = await wim.wait_for("Weet je het al?")
    assert follow.text.startswith("Weet je het al? Je antwoordde Misschien op deze actie.")
    assert follow.labels == ["Ja", "Misschien", "Nee"]
