"""Problems found by trying the bot as new people would (tester round), each kept as a
regression test: the real Application against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_partner, add_person


async def test_only_coordinators_are_told_how_to_plan_a_first_meeting(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    """A partner or volunteer sending /kennismaking got the coordinator's how-to (with a
    couple number to type), as if they could plan one; they get the one refusal instead."""
    paula = fake.user(5001, "Paula", language_code="nl")
    await add_partner(wijkbot, paula, organisation="dock-centrum")
    vera = fake.user(5002, "Vera", language_code="en")
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language="en")
    carla = fake.user(5003, "Carla", language_code="en")
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language="en")

    await paula.send("/kennismaking")
    refused = await paula.wait_for("Sorry")
    assert refused.text == "Sorry, dit kunnen alleen coördinatoren doen."
    await vera.send("/firstmeeting 1 5-12 14:00 Buurthuis")
    refused = await vera.wait_for("Sorry")
    assert refused.text == "Sorry, only coordinators can do this."
    await carla.send("/firstmeeting")  # the coordinator still gets the how-to
    await carla.wait_for("Plan a first meeting (kennismaking) like this:")
