"""Typed messages, voice notes and phone numbers go to the right person through the bot
(issue 6 §3): one routing rule, copies made with copyMessage, nothing of the message kept."""

from __future__ import annotations

from sqlalchemy import select, text

from bot.domain.coupling import couples, requests
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person
from storage.models import Base, Person, RelayMessage

SENTENCE = "Ik kan dinsdag om drie uur bij je langskomen met de boodschappen"
REPLY = "Dank je wel, dinsdag om drie uur is heel goed voor mij"
PHONE = "+31687654321"


async def couple_of(
    wijkbot: BotUnderTest, resident: Person, volunteer: Person, *, owner: Person | None = None
) -> int:
    """A couple made directly with the domain functions (the proposal flow is elsewhere)."""
    async with wijkbot.db.begin() as session:
        person = await session.get(Person, resident.id)
        assert person is not None
        request = await requests.create_request(
            session=session, resident=person, tasks=["shopping"], now=wijkbot.clock.now()
        )
        if owner is not None:
            request.owner_id = owner.id
        couple = await couples.start_couple(
            session=session, request=request, volunteer_id=volunteer.id, now=wijkbot.clock.now()
        )
        return couple.id


async def database_holds(wijkbot: BotUnderTest, needle: str) -> list[str]:
    """Every table and column whose value contains `needle` (the whole database)."""
    found = []
    async with wijkbot.db.begin() as session:
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(text(f'SELECT * FROM "{table.name}"'))
            for row in rows.mappings().all():
                for column, value in row.items():
                    if value is not None and needle in str(value):
                        found.append(f"{table.name}.{column}")
    return found


async def people(wijkbot: BotUnderTest, fake: FakeBotAPI) -> tuple[FakeUser, ...]:
    coordinator = fake.user(6001, "Carla")
    volunteer = fake.user(6002, "Anouk")
    resident = fake.user(6003, "Fatma", language_code="en")
    await add_person(wijkbot, coordinator, role="coordinator", area="Centrum-West")
    await add_person(wijkbot, volunteer, role="volunteer", area="Haarlemmerbuurt")
    await add_person(wijkbot, resident, role="resident", area="Haarlemmerbuurt", language="en")
    return coordinator, volunteer, resident


async def person(wijkbot: BotUnderTest, user: FakeUser) -> Person:
    async with wijkbot.db.begin() as session:
        found = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
        assert found is not None
        return found


