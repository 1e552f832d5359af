"""Bad input gets a kind answer and loses nothing; /stop, /help, /taal, /verwijderen."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import AvailabilitySlot, Person


async def test_odd_updates_get_kind_answers_and_the_bot_keeps_going(
    wijkbot: BotUnderTest, fake
) -> None:
    eva = fake.user(2001, "Eva", language_code="en")
    await add_person(wijkbot, eva, role="volunteer", area="Haarlemmerbuurt", language="en")

    await fake.channel_post("announcement in a channel")  # no user at all
    await eva.send("/doesnotexist")
    await eva.wait_for("I don't know that command")
    mark = eva.mark()
    await eva.send_sticker()
    await eva.wait_for("I can only read text and button taps", after=mark)
    mark = eva.mark()
    await eva.send_voice()
    await eva.wait_for("I can only read text and button taps", after=mark)
    sent = await eva.send("x" * 4000)
    await eva.wait_for("I didn't understand that")
    mark = eva.mark()
    await eva.edit(sent["message_id"], "changed")
    await eva.wait_for("I don't read edited messages", after=mark)
    mark = eva.mark()
    await eva.press_data("av:9:z")  # forged availability button
    answer = await eva.wait_for_callback_answer()
    assert answer.text == "This button no longer works."
    await eva.press_data("zzz:1")  # nobody's button
    answer = await eva.wait_for_callback_answer()
    assert answer.text == "This button no longer works."
    await eva.send("/help")  # still answering after all of that
    await eva.wait_for("You are a volunteer", after=mark)


async def test_availability_grid_and_pause(wijkbot: BotUnderTest, fake) -> None:
    fred = fake.user(2002, "Fred", language_code="en")
    await add_person(
        wijkbot, fred, role="volunteer", area="Jordaan", language="en", slots={(0, "morning")}
    )
    await fred.send("/availability")
    await tap(fred, "⬜ Sat afternoon")
    await fred.wait_for(predicate=lambda m: "✅ Sat afternoon" in m.labels)
    await tap(fred, "✅ Mon morning")
    await fred.wait_for(predicate=lambda m: "⬜ Mon morning" in m.labels)
    await tap(fred, "⏸ Pause")
    await fred.wait_for("How long do you want a break")
    until_buttons = [label for label in fred.last.labels if label.startswith("Up to and including")]
    await tap(fred, until_buttons[0])
    paused = await fred.wait_for("Paused up to and including")
    assert "▶ Resume now" in paused.labels
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person))
        assert person.paused_until is not None
        slots = (await session.scalars(select(AvailabilitySlot))).all()
        assert [(s.weekday, s.day_part) for s in slots] == [(5, "afternoon")]
    await tap(fred, "▶ Resume now")
    await fred.wait_for(predicate=lambda m: "⏸ Pause" in m.labels)
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).paused_until is None


async def test_stop_language_and_delete(wijkbot: BotUnderTest, fake) -> None:
    gina = fake.user(2003, "Gina", language_code="en")
    await add_person(wijkbot, gina, role="volunteer", area="Jordaan", language="en")
    await gina.send("/stop")
    await gina.wait_for("you get no more messages from me")
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).stopped_at is not None
    await gina.send("/start")
    await gina.wait_for("You will get messages again")
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).stopped_at is None

    await gina.send("/language")
    await tap(gina, "Nederlands")
    await gina.wait_for(predicate=lambda m: m.edited)
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).language == "nl"
    await gina.send("/taal")
    await tap(gina, "English")
    await gina.wait_for("From now on I will write to you in English.")

    await gina.send("/delete")
    await tap(gina, "Yes, delete everything")
    await gina.wait_for("everything stored about you has been deleted")
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Person))).all() == []
    mark = gina.mark()
    await gina.send("/help")
    await gina.wait_for("You join with an invite link", after=mark)


async def test_group_chat_is_refused_politely(wijkbot: BotUnderTest, fake) -> None:
    update = {
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            "chat": {"id": -100123, "type": "supergroup", "title": "Buurt"},
            "from": {"id": 2004, "is_bot": False, "first_name": "Hans", "language_code": "en"},
        }
    }
    fake.inject_update(update)
    sent = await fake.wait_for_request("sendMessage", predicate=lambda r: r.chat_id == -100123)
    assert sent.params["text"] == "Please talk to me in a private chat."


async def test_blocking_the_bot_marks_the_person_unreachable_until_start(
    wijkbot: BotUnderTest, fake
) -> None:
    ivo = fake.user(2005, "Ivo", language_code="en")
    await add_person(wijkbot, ivo, role="volunteer", area="Jordaan", language="en")
    ivo.block()  # Telegram sends a my_chat_member update (status "kicked")
    await wijkbot.handled()
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).unreachable_at is not None
    ivo.unblock()
    await ivo.send("/start")
    await ivo.wait_for("You will get messages again")
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).unreachable_at is None


async def test_forged_numbers_in_buttons_get_the_polite_answer(wijkbot: BotUnderTest, fake) -> None:
    jan = fake.user(2006, "Jan", language_code="en")
    await add_person(wijkbot, jan, role="volunteer", area="Jordaan", language="en")
    await jan.send("/availability")
    await jan.wait_for("When can you usually help?")
    for data in ("av:p:²", "av:p:99999999999", "av:²:m", "av:7:m", "rsvp:99999999999:y"):
        await jan.press_data(data)
        answer = await jan.wait_for_callback_answer()
        assert answer.text == "This button no longer works.", data
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Person))).paused_until is None


async def test_only_the_newest_delete_question_deletes(wijkbot: BotUnderTest, fake) -> None:
    oma = fake.user(2007, "Oma", language_code="en")
    await add_person(wijkbot, oma, role="volunteer", area="Jordaan", language="en")
    await oma.send("/delete")
    first = await oma.wait_for("Do you want me to delete everything")
    mark = oma.mark()
    await oma.send("/delete")
    await oma.wait_for("Do you want me to delete everything", after=mark)
    await oma.press("Yes, delete everything", message_id=first.message_id)  # the older one
    assert (await oma.wait_for_callback_answer()).text == "This button no longer works."
    await oma.press_data("acc:del:yes")  # forged without the code
    assert (await oma.wait_for_callback_answer()).text == "This button no longer works."
    async with wijkbot.db.begin() as session:
        assert len((await session.scalars(select(Person))).all()) == 1
    await tap(oma, "Yes, delete everything")  # the newest question still works
    await oma.wait_for("everything stored about you has been deleted")
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Person))).all() == []
