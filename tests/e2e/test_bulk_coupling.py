"""/koppelen (issue 6 §5): a set of couples for all open requests of the coordinator's area,
requests nobody can take reported, some dropped, the rest proposed with one tap (the
proposal renderers are another branch's: the outbox rows are asserted here)."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.coupling import requests, volunteers
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import OutboxMessage, Person, Proposal
from tests.e2e.test_relay import person


async def test_coordinator_reviews_drops_and_sends_a_set_of_proposals(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    carla = fake.user(8001, "Carla")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum-West")
    helpers = {
        "Anouk": (fake.user(8002, "Anouk"), ["shopping"]),
        "Bas": (fake.user(8003, "Bas"), ["paperwork"]),
        "Vera": (fake.user(8004, "Vera"), ["shopping", "digital_help"]),  # not ready
    }
    for user, offers in helpers.values():
        await add_person(wijkbot, user, role="volunteer", area="Haarlemmerbuurt", offers=offers)
    residents = {
        "Fatma": (fake.user(8101, "Fatma"), "shopping"),
        "Gijs": (fake.user(8102, "Gijs"), "paperwork"),
        "Hans": (fake.user(8103, "Hans"), "digital_help"),  # only Vera, who is not ready
    }
    for user, _ in residents.values():
        await add_person(wijkbot, user, role="resident", area="Haarlemmerbuurt")
    coordinator = await person(wijkbot, carla)
    ids = {name: (await person(wijkbot, user)).id for name, (user, _) in helpers.items()}
    resident_ids = [(await person(wijkbot, user)).id for user, _ in residents.values()]
    async with wijkbot.db.begin() as session:
        coordinator = await session.get(Person, coordinator.id)
        assert coordinator is not None
        for name in ("Anouk", "Bas", "Vera"):
            found = await session.get(Person, ids[name])
            assert found is not None
            found.spoken_languages = ["nl"]
            if name != "Vera":
                await volunteers.mark_ready(
                    session=session,
                    volunteer_id=found.id,
                    coordinator=coordinator,
                    now=wijkbot.clock.now(),
                )
        for resident_id, (_, task) in zip(resident_ids, residents.values(), strict=True):
            resident = await session.get(Person, resident_id)
            assert resident is not None
            await requests.create_request(
                session=session, resident=resident, tasks=[task], now=wijkbot.clock.now()
            )

    mark = carla.mark()
    await carla.send("/koppelen")
    plan = await carla.wait_for("Voorgestelde koppels", after=mark)
    assert plan.text == (
        "Voorgestelde koppels voor de open hulpvragen van je gebied:\n"
        f"1. {iso('Fatma')} (Haarlemmerbuurt) met {iso('Anouk')}\n"
        f"2. {iso('Gijs')} (Haarlemmerbuurt) met {iso('Bas')}\n"
        "\n"
        "Niemand kan deze nu oppakken:\n"
        f"• {iso('Hans')} (Haarlemmerbuurt)"
    )
    assert plan.buttons == [["Schrap 1", "Schrap 2"], ["Stuur 2 voorstellen"]]

    await tap(carla, "Schrap 2", after=mark)
    changed = await carla.wait_for(predicate=lambda m: "Houd 2" in m.labels, after=mark)
    assert f"<s>2. {iso('Gijs')} (Haarlemmerbuurt) met {iso('Bas')}</s>" in (changed.raw_text or "")
    assert changed.buttons == [["Schrap 1", "Houd 2"], ["Stuur 1 voorstel"]]
    await tap(carla, "Stuur 1 voorstel", after=mark)
    await carla.wait_for("1 voorstel verstuurd.", after=mark)

    await wijkbot.handled()
    async with wijkbot.db.begin() as session:
        proposals = (await session.scalars(select(Proposal))).all()
        rows = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.message_key == "coupling_proposal_volunteer"
                )
            )
        ).all()
    anouk = await person(wijkbot, helpers["Anouk"][0])
    assert [(p.volunteer_id, p.status) for p in proposals] == [(anouk.id, "volunteer")]
    assert [r.person_id for r in rows] == [anouk.id]

    # The plan is gone after sending; a volunteer cannot plan or send.
    await carla.press_data("kp:s")
    assert (await carla.wait_for_callback_answer()).text == "Deze knop werkt niet meer."
    anouk_user = helpers["Anouk"][0]
    await anouk_user.send("/koppelen")
    await anouk_user.wait_for("Sorry, dit kunnen alleen coördinatoren doen.")
    await anouk_user.press_data("kp:s")
    assert (await anouk_user.wait_for_callback_answer()).text == "Deze knop werkt niet meer."
