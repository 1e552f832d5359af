"""A resident's own help request (issue 6 §0): the sign-up question makes the same request
/hulpvraag shows; withdrawing it (a double press counts once); a volunteer who is erased
while asked leaves the request open again, not "someone asked" for ever."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain import people
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.models import HelpRequest, HelpRequestChange, Person, Proposal


async def test_sign_up_question_is_the_request_and_it_can_be_withdrawn(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    token = await make_invite(wijkbot, role="resident", area="Haarlemmerbuurt")
    yusuf = fake.user(7501, "Yusuf", language_code="en")
    await yusuf.send(f"/start {token}")
    await tap(yusuf, "English")
    await tap(yusuf, "I agree")
    await tap(yusuf, "Westerdokseiland")
    mark = yusuf.mark()
    await tap(yusuf, "⬜ Forms and paperwork")
    await yusuf.wait_for(predicate=lambda m: "✅ Forms and paperwork" in m.labels)
    await tap(yusuf, "Done", after=mark)
    mark = yusuf.mark()
    await yusuf.wait_for("could offer others", after=mark)
    await tap(yusuf, "Done", after=mark)
    await yusuf.wait_for("We have noted what you told us")

    mark = yusuf.mark()
    await yusuf.send("/helprequest")
    status = await yusuf.wait_for("Your help request", after=mark)
    assert status.text == (
        "Your help request (hulpvraag)\nHelp with: Forms and paperwork\nLanguages: English\n"
        "Times: any time\n\nWe are looking for someone for you."
    )
    mark = yusuf.mark()
    await tap(yusuf, "Withdraw my request")
    question = await yusuf.wait_for("withdraw your help request?", after=mark)
    assert question.labels == ["Yes, withdraw", "No, keep it"]
    mark = yusuf.mark()
    await tap(yusuf, "Yes, withdraw")
    await yusuf.wait_for("Your help request is withdrawn.", after=mark)
    await yusuf.press_data("hq:wy", message_id=question.message_id)  # a second press
    assert (await yusuf.wait_for_callback_answer()).text == "This button no longer works."
    await yusuf.press_data("hq:t:shopping:0", message_id=question.message_id)
    await yusuf.wait_for_callback_answer()
    async with wijkbot.db.begin() as session:
        request = await session.scalar(select(HelpRequest))
        assert request is not None and request.status == "closed"
        changes = (await session.scalars(select(HelpRequestChange))).all()
        assert [(c.from_status, c.to_status) for c in changes] == [
            (None, "open"),
            ("open", "closed"),
        ]
        assert changes[-1].by_id == request.person_id

    mark = yusuf.mark()
    await yusuf.send("/helprequest")  # asking again makes a new request
    ask = await yusuf.wait_for("What would you like help with?", after=mark)
    assert "⬜ Shopping" in ask.labels


async def test_a_volunteer_erased_while_asked_leaves_the_request_open(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(7601, "Noor", language_code="en")
    coordinator = await add_person(
        wijkbot, noor, role="coordinator", area="Centrum-West", language="en"
    )
    vera = fake.user(7602, "Vera", language_code="en")
    volunteer = await add_person(
        wijkbot,
        vera,
        role="volunteer",
        area="Haarlemmerbuurt",
        language="en",
        offers=["shopping"],
    )
    ayse = fake.user(7603, "Ayse", language_code="nl")
    await add_person(wijkbot, ayse, role="resident", area="Haarlemmerbuurt")
    from bot.domain.coupling import proposals, volunteers
    from bot.domain.coupling.requests import create_request

    async with wijkbot.db.begin() as session:
        v = await session.get(Person, volunteer.id)
        c = await session.get(Person, coordinator.id)
        r = await session.scalar(select(Person).where(Person.telegram_user_id == ayse.id))
        assert v is not None and c is not None and r is not None
        people.set_spoken_languages(person=v, languages=["nl"])
        now = wijkbot.clock.now()
        await volunteers.mark_ready(session=session, volunteer_id=v.id, coordinator=c, now=now)
        request = await create_request(session=session, resident=r, tasks=["shopping"], now=now)
        await proposals.propose(
            session=session, request_id=request.id, volunteer_id=v.id, coordinator=c, now=now
        )
    await vera.wait_for("Would you like to help")
    await vera.send("/delete")
    await tap(vera, "Yes, delete everything")
    await vera.wait_for("deleted")
    async with wijkbot.db.begin() as session:
        row = await session.scalar(select(HelpRequest))
        assert row is not None and row.status == "open"
        assert (await session.scalars(select(Proposal))).all() == []
    mark = ayse.mark()
    await ayse.send("/hulpvraag")
    status = await ayse.wait_for("Je hulpvraag", after=mark)
    assert status.text.endswith("We zoeken iemand voor je.")
