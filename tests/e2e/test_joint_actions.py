"""Joint actions (issue 10 item 1) and the partner's own overview (item 7), in chat.

A coordinator plans a klaptafel with the buurtteam, DOCK and Ymere (chosen on the preview);
the call names them (Dutch and English); DOCK's partner user sees the roster with first
names only and gets the full and drop-out notices; a partner of another organisation, and
DOCK's partner for an action DOCK does not co-organise, get the stale answer for every
forged press. A partner's /overzicht has small counts suppressed (CSV parsed back). Real
Application against the fake Bot API over HTTP, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_partner, add_person, tap
from storage.models import Action, ActionOrganisation, Organisation, Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)  # Saturday
SATURDAY = [(5, "afternoon")]
STALE = "This button no longer works."
ORGANISERS = ["Buurtteam Amsterdam Centrum", "DOCK Centrum", "Ymere"]


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(MONDAY)


async def _volunteers(wijkbot: BotUnderTest, fake: FakeBotAPI) -> list[FakeUser]:
    """Vol1 (Dutch), Vol2 and Vol3 (English), Jordaan, free on Saturday afternoon."""
    found = []
    for i, language in enumerate(("nl", "en", "en")):
        user = fake.user(4001 + i, f"Vol{i + 1}", language_code=language)
        await add_person(
            wijkbot, user, role="volunteer", area="Jordaan", language=language, slots=SATURDAY
        )
        found.append(user)
    return found


async def _plan_with_partners(coord: FakeUser) -> None:
    """/newaction in chat: a klaptafel in the whole Jordaan, Saturday 14:00-16:00, 2 places,
    with the buurtteam, DOCK and Ymere chosen on the preview."""
    await coord.send("/newaction")
    await tap(coord, "Street stand")
    await coord.wait_for("Type a short title for the action.")
    await coord.send("Klaptafel")
    await tap(coord, "Jordaan")
    await tap(coord, "All of Jordaan")
    await coord.wait_for("Where do the volunteers meet?")
    await coord.send("Noordermarkt")
    await tap(coord, "Sat 6 Dec")
    await coord.wait_for("What time does it start?")
    await coord.send("14:00")
    await coord.wait_for("What time does it end?")
    await coord.send("16:00")
    await tap(coord, "2")
    preview = await coord.wait_for("Please check the action:")
    assert "Organised with" not in preview.text
    mark = coord.mark()
    await tap(coord, "Together with partners", after=mark - 1)
    screen = await coord.wait_for("Which organisations organise this action with you?", after=mark)
    assert screen.labels == [
        "Buurtteam Amsterdam Centrum",
        "DOCK Centrum",
        "Gebiedsmakelaar Centrum (gemeente)",
        "Ymere",
        "Done",
    ]
    for name in ORGANISERS:
        mark = coord.mark()
        await tap(coord, name, after=mark - 1)
        await coord.wait_for(predicate=lambda m, n=name: f"✓ {n}" in m.labels, after=mark)
    mark = coord.mark()
    await tap(coord, "Done", after=mark - 1)
    preview = await coord.wait_for("Please check the action:", after=mark)
    assert preview.text == (
        "Please check the action:\n\n"
        "Klaptafel\nStreet stand\n"
        "When: Saturday 6 December, 14:00 to 16:00\n"
        "Where: Noordermarkt, Jordaan\n"
        "Organised with: Buurtteam Amsterdam Centrum, DOCK Centrum, and Ymere\n"
        "2 volunteers needed\n\n"
        "Shall I send the call to the volunteers?"
    )
    mark = coord.mark()
    await tap(coord, "Yes, send the call", after=mark - 1)
    await coord.wait_for("Done! The action Klaptafel is planned.", after=mark)


async def _answer(user: FakeUser, label: str) -> None:
    mark = user.mark()
    await tap(user, label)
    await user.wait_for(predicate=lambda m: "answer" in m.text or "antwoord" in m.text, after=mark)


async def test_joint_action_call_roster_and_notices_for_the_partner(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    vol1, vol2, vol3 = await _volunteers(wijkbot, fake)
    dirk = fake.user(6101, "Dirk", language_code="en")
    await add_partner(wijkbot, dirk, organisation="dock-centrum", language="en")

    await _plan_with_partners(carla)
    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action).where(Action.title == "Klaptafel"))
        assert action is not None
        action_id = action.id
        keys = await session.scalars(
            select(Organisation.key)
            .join(ActionOrganisation, ActionOrganisation.organisation_id == Organisation.id)
            .where(ActionOrganisation.action_id == action_id)
            .order_by(Organisation.key)
        )
        assert keys.all() == ["buurtteam-centrum", "dock-centrum", "ymere-centrum"]

    # the call names who organises it, in the reader's language (Babel's list patterns)
    call_nl = await vol1.wait_for("Nieuwe actie in Jordaan")
    assert call_nl.text.split("\n")[0] == (
        "Nieuwe actie in Jordaan, met Buurtteam Amsterdam Centrum, DOCK Centrum en Ymere: "
        "kun je helpen?"
    )
    assert "Samen met:" not in call_nl.text  # said once, in the first line
    call_en = await vol2.wait_for("New action in Jordaan")
    assert call_en.text.split("\n")[0] == (
        "New action in Jordaan, with Buurtteam Amsterdam Centrum, DOCK Centrum, and Ymere: "
        "can you help?"
    )

    # DOCK's partner user: /actions lists the joint action
    mark = dirk.mark()
    await dirk.send("/actions")
    listed = await dirk.wait_for("Actions your organisation organises", after=mark)
    assert listed.labels == ["Sat 6 Dec 14:00 · Klaptafel"]

    mark = dirk.mark()
    await _answer(vol1, "Ja")
    await _answer(vol2, "Yes")
    full = await dirk.wait_for("Full:", after=mark)
    assert (
        full.text == "Full: Klaptafel (Saturday 6 December at 14:00) has all 2 volunteers it needs."
    )
    assert full.buttons == [["Show the roster"]]
    await _answer(vol3, "Yes")  # waiting list

    await tap(dirk, "Sat 6 Dec 14:00 · Klaptafel")
    roster = await dirk.wait_for("places filled")
    assert roster.text.split("\n") == [
        "Klaptafel",
        "Street stand",
        "When: Saturday 6 December, 14:00 to 16:00",
        "Where: Noordermarkt, Jordaan",
        "Organised with: Buurtteam Amsterdam Centrum, DOCK Centrum, and Ymere",
        "2 volunteers needed",
        "",
        "2 of 2 places filled",
        f"Coming (2): {iso('Vol1')}, {iso('Vol2')}",
        f"Waiting list (1): {iso('Vol3')}",
        "Maybe: 0 · Not coming: 0",
        "",
        "Notices to you: all",
    ]
    assert roster.labels == ["Refresh", "Only urgent notices", "« All actions"]

    # a drop-out: the partner hears who and who took the place, like the coordinator
    mark, carla_mark = dirk.mark(), carla.mark()
    await _answer(vol1, "Nee")
    dropout = await dirk.wait_for("can no longer come", after=mark)
    assert dropout.text == (
        f"{iso('Vol1')} can no longer come to Klaptafel (Saturday 6 December at 14:00).\n"
        f"{iso('Vol3')} from the waiting list takes the place."
    )
    assert dropout.buttons == [["Show the roster"]]
    await carla.wait_for("can no longer come", after=carla_mark)
    mark = dirk.mark()
    await tap(dirk, "Show the roster", after=mark - 1)
    again = await dirk.wait_for("Not coming: 1", after=mark)
    assert f"Coming (2): {iso('Vol2')}, {iso('Vol3')}" in again.text

    # "alleen urgent" for this action: the next (non-urgent) drop-out is not told to Dirk
    mark = dirk.mark()
    await tap(dirk, "Only urgent notices", after=mark - 1)
    await dirk.wait_for("Notices to you: only urgent", after=mark)
    mark, carla_mark = dirk.mark(), carla.mark()
    await _answer(vol2, "No")
    await carla.wait_for("can no longer come", after=carla_mark)
    await wijkbot.outbox_idle()
    assert not [m for m in dirk.messages_after(mark) if "can no longer come" in m.text]


async def test_forged_presses_of_other_partners_are_refused(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    carla = fake.user(2001, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")
    vol = fake.user(4001, "Vol1", language_code="en")
    await add_person(wijkbot, vol, role="volunteer", area="Jordaan", language="en", slots=SATURDAY)
    dirk = fake.user(6101, "Dirk", language_code="en")
    await add_partner(wijkbot, dirk, organisation="dock-centrum", language="en")
    gert = fake.user(6102, "Gert", language_code="en")
    await add_partner(wijkbot, gert, organisation="gebiedsmakelaar-centrum", language="en")
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(select(Person).where(Person.telegram_user_id == 2001))
        assert coordinator is not None
        joint, _ = await make.planned_action(
            session, coordinator=coordinator, area="Jordaan", starts_at=STARTS, now=MONDAY
        )
        other, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            area="Jordaan",
            title="Portiek Westerstraat",
            starts_at=STARTS + dt.timedelta(days=1),
            now=MONDAY,
        )
        dock = await session.scalar(select(Organisation).where(Organisation.key == "dock-centrum"))
        assert dock is not None
        session.add(ActionOrganisation(action_id=joint.id, organisation_id=dock.id))
        joint_id, other_id, dock_id = joint.id, other.id, dock.id

    # the partner of another organisation: no joint actions, every press refused
    mark = gert.mark()
    await gert.send("/acties")
    empty = await gert.wait_for("Your organisation organises no upcoming actions", after=mark)
    assert empty.labels == []
    mark = dirk.mark()
    await dirk.send("/actions")
    mine = await dirk.wait_for("Actions your organisation organises", after=mark)
    assert mine.labels == ["Sat 6 Dec 14:00 · Portiekgesprekken"]  # not the other action
    presses = [
        f"pa:r:{joint_id}:0",
        f"pa:r:{other_id}:0",
        f"pa:nl:{joint_id}:u",
        f"pa:r:{joint_id}:abc",
        "pa:r:999999:0",
        f"act:r:{joint_id}",
        f"act:og:{joint_id}",
        f"act:ot:{joint_id}:{dock_id}:1",
        f"act:ra:{joint_id}",
        f"act:nl:{joint_id}:u",
        f"act:cp:{joint_id}",
        f"act:ct:{joint_id}:{joint_id}",
    ]
    for user in (gert, dirk):
        for data in presses:
            if user is dirk and data.startswith(f"pa:r:{joint_id}:0"):
                continue  # Dirk's own roster
            if user is dirk and data.startswith(f"pa:nl:{joint_id}"):
                continue
            wijkbot.clock.advance(1)
            await user.press_data(data)
            answer = await user.wait_for_callback_answer()
            assert answer.text in (STALE, "Sorry, only coordinators can do this."), (data, answer)
    await wijkbot.handled()
    assert not [m for m in gert.messages if "Klaptafel" in m.text or "Vol1" in m.text]
    assert not [m for m in dirk.messages if "Portiek Westerstraat" in m.text]

    # the coordinator's roster: "Together with partners" shows the choice and changes it
    await carla.send("/actions")
    await tap(carla, "Sat 6 Dec 14:00 · Portiekgesprekken")
    roster = await carla.wait_for("Organised with: DOCK Centrum")
    mark = carla.mark()
    await tap(carla, "Together with partners", after=roster.seq - 1)
    screen = await carla.wait_for("Which organisations organise", after=mark)
    assert "✓ DOCK Centrum" in screen.labels
    mark = carla.mark()
    await tap(carla, "Gebiedsmakelaar Centrum (gemeente)", after=mark - 1)
    await carla.wait_for(
        predicate=lambda m: "✓ Gebiedsmakelaar Centrum (gemeente)" in m.labels, after=mark
    )
    mark = gert.mark()
    await gert.send("/actions")
    listed = await gert.wait_for("Actions your organisation organises", after=mark)
    assert listed.labels == ["Sat 6 Dec 14:00 · Portiekgesprekken"]


async def test_partner_overview_suppresses_small_counts(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    from tests.e2e.test_overview_chat import NOW as JUNE
    from tests.e2e.test_overview_chat import seed

    clock.set(JUNE)
    noor = fake.user(6001, "Noor", language_code="nl")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum", language="nl")
    await seed(wijkbot)
    pim = fake.user(6201, "Pim", language_code="nl")
    await add_partner(wijkbot, pim, organisation="ymere-centrum", language="nl")

    await pim.send("/overzicht")
    mark = pim.mark()
    await tap(pim, "Vorige maand")
    text = await pim.wait_for("Overzicht Centrum", after=mark)
    assert text.text.split("\n") == [
        "Overzicht Centrum",
        "1 mei 2027 – 31 mei 2027",
        "",
        "Acties gehouden: <5",
        "Actieve vrijwilligers: <5",
        "Bewoners gesproken (gesprekken): 8",
        "Nieuwe bewoners ontmoet: 0",
        "Nieuwe aanmeldingen: <5 (Bibliotheek: <5)",
        "Open hulpvragen nu: 0",
        "Het meest gehoord: eenzaamheid (<5)",
        "",
        "<5: minder dan 5, niet getoond voor de privacy",
    ]
    assert text.labels == []  # no "Hier ook" for partners
    photo = await pim.wait_for(predicate=lambda m: m.kind == "photo", after=mark)
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")
    document = await pim.wait_for(predicate=lambda m: m.kind == "document", after=mark)
    assert document.document is not None
    content = document.document.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    header = rows[0]
    by_name = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    west = by_name["Haarlemmerbuurt West"]
    assert [west[h] for h in header[3:9]] == ["<5", "<5", "8", "0", "<5", "0"]
    assert rows[-1][:9] == ["totaal", "", "Centrum", "<5", "<5", "8", "0", "<5", "0"]
    numbers = [cell for row in rows[1:] for cell in row[3:]]
    assert not [c for c in numbers if c.isdigit() and 0 < int(c) < 5]
    assert not any(name in content for name in ("Fatima", "Joost", "Ans"))


async def test_here_too_is_the_once_more_copy_and_old_buttons_still_work(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    from storage.areas import find_area
    from tests.e2e.test_overview_chat import NOW as JUNE
    from tests.e2e.test_overview_chat import seed

    clock.set(JUNE)
    noor = fake.user(6001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum", language="en")
    await seed(wijkbot)
    async with wijkbot.db.begin() as session:
        stand = await session.scalar(select(Action).where(Action.title == "Klaptafel"))
        dock = await session.scalar(select(Organisation).where(Organisation.key == "dock-centrum"))
        noord = await find_area(session, "Anjeliersbuurt Noord")
        assert stand is not None and dock is not None and noord is not None
        session.add(ActionOrganisation(action_id=stand.id, organisation_id=dock.id))
        stand_id, noord_id = stand.id, noord.id

    for data in (f"act:ct:{stand_id}:{noord_id}", f"na:cp:{stand_id}:{noord_id}"):
        mark = noor.mark()
        await noor.send("/overview")
        await tap(noor, "Last month", after=mark)
        listed = await noor.wait_for("Overview Centrum", after=mark)
        assert listed.buttons[0] == ["Here too: Anjeliersbuurt Noord"]
        mark = noor.mark()
        await noor.press_data(data, message_id=listed.message_id)
        await noor.wait_for("Where do the volunteers meet?", after=mark)
        mark = noor.mark()
        await noor.send("Buurthuis De Boom")
        preview = await noor.wait_for("Please check the action:", after=mark)
        assert "When: Saturday 12 June, 14:00 to 16:00" in preview.text
        assert "Where: Buurthuis De Boom, Anjeliersbuurt Noord" in preview.text
        assert "Organised with: DOCK Centrum" in preview.text  # co-organisers come along
        await noor.send("/cancel")
        await noor.wait_for("OK, stopped. Nothing was saved.")
