"""A person signs up through an invite link, as they would in Telegram."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.models import AvailabilitySlot, HelpRequest, HelpRequestTask, Invite, Offer, Person


async def test_volunteer_signs_up_in_english(wijkbot: BotUnderTest, fake) -> None:
    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    anna = fake.user(1001, "Anna", language_code="en")
    await anna.send(f"/start {token}")
    await anna.wait_for("Which language")
    await tap(anna, "English")
    await anna.wait_for("what do we store")
    await tap(anna, "I agree")
    await anna.wait_for("In which neighbourhood (buurt) do you live?")
    await tap(anna, "Planciusbuurt Noord")
    await anna.wait_for("Which languages do you speak?")
    await tap(anna, "⬜ Dutch")
    await tap(anna, "⬜ Turkish")
    await anna.wait_for(predicate=lambda m: "✅ Turkish" in m.labels)
    await tap(anna, "Done")
    await anna.wait_for("What do you like to do?")
    await tap(anna, "⬜ Street stand")
    await anna.wait_for(predicate=lambda m: "✅ Street stand" in m.labels)
    await tap(anna, "Done")
    await anna.wait_for("When can you usually help?")
    await tap(anna, "⬜ Sat afternoon")
    await anna.wait_for(predicate=lambda m: "✅ Sat afternoon" in m.labels)
    await tap(anna, "Done")
    done = await anna.wait_for("You are signed up as a volunteer")
    assert done.text.split("\n\n")[1] == (  # the choices, so Anna can check them
        "Neighbourhood: Planciusbuurt Noord\n"
        "Languages: Dutch, Turkish\n"
        "You like to do: Street stand\n"
        "When you can help: Sat afternoon"
    )

    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 1001))
        assert person is not None
        assert (person.role, person.language, person.display_name) == ("volunteer", "en", "Anna")
        assert sorted(person.spoken_languages) == ["nl", "tr"]
        assert person.onboarded_at is not None
        slots = (await session.scalars(select(AvailabilitySlot))).all()
        assert [(s.weekday, s.day_part) for s in slots] == [(5, "afternoon")]
        offers = (await session.scalars(select(Offer.task))).all()
        assert offers == ["street_stand"]
        invite = await session.scalar(select(Invite))
        assert invite.uses == 1


async def test_no_consent_stores_nothing(wijkbot: BotUnderTest, fake) -> None:
    token = await make_invite(wijkbot, role="resident", area="Haarlemmerbuurt")
    bob = fake.user(1002, "Bob", language_code="en")
    await bob.send(f"/start {token}")
    await tap(bob, "English")
    await bob.wait_for("Do you agree?")
    await tap(bob, "No, rather not")
    await bob.wait_for("Nothing has been stored")
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Person))).all() == []
        assert (await session.scalar(select(Invite))).uses == 0


async def test_bad_invites_get_an_explanation(wijkbot: BotUnderTest, fake, clock) -> None:
    expired = await make_invite(
        wijkbot, role="volunteer", area="Jordaan", valid_for=dt.timedelta(hours=1)
    )
    used = await make_invite(wijkbot, role="volunteer", area="Jordaan", max_uses=1)
    async with wijkbot.db.begin() as session:
        (await session.scalar(select(Invite).where(Invite.max_uses == 1))).uses = 1
    carl = fake.user(1003, "Carl", language_code="en")
    await carl.send("/start")
    await carl.wait_for("You can only join with an invite link")
    await carl.send("/start nonsense-token")
    await carl.wait_for("I don't recognise this invite link")
    await carl.send(f"/start {used}")
    await carl.wait_for("already been used as often as allowed")
    clock.advance(2 * 3600)
    await carl.send(f"/start {expired}")
    await carl.wait_for("This invite link has expired")
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Person))).all() == []


async def test_resident_restart_halfway_continues(wijkbot: BotUnderTest, fake) -> None:
    token = await make_invite(wijkbot, role="resident", area="Haarlemmerbuurt")
    dora = fake.user(1004, "Dora_*[]<b>", language_code="en")
    await dora.send(f"/start {token}")
    await tap(dora, "English")
    await tap(dora, "I agree")
    await tap(dora, "Westerdokseiland")
    await dora.wait_for("What would you like help with?")
    await tap(dora, "⬜ Digital help")
    await dora.wait_for(predicate=lambda m: "✅ Digital help" in m.labels)

    await wijkbot.restart()

    mark = dora.mark()
    await tap(dora, "Done")
    await dora.wait_for("could offer others", after=mark)
    await dora.send("hello?")
    await dora.wait_for("Please tap one of the buttons above")
    await tap(dora, "⬜ Company and going for walks")
    await dora.wait_for(predicate=lambda m: "✅ Company and going for walks" in m.labels)
    await tap(dora, "Done")
    done = await dora.wait_for("We have noted what you told us")
    assert "Dora_*[]<b>" in done.text
    assert done.text.split("\n\n")[1] == (
        "Neighbourhood: Westerdokseiland\n"
        "Would like help with: Digital help\n"
        "Can offer: Company and going for walks"
    )
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person))
        assert person.onboarded_at is not None and person.display_name == "Dora_*[]<b>"
        assert (await session.scalars(select(HelpRequestTask.task))).all() == ["digital_help"]
        assert (await session.scalars(select(Offer.task))).all() == ["company"]


async def test_stop_and_delete_in_the_middle_of_signing_up(wijkbot: BotUnderTest, fake) -> None:
    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    kim = fake.user(1005, "Kim", language_code="en")
    await kim.send(f"/start {token}")
    await tap(kim, "English")
    await tap(kim, "I agree")
    await kim.wait_for("In which neighbourhood (buurt) do you live?")
    await kim.send("/stop")
    await kim.wait_for("you get no more messages from me")
    mark = kim.mark()
    await kim.send("hello")
    await kim.wait_for("I didn't understand that", after=mark)  # the sign-up has ended
    mark = kim.mark()
    await kim.send("/start")
    await kim.wait_for("You will get messages again", after=mark)
    await kim.wait_for(
        "In which neighbourhood (buurt) do you live?", after=mark
    )  # it goes on where it was

    await kim.send("/delete")
    await tap(kim, "Yes, delete everything")
    await kim.wait_for("everything stored about you has been deleted")
    mark = kim.mark()
    await kim.send("hello")
    await kim.wait_for("I didn't understand that", after=mark)
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(Person))).all() == []


async def test_second_invite_while_signed_up_is_explained(wijkbot: BotUnderTest, fake) -> None:
    token = await make_invite(wijkbot, role="coordinator", area="Centrum", max_uses=1)
    lars = fake.user(1006, "Lars", language_code="en")
    await add_person(wijkbot, lars, role="volunteer", area="Jordaan", language="en")
    await lars.send(f"/start {token}")
    answer = await lars.wait_for("Welcome back, Lars!")
    assert "this invite link was not used" in answer.text
    async with wijkbot.db.begin() as session:
        assert (await session.scalar(select(Invite))).uses == 0
        assert (await session.scalar(select(Person))).role == "volunteer"


async def test_residents_are_not_offered_the_networks_own_actions_as_help(
    wijkbot: BotUnderTest, fake
) -> None:
    token = await make_invite(wijkbot, role="resident", area="Haarlemmerbuurt")
    mia = fake.user(1007, "Mia", language_code="en")
    await mia.send(f"/start {token}")
    await tap(mia, "English")
    await tap(mia, "I agree")
    await tap(mia, "Westerdokseiland")
    wants = await mia.wait_for("What would you like help with?")
    assert "⬜ Doorstep conversations" not in wants.labels
    assert "⬜ Street stand" not in wants.labels
    assert "⬜ Digital help" in wants.labels
    await mia.press_data("ob:want:doorstep")  # a forged press changes nothing
    assert (await mia.wait_for_callback_answer()).text == "This button no longer works."
    await mia.press_data("ob:want:done")
    offers = await mia.wait_for("could offer others")
    assert "⬜ Street stand" in offers.labels  # residents may offer to help at one
    async with wijkbot.db.begin() as session:
        assert (await session.scalars(select(HelpRequest))).all() == []


async def test_coordinator_gets_their_own_command_menu(wijkbot: BotUnderTest, fake) -> None:
    token = await make_invite(wijkbot, role="coordinator", area="Centrum", max_uses=1)
    noor = fake.user(1008, "Noor", language_code="nl")
    await noor.send(f"/start {token}")
    await tap(noor, "Nederlands")
    await tap(noor, "Ik ga akkoord")
    welcome = await noor.wait_for("Bedankt, Noor! Je bent nu coördinator voor Centrum.")
    assert "/hulpvragen – waar bewoners hulp bij willen" in welcome.text
    await wijkbot.handled()
    menu = [c["command"] for c in fake.commands({"type": "chat", "chat_id": noor.id})]
    assert menu[:4] == ["nieuweactie", "acties", "uitnodigen", "hulpvragen"]
    everyone = [c["command"] for c in fake.commands()]
    assert "nieuweactie" not in everyone and "beschikbaarheid" in everyone


async def test_a_right_to_left_name_is_isolated_in_the_sentence(
    wijkbot: BotUnderTest, fake
) -> None:
    """Issue 9, finding 7: a name sits between FSI and PDI, so an Arabic (right-to-left) name
    cannot reorder the sentence around it; a person sees no marks."""
    maryam = fake.user(1003, "مريم", language_code="en")
    await add_person(wijkbot, maryam, role="volunteer", area="Haarlemmerbuurt", language="en")
    await maryam.send("/start")
    back = await maryam.wait_for("Welcome back, مريم!")  # what a person sees
    assert back.text == ("Welcome back, \u2068مريم\u2069!\n\nSend /help to see what you can do.")
