"""Hand-over (issue 6 §4): the owner hands a request to the buurtteam after asking the
resident; the buurtteam's staff (linked in partner_member) see what they need and answer;
the owner sees the answer. Forged and stale presses change nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.coupling import requests
from bot.domain.text import isolate as iso
from bot.domain.vocabulary import HelpRequestStatus
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import HandOver, HelpRequest, Organisation, PartnerMember, Person
from tests.e2e.test_relay import person


async def test_hand_over_to_the_buurtteam_with_consent_answered_by_its_staff(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    olga = fake.user(9001, "Olga")
    fatma = fake.user(9002, "Fatma", language_code="en")
    staff = fake.user(9003, "Sanne")
    other_staff = fake.user(9004, "Ymke")
    await add_person(wijkbot, olga, role="coordinator", area="Centrum-West")
    await add_person(wijkbot, fatma, role="resident", area="Haarlemmerbuurt", language="en")
    await add_person(wijkbot, staff, role="volunteer", area="Centrum")  # role: other branch
    await add_person(wijkbot, other_staff, role="volunteer", area="Centrum")
    resident_id = (await person(wijkbot, fatma)).id
    staff_id = (await person(wijkbot, staff)).id
    other_id = (await person(wijkbot, other_staff)).id
    async with wijkbot.db.begin() as session:
        # Centrum's organisations are seeded in every test database (organisation file)
        team = await session.scalar(
            select(Organisation).where(Organisation.key == "buurtteam-centrum")
        )
        ymere = await session.scalar(
            select(Organisation).where(Organisation.key == "ymere-centrum")
        )
        assert team is not None and team.name == "Buurtteam Amsterdam Centrum"
        assert ymere is not None and ymere.name == "Ymere"
        session.add(PartnerMember(person_id=staff_id, organisation_id=team.id))
        session.add(PartnerMember(person_id=other_id, organisation_id=ymere.id))
        resident = await session.get(Person, resident_id)
        assert resident is not None
        request = await requests.create_request(
            session=session,
            resident=resident,
            tasks=["paperwork"],
            note="Brieven over schulden",
            now=wijkbot.clock.now(),
        )
        request_id = request.id

    mark = olga.mark()
    await olga.send("/doorzetten")
    await tap(olga, "Fatma (Haarlemmerbuurt)", after=mark)
    await olga.wait_for("Naar welke organisatie?", after=mark)
    await tap(olga, "Buurtteam Amsterdam Centrum", after=mark)
    await olga.wait_for("Ik heb Fatma gevraagd of dat goed is.", after=mark)

    question = await fatma.wait_for("Your coordinator thinks Buurtteam Amsterdam Centrum")
    assert question.buttons == [["Yes, that is fine", "No"]]
    # A forged answer for another organisation was never asked: refused.
    await fatma.press_data(f"ho:c:{request_id}:{ymere.id}:y")
    assert (await fatma.wait_for_callback_answer()).text == "This button no longer works."
    await fatma.press("Yes, that is fine", message_id=question.message_id)
    await fatma.wait_for("Thank you. We pass it on; they will get in touch with you.")
    await olga.wait_for(
        "De bewoner vindt het goed: de hulpvraag is doorgezet naar Buurtteam Amsterdam Centrum."
    )

    notice = await staff.wait_for("Het buurtnetwerk zet een hulpvraag door")
    await wijkbot.outbox_idle()
    assert other_staff.messages == []  # Ymere's staff get nothing
    hand_over_data = notice.button_data["Bekijken"]
    await other_staff.send("/help")
    await other_staff.wait_for("Je bent vrijwilliger")
    await other_staff.press_data(hand_over_data)  # not their organisation
    assert (await other_staff.wait_for_callback_answer()).text == "Deze knop werkt niet meer."

    mark = staff.mark()
    await staff.press("Bekijken", message_id=notice.message_id)
    shown = await staff.wait_for("Doorverwijzing", after=mark)
    assert shown.text.split("\n")[1:] == [
        f"Bewoner: {iso('Fatma')}, Haarlemmerbuurt",
        "Hulp nodig bij: Formulieren en papierwerk",
        "Spreekt: en",
        "Notitie: Brieven over schulden",
        f"Contact: coördinator {iso('Olga')}, via deze bot.",
    ]
    await tap(staff, "Niet voor ons", after=mark)
    await tap(staff, "Nu geen plek", after=mark)
    await staff.wait_for("Antwoord: niet voor ons.", after=mark)
    answer = await olga.wait_for("Buurtteam Amsterdam Centrum zegt")
    assert answer.text == (
        "Buurtteam Amsterdam Centrum zegt dat de hulpvraag niet voor hen is: Nu geen plek. "
        "Hij staat weer open."
    )
    async with wijkbot.db.begin() as session:
        found = await session.scalar(select(HandOver))
        assert found is not None and found.reason == "no_capacity"
        assert found.answered_by_id == staff_id
        request = await session.get(HelpRequest, request_id)
        assert request is not None and request.status == HelpRequestStatus.OPEN

    # Answering again is stale; the resident cannot answer twice either.
    await staff.press_data(f"ho:a:{found.id}:p")
    assert (await staff.wait_for_callback_answer()).text == "Deze knop werkt niet meer."
    await fatma.press_data(f"ho:c:{request_id}:{team.id}:y")
    assert (await fatma.wait_for_callback_answer()).text == "This button no longer works."

    # A resident's own words never reach partner staff, only the area's coordinators.
    staff_seen, other_seen = len(staff.messages), len(other_staff.messages)
    await fatma.send("I cannot pay the rent")
    await olga.wait_for("I cannot pay the rent")
    await wijkbot.handled()
    assert len(staff.messages) == staff_seen and len(other_staff.messages) == other_seen
