"""The rest of the coordinator's side of an action (issue 7): fewer places than volunteers
coming (the coordinator picks who moves to the waiting list), replies to "Bericht aan wie
komt", cover for relays and "Wie waren er?", a waiting person who sent /stop, and who got
the call without answering hearing of a new place or time.

Real Application, fake Bot API over HTTP, SQLite and PostgreSQL; Dutch and English.
Clock: Monday 1 December 2031, 10:00 in Amsterdam; the action is Saturday 6 December
14:00-17:00 in the Jordaan.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import Clock
from bot.domain import cover
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.fake_bot_api.messages import BotMessage
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import Action, OutboxMessage, Person, RelayMessage, Rsvp
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)  # Saturday
SATURDAY = [(5, "afternoon")]
STALE = "This button no longer works."
SUMMARY_EN = (
    "Klaptafel\nStreet stand\nWhen: Saturday 6 December, 14:00 to 17:00\n"
    "Where: Noordermarkt, Jordaan\n"
)


async def _volunteer(
    bot: BotUnderTest, fake: FakeBotAPI, uid: int, name: str, lang: str = "en"
) -> FakeUser:
    user = fake.user(uid, name, language_code=lang)
    await add_person(bot, user, role="volunteer", area="Jordaan", language=lang, slots=SATURDAY)
    return user


async def _coordinator(
    bot: BotUnderTest, fake: FakeBotAPI, uid: int, name: str, area: str, lang: str = "en"
) -> FakeUser:
    user = fake.user(uid, name, language_code=lang)
    await add_person(bot, user, role="coordinator", area=area, language=lang)
    return user


async def _plan(bot: BotUnderTest, needed: int) -> int:
    async with bot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            kind="street_stand",
            title="Klaptafel",
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


async def _id(bot: BotUnderTest, telegram_id: int) -> int:
    async with bot.db.begin() as session:
        pid = await session.scalar(select(Person.id).where(Person.telegram_user_id == telegram_id))
        assert pid is not None
        return pid


async def _press(user: FakeUser, label: str, expect: str) -> BotMessage:
    mark = user.mark()
    await tap(user, label)
    return await user.wait_for(expect, after=mark)


async def _open_edit(carla: FakeUser) -> None:
    mark = carla.mark()
    await carla.send("/actions")
    await carla.wait_for("Your upcoming actions", after=mark)
    await _press(carla, "Sat 6 Dec 14:00 · Klaptafel", "places filled")
    await _press(carla, "Change", "Change the action:")


async def _statuses(bot: BotUnderTest, action_id: int) -> list[tuple[str, str]]:
    async with bot.db.begin() as session:
        rows = await session.execute(
            select(Person.display_name, Rsvp.status)
            .join(Person, Person.id == Rsvp.person_id)
            .where(Rsvp.action_id == action_id, Rsvp.status != "none")
            .order_by(Rsvp.status, Rsvp.answered_at, Rsvp.id)
        )
        return [(name, status) for name, status in rows.all()]


async def test_fewer_places_the_coordinator_picks_who_moves_to_the_waiting_list(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = await _coordinator(wijkbot, fake, 2001, "Carla", "Centrum")
    other = await _coordinator(wijkbot, fake, 2002, "Olga", "Haarlemmerbuurt")
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    noor = await _volunteer(wijkbot, fake, 4002, "Noor", "nl")
    wim = await _volunteer(wijkbot, fake, 4003, "Wim")
    xan = await _volunteer(wijkbot, fake, 4004, "Xander")
    action_id = await _plan(wijkbot, needed=3)
    for user, label in ((vera, "Yes"), (noor, "Ja"), (wim, "Yes"), (xan, "Yes")):
        await _answer(user, label)  # Xander waits: number 1

    await _open_edit(carla)
    await _press(carla, "Number of places", "How many volunteers do you need?")
    mark = carla.mark()
    await carla.send("1")
    await carla.wait_for("Changed, not saved yet: number of places", after=mark)
    chooser = await _press(carla, "Save changes", "would have 1 place")
    assert chooser.text == (
        "Klaptafel would have 1 place, but 3 volunteers have one.\n"
        "Choose 2 volunteers to move to the waiting list.\n"
        "They go to the front of the waiting list, in the order you tap them, and get a "
        "message. Suggested: who said Yes last.\n\n"
        "Chosen: 2 of 2"
    )
    assert chooser.labels == [  # suggested: the latest Ja first
        f"⬜ {iso('Vera')}",
        f"✅ 2. {iso('Noor')}",
        f"✅ 1. {iso('Wim')}",
        "Move 2 to the waiting list and save",
        "Back to the changes",
        "Stop without saving",
    ]
    # a forged press: Xander has no place (he waits); another area's coordinator
    await carla.press_data(f"ae:w:{await _id(wijkbot, xan.id)}:0")
    assert (await carla.wait_for_callback_answer()).text == STALE
    await other.send("/actions")
    await other.wait_for("No upcoming actions")
    await other.press_data("ae:wok")
    assert (await other.wait_for_callback_answer()).text == STALE
    await other.press_data(f"ae:w:{await _id(wijkbot, vera.id)}:0")
    assert (await other.wait_for_callback_answer()).text == STALE

    chooser = await _press(carla, "✅ 1. Wim", "Chosen: 1 of 2")
    assert chooser.labels == [
        f"⬜ {iso('Vera')}",
        f"✅ 1. {iso('Noor')}",
        f"⬜ {iso('Wim')}",
        "Back to the changes",
        "Stop without saving",
    ]
    chooser = await _press(carla, "⬜ Vera", "Chosen: 2 of 2")
    assert chooser.labels[:3] == [
        f"✅ 2. {iso('Vera')}",
        f"✅ 1. {iso('Noor')}",
        f"⬜ {iso('Wim')}",
    ]
    saved = await _press(carla, "Move 2 to the waiting list and save", "Saved:")
    assert saved.text == (
        "Saved: number of places.\n"
        "2 volunteers get a message about the change.\n"
        f"Moved to the front of the waiting list: {iso('Noor')}, {iso('Vera')}"
    )
    moved_nl = await noor.wait_for("Sorry: deze actie")
    assert moved_nl.text.startswith(
        "Sorry: deze actie heeft nu minder vrijwilligers nodig, dus je hebt geen plek meer. "
        "Je bent nummer 1 op de wachtlijst. Komt er een plek vrij, dan is die voor jou en "
        "krijg je een bericht.\n\nKlaptafel\n"
    )
    assert moved_nl.labels == ["Ja", "Misschien", "Nee"]
    moved_en = await vera.wait_for("Sorry: this action")
    assert moved_en.text == (
        "Sorry: this action now needs fewer volunteers, so you no longer have a place. "
        "You are number 2 on the waiting list. If a place comes free, it is yours and you "
        f"get a message.\n\n{SUMMARY_EN}1 volunteer needed"
    )
    await wim.wait_for("This action has changed: number of places.")
    await xan.wait_for("This action has changed: number of places.")
    await wijkbot.outbox_idle()
    assert not [m for m in noor.messages if "Deze actie is veranderd" in m.text]
    assert await _statuses(wijkbot, action_id) == [
        ("Wim", "confirmed"),
        ("Noor", "waitlisted"),
        ("Vera", "waitlisted"),
        ("Xander", "waitlisted"),
    ]
    wim_id, xan_id = await _id(wijkbot, wim.id), await _id(wijkbot, xan.id)
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action is not None
        assert (action.volunteers_needed, action.confirmed_count) == (1, 1)
        reminders = await session.scalars(
            select(OutboxMessage.person_id).where(
                OutboxMessage.message_key.in_(["reminder_24h", "reminder_2h"]),
                OutboxMessage.status == "pending",
            )
        )
        assert set(reminders.all()) == {wim_id}
        renumbered = await session.scalar(
            select(OutboxMessage.args).where(
                OutboxMessage.message_key == "answer_updated",
                OutboxMessage.person_id == xan_id,
            )
        )
        assert renumbered is not None and renumbered["position"] == 3
    # the button after the edit ended; and a place freed goes to Noor first
    await carla.press_data("ae:wok")
    assert (await carla.wait_for_callback_answer()).text == STALE
    await _answer(wim, "No")
    await noor.wait_for("Goed nieuws")
    assert (await _statuses(wijkbot, action_id))[0] == ("Noor", "confirmed")


async def test_replies_to_a_coordinators_message_and_cover(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = await _coordinator(wijkbot, fake, 2001, "Carla", "Centrum")
    dirk = await _coordinator(wijkbot, fake, 2002, "Dirk", "Jordaan", "nl")
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    noor = await _volunteer(wijkbot, fake, 4002, "Noor", "nl")
    await _plan(wijkbot, needed=3)
    await _answer(vera, "Yes")
    await _answer(noor, "Ja")

    await carla.send("/actions")
    await _press(carla, "Sat 6 Dec 14:00 · Klaptafel", "places filled")
    await _press(carla, "Message the people coming", "Type the message")
    mark = carla.mark()
    await carla.send("Neem flyers mee")
    await carla.wait_for("Who gets this message?", after=mark)
    await _press(carla, "Coming (2)", "Sent to 2 people.")
    got = await vera.wait_for("Message from")
    assert got.text == (
        f"Message from {iso('Carla')} (coordinator) about Klaptafel (Saturday 6 December at "
        f"14:00):\n\nNeem flyers mee\n\nTo answer {iso('Carla')}, reply to this message."
    )
    got_nl = await noor.wait_for("Bericht van")
    assert got_nl.text.endswith(
        f"Neem flyers mee\n\nWil je {iso('Carla')} antwoorden? Beantwoord dit bericht."
    )
    await wijkbot.outbox_idle()

    # Vera replies: it reaches Carla (a copy), and Carla's reply reaches Vera
    mark_v, mark_c = vera.mark(), carla.mark()
    await vera.send("Ik ben er om 13:45", reply_to=got.message_id)
    assert (await vera.wait_for("Passed on", after=mark_v)).text == f"Passed on to {iso('Carla')}."
    copy = await carla.wait_for("Ik ben er om 13:45", after=mark_c)
    assert copy.labels == [f"From {iso('Vera')}"]
    mark_v = vera.mark()
    await carla.send("Top, tot dan", reply_to=copy.message_id)
    back = await vera.wait_for("Top, tot dan", after=mark_v)
    assert back.labels == [f"From {iso('Carla')}"]
    # Noor replies in Dutch
    mark_n = noor.mark()
    await noor.send("Ik neem koffie mee", reply_to=got_nl.message_id)
    said = await noor.wait_for("Doorgestuurd", after=mark_n)
    assert said.text == f"Doorgestuurd aan {iso('Carla')}."

    # Carla is away until Tuesday with Dirk as her stand-in: Vera's reply reaches Dirk
    carla_id, dirk_id = await _id(wijkbot, carla.id), await _id(wijkbot, dirk.id)
    async with wijkbot.db.begin() as session:
        person = await session.get(Person, carla_id)
        assert person is not None
        await cover.set_away(
            session=session,
            coordinator=person,
            until=dt.date(2031, 12, 2),
            stand_in_id=dirk_id,
            today=dt.date(2031, 12, 1),
        )
    mark_v, mark_c, mark_d = vera.mark(), carla.mark(), dirk.mark()
    await vera.send("Waar precies?", reply_to=got.message_id)
    assert (await vera.wait_for("Passed on", after=mark_v)).text == f"Passed on to {iso('Dirk')}."
    covered = await dirk.wait_for("Waar precies?", after=mark_d)
    assert covered.labels == [f"Van {iso('Vera')}, voor {iso('Carla')}"]
    mark_v = vera.mark()
    await dirk.send("Bij de kerk", reply_to=covered.message_id)
    assert (await vera.wait_for("Bij de kerk", after=mark_v)).labels == [f"From {iso('Dirk')}"]

    # after her date, replies reach Carla again
    clock.set(dt.datetime(2031, 12, 3, 9, 0, tzinfo=AMS))
    mark_v = vera.mark()
    await vera.send("Nog een vraag", reply_to=got.message_id)
    assert (await vera.wait_for("Passed on", after=mark_v)).text == f"Passed on to {iso('Carla')}."
    await carla.wait_for("Nog een vraag", after=mark_c)
    await wijkbot.outbox_idle()
    assert not [m for m in dirk.messages_after(mark_d) if "Nog een vraag" in m.text]
    async with wijkbot.db.begin() as session:
        rows = (await session.scalars(select(RelayMessage))).all()
        # 2 messages delivered, 3 copies to Carla/Vera/Noor's thread, 2 via Dirk, 1 back
        assert len(rows) == 2 + 3 + 2 + 1
        columns = set(RelayMessage.__table__.columns.keys())
        assert "text" not in columns


async def test_a_stand_in_gets_who_came(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = await _coordinator(wijkbot, fake, 2001, "Carla", "Centrum")
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    action_id = await _plan(wijkbot, needed=2)  # "Who came?" is queued for Carla now
    await _answer(vera, "Yes")
    dirk = await _coordinator(wijkbot, fake, 2002, "Dirk", "Jordaan", "nl")  # joins later
    await carla.send("/away")
    await _press(carla, "until Mon 8 Dec", "Who gets your notices")
    await _press(carla, "Dirk", "Send /away to end it sooner")
    mark_c = carla.mark()
    clock.set(STARTS + dt.timedelta(hours=3, minutes=1))
    ask = await dirk.wait_for("Wie waren er?")
    assert ask.text == (
        "Klaptafel (zaterdag 6 december) is voorbij. Wie waren er? "
        "Vink aan wie er was, dan kunnen we ze bedanken."
    )
    await _press(dirk, ask.labels[0], "Wie waren er bij Klaptafel?")
    await wijkbot.outbox_idle()
    assert carla.messages_after(mark_c) == []
    dirk_id = await _id(wijkbot, dirk.id)
    async with wijkbot.db.begin() as session:
        row = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.message_key == "attendance_ask", OutboxMessage.action_id == action_id
            )
        )
        assert row is not None
        assert (row.person_id, row.status) == (dirk_id, "sent")


async def test_a_waiting_person_who_sent_stop_is_skipped(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = await _coordinator(wijkbot, fake, 2001, "Carla", "Centrum")
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    wim = await _volunteer(wijkbot, fake, 4002, "Wim", "nl")
    xan = await _volunteer(wijkbot, fake, 4003, "Xander")
    action_id = await _plan(wijkbot, needed=1)
    await _answer(vera, "Yes")
    await _answer(wim, "Ja")  # waiting: number 1
    await _answer(xan, "Yes")  # waiting: number 2
    await wim.send("/stop")
    await wim.wait_for("Je hebt nog een plek")
    await _press(wim, "Nee, ik kom wel", "Je houdt je plek")
    mark_w = wim.mark()

    await _answer(vera, "No")
    promoted = await xan.wait_for("Good news: a place came free")
    assert promoted.labels  # with his buttons
    notice = await carla.wait_for("can no longer come")
    assert notice.text == (
        f"{iso('Vera')} can no longer come to Klaptafel (Saturday 6 December at 14:00).\n"
        f"{iso('Xander')} from the waiting list takes the place."
    )
    await wijkbot.outbox_idle()
    assert wim.messages_after(mark_w) == []
    assert await _statuses(wijkbot, action_id) == [
        ("Xander", "confirmed"),
        ("Wim", "waitlisted"),
    ]


async def test_who_did_not_answer_hears_of_a_new_place_while_places_are_open(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    clock.set(MONDAY)
    carla = await _coordinator(wijkbot, fake, 2001, "Carla", "Centrum")
    vera = await _volunteer(wijkbot, fake, 4001, "Vera")
    noor = await _volunteer(wijkbot, fake, 4002, "Noor", "nl")
    wim = await _volunteer(wijkbot, fake, 4003, "Wim")
    xan = await _volunteer(wijkbot, fake, 4004, "Xander")
    await _plan(wijkbot, needed=2)
    await _answer(vera, "Yes")
    await _answer(xan, "No")
    await noor.wait_for("Klaptafel")
    await wim.wait_for("Klaptafel")
    mark_x = xan.mark()

    await _open_edit(carla)
    await _press(carla, "Place", "Type the new meeting place.")
    mark = carla.mark()
    await carla.send("Westermarkt 1")
    await carla.wait_for("Changed, not saved yet: meeting place", after=mark)
    saved = await _press(carla, "Save changes", "Saved:")
    assert saved.text == "Saved: meeting place.\n3 volunteers get a message about the change."
    told_nl = await noor.wait_for("Deze actie is veranderd (")
    assert told_nl.text.startswith(
        "Deze actie is veranderd (verzamelplek). Kun je komen?\n\nKlaptafel\n"
    )
    assert "Waar: Westermarkt 1, Jordaan" in told_nl.text
    assert told_nl.labels == ["Ja", "Misschien", "Nee"]
    told_en = await wim.wait_for("This action has changed (")
    assert told_en.text == (
        "This action has changed (meeting place). Can you come?\n\n"
        + SUMMARY_EN.replace("Noordermarkt", "Westermarkt 1")
        + "2 volunteers needed"
    )
    assert told_en.labels == ["Yes", "Maybe", "No"]
    await vera.wait_for("This action has changed: meeting place.")
    await wijkbot.outbox_idle()
    assert xan.messages_after(mark_x) == []  # said No

    # full now: a second change of place reaches who answered, not who did not
    await _press(wim, "Yes", "Your answer")
    mark_n = noor.mark()
    await _open_edit(carla)
    await _press(carla, "Place", "Type the new meeting place.")
    mark = carla.mark()
    await carla.send("Noordermarkt 4")
    await carla.wait_for("Changed, not saved yet: meeting place", after=mark)
    saved = await _press(carla, "Save changes", "Saved:")
    assert saved.text == "Saved: meeting place.\n2 volunteers get a message about the change."
    await wijkbot.outbox_idle()
    assert noor.messages_after(mark_n) == []
