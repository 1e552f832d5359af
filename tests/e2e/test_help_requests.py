"""Coordinators see what residents of their area would like help with (/hulpvragen)."""

from __future__ import annotations

from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, make_invite, tap


async def test_coordinator_sees_the_help_requests_of_their_area_only(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    noor = fake.user(5001, "Noor", language_code="en")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    jordaan = fake.user(5002, "Jet", language_code="nl")
    await add_person(wijkbot, jordaan, role="coordinator", area="Jordaan", language="nl")
    token = await make_invite(wijkbot, role="resident", area="Haarlemmerbuurt")
    yusuf = fake.user(5101, "Yusuf <&>", language_code="en")
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
    await tap(yusuf, "⬜ Interpreting and translating", after=mark)
    await yusuf.wait_for(predicate=lambda m: "✅ Interpreting and translating" in m.labels)
    await tap(yusuf, "Done", after=mark)
    await yusuf.wait_for("We have noted what you told us")

    # The coordinators of the area hear about it, without personal details in the message.
    notice = await noor.wait_for("signed up and would like help")
    assert notice.text == (
        "A resident in Westerdokseiland signed up and would like help. See /helprequests."
    )
    await wijkbot.outbox_idle()
    assert jordaan.messages == []  # not their area

    mark = noor.mark()
    await noor.send("/helprequests")
    listing = await noor.wait_for("help request in your area", after=mark)
    lines = listing.text.split("\n")
    assert lines[0] == ("1 help request in your area. Tap one to take it on or to see suggestions.")
    assert lines[2].startswith(f"1. {iso('Yusuf <&>')} · Westerdokseiland · en · ")
    assert lines[3:] == ["Help with: Forms and paperwork", "Status: open · owner: nobody yet"]
    assert listing.labels == [f"1. {iso('Yusuf <&>')}"]

    await jordaan.send("/hulpvragen")
    await jordaan.wait_for("Er zijn geen open hulpvragen in jouw gebied.")

    volunteer = fake.user(5003, "Vera", language_code="en")
    await add_person(wijkbot, volunteer, role="volunteer", area="Haarlemmerbuurt", language="en")
    await volunteer.send("/hulpvragen")
    await volunteer.wait_for("Sorry, only coordinators can do this.")