async def test_a_couple_talks_through_the_bot_and_nothing_of_it_is_stored(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coordinator, volunteer, resident = await people(wijkbot, fake)
    await couple_of(
        wijkbot,
        await person(wijkbot, resident),
        await person(wijkbot, volunteer),
        owner=await person(wijkbot, coordinator),
    )

    # One open thread: a typed message goes to the other side, with who sent it.
    mark = resident.mark()
    await volunteer.send(SENTENCE)
    copy = await resident.wait_for(SENTENCE, after=mark)
    assert copy.buttons == [[f"From {iso('Anouk')}"]]
    await volunteer.wait_for("Doorgestuurd aan Fatma.")
    assert [m for m in coordinator.messages if SENTENCE in m.text] == []

    # A reply (Telegram's reply-to) to the copy goes back.
    mark = volunteer.mark()
    await resident.send(REPLY, reply_to=copy.message_id)
    back = await volunteer.wait_for(REPLY, after=mark)
    assert back.buttons == [[f"Van {iso('Fatma')}"]]
    await resident.wait_for("Passed on to Anouk.")

    # Voice notes follow the same rule, both ways.
    mark = resident.mark()
    await volunteer.send_voice(duration=7)
    voice = await resident.wait_for(predicate=lambda m: m.kind == "voice", after=mark)
    assert voice.payload is not None and voice.payload["voice"]["duration"] == 7
    mark = volunteer.mark()
    await resident.send_voice(duration=4)
    await volunteer.wait_for(predicate=lambda m: m.kind == "voice", after=mark)

    # "From Anouk" explains how to answer.
    await resident.press("From Anouk", message_id=copy.message_id)
    answer = await resident.wait_for_callback_answer()
    assert answer.text == "To answer, reply to this message (swipe it, or tap Reply)."

    # A phone number: the contact button, passed on once.
    mark = resident.mark()
    await resident.send("/sharenumber")
    offer = await resident.wait_for("pass on your phone number", after=mark)
    assert offer.reply_keyboard == [["Share my phone number"]]
    assert offer.reply_markup is not None
    assert offer.reply_markup["keyboard"][0][0]["request_contact"] is True
    mark = volunteer.mark()
    await resident.send_contact(phone_number=PHONE)
    card = await volunteer.wait_for(predicate=lambda m: m.kind == "contact", after=mark)
    assert card.payload is not None and card.payload["contact"]["phone_number"] == PHONE
    done = await resident.wait_for("Passed on to Anouk.", after=mark)
    assert done.reply_markup == {"remove_keyboard": True}
    # Someone else's number is not passed on.
    mark = volunteer.mark()
    await resident.send_contact(phone_number="+31611112222", first_name="Bob", user_id=None)
    await resident.wait_for("You can only share your own phone number here.")
    await wijkbot.handled()
    assert [m for m in volunteer.messages_after(mark) if m.kind == "contact"] == []

    await wijkbot.handled()
    await wijkbot.outbox_idle()
    for needle in (SENTENCE, REPLY, PHONE, "687654321"):
        assert await database_holds(wijkbot, needle) == []
    async with wijkbot.db.begin() as session:
        relayed = (await session.scalars(select(RelayMessage))).all()
    assert len(relayed) == 5  # text, reply, two voice notes, the contact: ids only
    assert sorted(r.chat_id for r in relayed) == sorted([resident.id] * 2 + [volunteer.id] * 3)


async def test_a_resident_without_a_couple_reaches_the_coordinators_owner_first(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coordinator, volunteer, resident = await people(wijkbot, fake)
    owner = fake.user(6004, "Olga")
    await add_person(wijkbot, owner, role="coordinator", area="Centrum")
    jordaan = fake.user(6005, "Jet")
    await add_person(wijkbot, jordaan, role="coordinator", area="Jordaan")
    async with wijkbot.db.begin() as session:
        me = await session.scalar(select(Person).where(Person.telegram_user_id == resident.id))
        olga = await session.scalar(select(Person).where(Person.telegram_user_id == owner.id))
        assert me is not None and olga is not None
        request = await requests.create_request(
            session=session, resident=me, tasks=["paperwork"], now=wijkbot.clock.now()
        )
        request.owner_id = olga.id

    await resident.send("Wanneer komt er iemand?")
    await resident.wait_for(
        "I passed your message on to the coordinators of your neighbourhood (buurt). "
        "Someone will answer you here."
    )
    first = await owner.wait_for("Wanneer komt er iemand?")
    assert first.buttons == [[f"Van {iso('Fatma')}"]]
    copy = await coordinator.wait_for("Wanneer komt er iemand?")
    assert first.seq < copy.seq  # the owner first
    assert jordaan.messages == []  # not their area
    assert volunteer.messages == []

    # The coordinator answers by replying; the conversation then stays open both ways.
    mark = resident.mark()
    await coordinator.send("Morgen bel ik je", reply_to=copy.message_id)
    answer = await resident.wait_for("Morgen bel ik je", after=mark)
    assert answer.buttons == [[f"From {iso('Carla')}"]]
    await coordinator.wait_for("Doorgestuurd aan Fatma.")
    mark = coordinator.mark()
    await resident.send("Goed, dank je")
    await coordinator.wait_for("Goed, dank je", after=mark)
    await resident.wait_for("Passed on to Carla.")

    # A volunteer with nobody to write to gets a kind pointer to /help.
    await volunteer.send("Hallo?")
    await volunteer.wait_for("Dat begreep ik niet. Ik werk met knoppen en een paar commando's.")


async def test_several_threads_ask_who_the_message_is_for(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coordinator, volunteer, resident = await people(wijkbot, fake)
    other = fake.user(6006, "Bram")
    await add_person(wijkbot, other, role="resident", area="Haarlemmerbuurt")
    anouk = await person(wijkbot, volunteer)
    await couple_of(wijkbot, await person(wijkbot, resident), anouk)
    await couple_of(wijkbot, await person(wijkbot, other), anouk)

    mark = volunteer.mark()
    await volunteer.send("Ik ben er om tien uur")
    ask = await volunteer.wait_for("Aan wie is dit bericht?", after=mark)
    assert sorted(ask.labels) == [iso("Bram"), iso("Fatma")]
    assert resident.messages == [] and other.messages == []
    mark = other.mark()
    await volunteer.press("Bram", message_id=ask.message_id)
    await other.wait_for("Ik ben er om tien uur", after=mark)
    await volunteer.wait_for(
        predicate=lambda m: m.text == f"Doorgestuurd aan {iso('Bram')}." and m.edited
    )
    assert resident.messages == []

    # A forged choice (someone not in a thread) changes nothing.
    forged = f"rl:to:{(await person(wijkbot, coordinator)).id}:{ask.message_id}"
    await volunteer.press_data(forged, message_id=ask.message_id)
    answer = await volunteer.wait_for_callback_answer()
    assert answer.text == "Deze knop werkt niet meer."
    await wijkbot.handled()
    assert coordinator.messages == []


async def test_a_jordaan_resident_invited_centrum_wide_reaches_the_jordaan_coordinator(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    jet = fake.user(6101, "Jet")
    await add_person(wijkbot, jet, role="coordinator", area="Jordaan")
    west = fake.user(6102, "Wim")
    await add_person(wijkbot, west, role="coordinator", area="Westelijke Eilanden")
    resident = fake.user(6103, "Yusuf")
    await add_person(
        wijkbot, resident, role="resident", area="Centrum", buurt="Anjeliersbuurt Noord"
    )
    await resident.send("Kan iemand mij helpen met een brief?")
    copy = await jet.wait_for("Kan iemand mij helpen met een brief?")
    assert copy.buttons == [[f"Van {iso('Yusuf')}"]]
    await resident.wait_for("Ik heb je bericht doorgestuurd naar de coördinatoren van je buurt.")
    await wijkbot.handled()
    assert west.messages == []  # another wijk
