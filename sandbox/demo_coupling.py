"""Two scenes of `wijkbot demo` (`sandbox.demo.Story.play`): issue 7's urgent drop-out with
"Roep opnieuw op", and issue 6's coupling, from "klaar voor koppelen" to the first check-in.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.coupling_job import run_checkins
from sandbox.fake_bot_api import FakeUser
from sandbox.fake_bot_api.messages import visible
from sandbox.harness import tap

if TYPE_CHECKING:
    from sandbox.demo import Story


async def urgent_drop_out(story: Story, coord: FakeUser, volunteers: list[FakeUser]) -> None:
    """The day before, Joost can no longer come (issue 7 item 5): nobody is waiting, so
    the coordinator gets an urgent notice and taps "Roep opnieuw op"; the volunteers
    whose call was dropped when the klaptafel was full get it now, and Wim says Ja."""
    t = story.t()
    joost = next(u for u in volunteers if u.first_name == "Joost")
    jt = story.t(joost.language_code)
    mark = coord.mark()
    await tap(joost, jt.gettext("I can't come after all"))
    urgent = await coord.wait_for(predicate=lambda m: "Joost" in m.text, after=mark)
    mark = coord.mark()
    await tap(coord, t.gettext("Call again"), after=urgent.seq - 1)
    await coord.wait_for(predicate=lambda m: m.seq > urgent.seq or m.edited, after=mark)
    await story.bot.outbox_idle()
    wim = next(u for u in volunteers if u.first_name == "Wim")
    wt = story.t(wim.language_code)
    await tap(wim, wt.gettext("Yes"), timeout=10)
    await wim.wait_for_callback_answer()
    await story.bot.outbox_idle()
    await asyncio.sleep(0.5)


async def couple(story: Story, coord: FakeUser, volunteers: list[FakeUser]) -> None:
    """The coordinator marks two volunteers ready for coupling, takes Yusuf's request
    on, sees the suggestions with their reasons and asks Rachid; Rachid and Yusuf say
    Ja and are introduced; Rachid writes through the bot; a week later both get
    "Hoe gaat het?" and Yusuf answers."""

    t = story.t()
    rachid = next(u for u in volunteers if u.first_name == "Rachid")
    yusuf = next(u for _, u in story.people if u.first_name == "Yusuf")
    rt, yt = story.t(rachid.language_code), story.t(yusuf.language_code)
    await coord.send("/klaarvoorkoppelen" if story.lang == "nl" else "/ready")
    for name in ("Lisa", "Rachid"):  # Rachid is on the second page (by name)
        mark = coord.mark()
        if name == "Rachid":
            await tap(coord, t.gettext("More »"))
        await tap(coord, f"⬜ {name}")
        await coord.wait_for(
            predicate=lambda m, n=name: f"✅ {n}" in [visible(lb) for lb in m.labels],
            after=mark,
        )
    mark = coord.mark()
    await coord.send("/hulpvragen" if story.lang == "nl" else "/helprequests")
    listing = await coord.wait_for(
        predicate=lambda m: any("Yusuf" in lb for lb in m.labels), after=mark
    )
    label = next(visible(lb) for lb in listing.labels if "Yusuf" in lb)
    await tap(coord, label, after=mark)
    await tap(coord, t.gettext("I'll take this on"), after=mark)
    mark = coord.mark()
    await tap(coord, t.gettext("Suggested volunteers"), after=mark - 1)
    suggestions = await coord.wait_for(predicate=lambda m: "Rachid" in m.text, after=mark)
    story.suggestions = suggestions.text  # the chat shows this message's last state only
    mark, mark_r, mark_y = coord.mark(), rachid.mark(), yusuf.mark()
    await tap(coord, t.gettext("Ask {name}", name="Rachid"), after=mark - 1)
    proposal = await rachid.wait_for(predicate=lambda m: "Yusuf" in m.text, after=mark_r)
    await tap(rachid, rt.gettext("Yes"), after=proposal.seq - 1)
    question = await yusuf.wait_for(predicate=lambda m: "Rachid" in m.text, after=mark_y)
    await tap(yusuf, yt.gettext("Yes"), after=question.seq - 1)
    await coord.wait_for(predicate=lambda m: "Yusuf" in m.text and m.seq > mark + 1, after=mark)
    await story.bot.outbox_idle()
    await story.bot.handled()
    mark_y = yusuf.mark()
    await rachid.send("Hoi Yusuf, zal ik donderdag om 10 uur langskomen voor je formulieren?")
    await yusuf.wait_for("donderdag om 10 uur", after=mark_y)
    await story.bot.handled()
    story.bot.clock.advance(7 * 24 * 3600 + 60)  # a week later: "Hoe gaat het?"
    await run_checkins(story.bot.services)
    await story.bot.outbox_idle()
    how = yt.gettext(
        "How is it going with your couple (koppel)? Tap an answer. Only the coordinator reads it."
    )
    asked = await yusuf.wait_for(how, after=mark_y)
    await rachid.wait_for(rt.gettext(how))
    mark_y = yusuf.mark()
    await tap(yusuf, asked.labels[0], after=asked.seq - 1)
    await yusuf.wait_for(predicate=lambda m: m.edited, after=mark_y)
    await story.bot.handled()
