"""When a volunteer's place changes, what they already have in their chat follows (issue 8).

- The waiting list moves Wim up: the call message where he answered is edited (it no
  longer says "number 1 on the waiting list"), he is told, and he gets the .ics.
- Vera changes Ja -> Nee: she gets a METHOD:CANCEL file for the copy she received; a later
  Ja sends the event again with a higher SEQUENCE.

Real Application against the fake Bot API over HTTP, on SQLite and PostgreSQL; files are
parsed with icalendar.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import Clock
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import CalendarCopy, OutboxMessage, Person, Rsvp
from tests.e2e.test_my_actions import (
    CALL,
    CONFIRMED,
    EVERY_DAY,
    NO,
    NOW,
    SAT,
    STAND,
    _answer_call,
    _coordinator,
    _documents,
    _plan,
    _volunteers,
)

WAITING = "Your answer: Yes — the action is full, you are number 1 on the waiting list."


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def test_a_promotion_edits_the_old_call_and_sends_the_calendar_file(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera, wim = await _volunteers(wijkbot, fake, "Vera", "Wim")
    await _coordinator(wijkbot, fake)
    stand = await _plan(wijkbot, "Klaptafel", SAT, needed=1)
    await _answer_call(vera, "Klaptafel", "Yes", CONFIRMED)
    await _answer_call(wim, "Klaptafel", "Yes", WAITING)
    call = await wim.wait_for(WAITING)
    assert call.text == f"Klaptafel\n{STAND}\n1 volunteer needed\n\n{WAITING}"
    (vera_copy,) = await _documents(vera, 1)
    assert int(vera_copy.walk("VEVENT")[0]["sequence"]) == 0

    mark = wim.mark()
    await vera.press("No", message_id=(await vera.wait_for(CONFIRMED)).message_id)
    await vera.wait_for(NO)

    # Wim: his old call message now says he has a place (edited, same message), he is
    # told in a new message, and he gets the calendar file
    edited = await wim.wait_for(CONFIRMED, after=mark)
    assert edited.message_id == call.message_id
    assert edited.text == f"Klaptafel\n{STAND}\n1 volunteer needed\n\n{CONFIRMED}"
    assert edited.labels == ["Yes", "Maybe", "No"]
    assert "waiting list" not in wim.message(call.message_id).text
    told = await wim.wait_for("Good news: a place came free", after=mark)
    assert told.message_id != call.message_id
    (wim_copy,) = await _documents(wim, 1)
    assert str(wim_copy["method"]) == "PUBLISH"
    (event,) = wim_copy.walk("VEVENT")
    assert str(event["uid"]) == f"action-{stand}@wijkbot"

    # Vera: a METHOD:CANCEL file with the same UID and a higher SEQUENCE
    _, withdrawn = await _documents(vera, 2)
    assert str(withdrawn["method"]) == "CANCEL"
    (event,) = withdrawn.walk("VEVENT")
    assert str(event["uid"]) == f"action-{stand}@wijkbot"
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    doc = [m for m in vera.messages if m.kind == "document"][-1]
    assert doc.text == (
        "You gave up your place: open this file to remove the action from your calendar."
    )

    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(Person.display_name, Rsvp.status, Rsvp.answer_message_id)
            .join(Person, Person.id == Rsvp.person_id)
            .order_by(Person.display_name)
        )
        assert rows.all() == [
            ("Vera", "none", (await vera.wait_for(NO)).message_id),
            ("Wim", "confirmed", call.message_id),
        ]
        edits = await session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.message_key == "answer_updated")
        )
        assert edits.all() == ["sent"]

    # Vera says Ja again: she is on the waiting list now, no file; nothing else changes
    mark = vera.mark()
    await vera.press("Yes", message_id=(await vera.wait_for(NO)).message_id)
    await vera.wait_for(WAITING, after=mark)
    assert len([m for m in vera.messages if m.kind == "document"]) == 2


async def test_a_promotion_in_dutch_edits_the_call_in_dutch(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    (vera,) = await _volunteers(wijkbot, fake, "Vera")

    noor = fake.user(4200, "Noor", language_code="nl")
    await add_person(
        wijkbot, noor, role="volunteer", area="Jordaan", language="nl", slots=EVERY_DAY
    )
    await _coordinator(wijkbot, fake)
    await _plan(wijkbot, "Klaptafel", SAT, needed=1)
    await _answer_call(vera, "Klaptafel", "Yes", CONFIRMED)
    call = await noor.wait_for("Nieuwe actie in Jordaan: kun je helpen?")
    await noor.press("Ja", message_id=call.message_id)
    await noor.wait_for("Je bent nummer 1 op de wachtlijst")
    mark = noor.mark()
    await vera.press("No", message_id=(await vera.wait_for(CONFIRMED)).message_id)
    edited = await noor.wait_for("Je antwoord: Ja — tot dan!", after=mark)
    assert edited.message_id == call.message_id
    assert "wachtlijst" not in edited.text
    assert CALL not in edited.text


async def test_the_rest_of_the_waiting_list_is_renumbered(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    vera, wim, xan = await _volunteers(wijkbot, fake, "Vera", "Wim", "Xan")
    await _coordinator(wijkbot, fake)
    await _plan(wijkbot, "Klaptafel", SAT, needed=1)
    await _answer_call(vera, "Klaptafel", "Yes", CONFIRMED)
    await _answer_call(wim, "Klaptafel", "Yes", WAITING)
    second = "Your answer: Yes — the action is full, you are number 2 on the waiting list."
    await _answer_call(xan, "Klaptafel", "Yes", second)
    call = await xan.wait_for(second)

    mark = xan.mark()
    await vera.press("No", message_id=(await vera.wait_for(CONFIRMED)).message_id)
    moved = await xan.wait_for(WAITING, after=mark)  # now number 1
    assert moved.message_id == call.message_id
    assert moved.text == f"Klaptafel\n{STAND}\n1 volunteer needed\n\n{WAITING}"
    await wim.wait_for(CONFIRMED, after=mark)

    # Wim gives up the place he got: Xan, first on the list now, gets it
    mark = xan.mark()
    await wim.press("No", message_id=(await wim.wait_for(CONFIRMED)).message_id)
    done = await xan.wait_for(CONFIRMED, after=mark)
    assert done.message_id == call.message_id


async def test_cancelling_skips_a_copy_already_withdrawn(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    """Vera said Ja -> Nee and got her METHOD:CANCEL then; when the action is cancelled only
    Wim (who still has his place) gets one, Vera no second one."""
    vera, wim = await _volunteers(wijkbot, fake, "Vera", "Wim")
    carla = await _coordinator(wijkbot, fake)
    stand = await _plan(wijkbot, "Klaptafel", SAT, needed=2)
    await _answer_call(vera, "Klaptafel", "Yes", CONFIRMED)
    await _answer_call(wim, "Klaptafel", "Yes", CONFIRMED)
    await vera.press("No", message_id=(await vera.wait_for(CONFIRMED)).message_id)
    await vera.wait_for(NO)
    _, withdrawn = await _documents(vera, 2)
    assert str(withdrawn["method"]) == "CANCEL"

    await carla.send("/actions")
    await tap(carla, "Sat 6 Dec 14:00 · Klaptafel")
    await tap(carla, "Cancel action")
    await tap(carla, "Yes, cancel it")
    await carla.wait_for("The action is cancelled.")

    _, cancelled = await _documents(wim, 2)
    assert str(cancelled["method"]) == "CANCEL"
    (event,) = cancelled.walk("VEVENT")
    assert str(event["uid"]) == f"action-{stand}@wijkbot"
    assert int(event["sequence"]) == 1
    await wijkbot.outbox_idle()
    assert len([m for m in vera.messages if m.kind == "document"]) == 2
    async with wijkbot.db.begin() as session:
        copies = await session.execute(
            select(Person.display_name, CalendarCopy.sequence)
            .join(Person, Person.id == CalendarCopy.person_id)
            .order_by(Person.display_name)
        )
        assert copies.all() == [("Vera", 1), ("Wim", 1)]
