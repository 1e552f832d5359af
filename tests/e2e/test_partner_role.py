"""Partner role (issue 6 §0): staff of a partner organisation join through an invite that
names their organisation, and see no help request, roster or resident message."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.domain.coupling.requests import create_request
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_partner, add_person, tap
from storage.models import Invite, Organisation, PartnerMember, Person

COORDINATORS_ONLY = "Sorry, only coordinators can do this."
STALE = "This button no longer works."


async def _partner_link(wijkbot: BotUnderTest, fake: FakeBotAPI) -> str:
    """A Centrum-West coordinator makes a partner invite for the buurtteam in the chat."""
    noor = fake.user(6001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await noor.send("/invite")
    mark = noor.mark()
    await tap(noor, "Partner organisation")
    menu = await noor.wait_for("For which organisation?", after=mark)
    assert menu.text == (
        "Invite for: Partner organisation. For which organisation? Staff of a partner "
        "organisation see only what is handed over to them, never help requests or rosters."
    )
    assert menu.labels == [
        "Buurtteam Amsterdam Centrum",
        "DOCK Centrum",
        "Gebiedsmakelaar Centrum (gemeente)",
        "Ymere",
    ]
    await tap(noor, "Buurtteam Amsterdam Centrum", after=mark)
    made = await noor.wait_for("Invite link for", after=mark)
    assert made.text.startswith(
        "Invite link for: Partner organisation, <b>Buurtteam Amsterdam Centrum</b>"
    ) or made.text.startswith("Invite link for: Partner organisation, Buurtteam Amsterdam Centrum")
    assert "It works for one person." in made.text
    found = re.search(r"start=([A-Za-z0-9_-]+)", made.text)
    assert found is not None
    return found.group(1)


async def test_partner_invite_names_the_organisation(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    token = await _partner_link(wijkbot, fake)
    pim = fake.user(6101, "Pim", language_code="nl")
    await pim.send(f"/start {token}")
    await tap(pim, "Nederlands")
    await tap(pim, "Ik ga akkoord")
    welcome = await pim.wait_for("Dank je!")
    assert welcome.text.startswith(
        "Dank je! Je doet nu mee namens Buurtteam Amsterdam Centrum (Centrum)."
    )
    async with wijkbot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 6101))
        assert person is not None and person.role == "partner"
        assert person.onboarded_at is not None
        org = await session.scalar(
            select(Organisation)
            .join(PartnerMember, PartnerMember.organisation_id == Organisation.id)
            .where(PartnerMember.person_id == person.id)
        )
        assert org is not None and org.key == "buurtteam-centrum"
        invite = await session.scalar(select(Invite).where(Invite.role == "partner"))
        assert invite is not None and invite.max_uses == 1 and invite.uses == 1

    # A second person cannot use the same link (one person per partner invite).
    other = fake.user(6102, "Olga", language_code="en")
    await other.send(f"/start {token}")
    await other.wait_for(predicate=lambda m: "used" in m.text or "gebruikt" in m.text)


async def test_a_partner_sees_no_requests_rosters_or_messages(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    pim = fake.user(6201, "Pim", language_code="en")
    partner = await add_partner(wijkbot, pim, organisation="buurtteam-centrum", language="en")
    async with wijkbot.db.begin() as session:
        org_id = await session.scalar(
            select(PartnerMember.organisation_id).where(PartnerMember.person_id == partner.id)
        )
    resident = fake.user(6202, "Ayse", language_code="en")
    ayse = await add_person(wijkbot, resident, role="resident", area="Jordaan", language="en")
    async with wijkbot.db.begin() as session:
        row = await session.get(Person, ayse.id)
        assert row is not None
        request = await create_request(
            session=session,
            resident=row,
            tasks=["paperwork"],
            now=wijkbot.clock.now(),
            note="ik kan de huur niet betalen",
        )
        request_id = request.id

    mark = pim.mark()
    await pim.send("/help")
    help_text = await pim.wait_for("partner organisation", after=mark)
    assert "/helprequests" not in help_text.text and "/newaction" not in help_text.text
    assert "/actions – actions your organisation organises with the network" in help_text.text

    # /acties shows only the joint actions of their own organisation (issue 10): none here
    for command in ("/acties", "/actions"):
        wijkbot.clock.advance(1)
        mark = pim.mark()
        await pim.send(command)
        await pim.wait_for(
            "Your organisation organises no upcoming actions with the network.", after=mark
        )
    for command in (
        "/hulpvragen",
        "/helprequests",
        "/newaction",
        "/nieuweactie",
        "/invite",
        "/uitnodigen",
    ):
        wijkbot.clock.advance(1)
        mark = pim.mark()
        await pim.send(command)
        await pim.wait_for(COORDINATORS_ONLY, after=mark)
    for command in ("/ready", "/klaarvoorkoppelen"):
        wijkbot.clock.advance(1)
        mark = pim.mark()
        await pim.send(command)
        await pim.wait_for(COORDINATORS_ONLY, after=mark)
    for command in ("/hulpvraag", "/helprequest"):
        wijkbot.clock.advance(1)
        mark = pim.mark()
        await pim.send(command)
        await pim.wait_for("Sorry, this is for residents who signed up.", after=mark)
    for command in ("/myactions", "/availability"):
        mark = pim.mark()
        await pim.send(command)
        reply = await pim.wait_for(after=mark)
        assert "Ayse" not in reply.text
    for data in (
        "hr:p:0",
        "act:r:1",
        "act:rp:1:0",
        "act:cc:1",
        "act:l:0",
        "inv:r:v",
        "inv:pt",
        f"inv:g:{org_id}",
        "att:o:1:0",
        "att:s:1",
        f"cr:o:{request_id}",
        f"cr:t:{request_id}",
        f"cr:s:{request_id}",
        f"cr:v:{request_id}:{partner.id}",
        "rd:p:0",
        f"rd:s:{partner.id}:0",
        # joint actions (issue 10): no action of theirs, so every press is stale
        "pa:r:1:0",
        "pa:nl:1:u",
        "act:og:1",
        f"act:ot:1:{org_id}:1",
        "act:ct:1:1",
        "act:nl:1:u",
    ):
        wijkbot.clock.advance(1)  # a person's pace: the flood guard stays out of the way
        await pim.press_data(data)
        answer = await pim.wait_for_callback_answer()
        # Refused before anything is looked up; the attendance list of an action that does
        # not exist answers as a stale button (it tells nothing either).
        assert answer.text in (COORDINATORS_ONLY, STALE), (data, answer.text)
    await wijkbot.handled()
    for data in ("hq:t:shopping:1", "hq:l:tr:1", "hq:e:t", "hq:d", "hq:w", "hq:wy", "pr:1:y"):
        wijkbot.clock.advance(1)
        await pim.press_data(data)
        answer = await pim.wait_for_callback_answer()
        assert answer.text in (
            "Sorry, this is for residents who signed up.",
            "This proposal is no longer open. Thank you anyway!",
        ), (data, answer.text)
    await wijkbot.handled()
    assert all("Ayse" not in m.text and "huur" not in m.text for m in pim.messages)
