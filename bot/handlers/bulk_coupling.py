"""/koppelen (/matchall): coordinators get a proposed set of couples for all open help
requests of their area (exact, `bot.domain.coupling.assignment`), drop some, and send the
rest as proposals with one tap. The plan is kept between presses as ids only
(`user_data`), and every pair is checked again when sent."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot import callbacks
from bot.context import WijkContext
from bot.domain.coupling import bulk
from bot.domain.errors import NotAllowed
from bot.handlers.common import button, coordinators_only_text, stale_button, translator_for
from bot.handlers.keyboards import say
from bot.views.bulk import plan_view, sent_text

COMMANDS = ("koppelen", "matchall")
#: user_data key: {"pairs": [[request id, volunteer id], ...], "unassigned": [request ids],
#: "dropped": [indexes]}
PLAN = "koppelen"


async def make_plan(update: Update, context: WijkContext) -> None:
    """/koppelen: plan, keep the ids, show it."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        found = await bulk.plan(
            session=context.session,
            coordinator=person,  # type: ignore[arg-type]
            now=context.clock.now(),
        )
    except NotAllowed:
        await say(update, coordinators_only_text(t), t=t)
        return
    context.user_data[PLAN] = {
        "pairs": [[p.request_id, p.volunteer_id] for p in found.pairs],
        "unassigned": [u.request_id for u in found.unassigned],
        "dropped": [],
    }
    await say(update, *plan_view(t, found.pairs, found.unassigned, set()), t=t)


async def _stored(update: Update, context: WijkContext) -> dict[str, Any] | None:
    person = await context.person()
    stored = context.user_data.get(PLAN)
    if person is None or person.role != "coordinator" or not isinstance(stored, dict):
        await stale_button(update, context)
        return None
    return stored


async def on_toggle(update: Update, context: WijkContext, *, index: int) -> None:
    """`kp:t:<n>`: drop pair n, or keep it again."""
    stored = await _stored(update, context)
    if stored is None:
        return
    if index >= len(stored["pairs"]):
        await stale_button(update, context)
        return
    dropped = set(stored["dropped"]) ^ {index}
    stored["dropped"] = sorted(dropped)
    context.user_data[PLAN] = stored  # marks user_data as changed for persistence
    t = translator_for(update, context, await context.person())
    pairs = await bulk.describe(session=context.session, pairs=[tuple(p) for p in stored["pairs"]])
    unassigned = [
        bulk.Unassigned(u.request_id, u.resident_name, u.place)
        for u in await bulk.describe(
            session=context.session, pairs=[(r, 0) for r in stored["unassigned"]]
        )
    ]
    await say(update, *plan_view(t, pairs, unassigned, dropped), t=t)


async def on_send(update: Update, context: WijkContext) -> None:
    """`kp:s`: propose every kept pair (each checked again); the plan is forgotten."""
    stored = await _stored(update, context)
    if stored is None:
        return
    person = await context.person()
    t = translator_for(update, context, person)
    dropped = set(stored["dropped"])
    pairs = [tuple(p) for i, p in enumerate(stored["pairs"]) if i not in dropped]
    try:
        result = await bulk.send(
            session=context.session,
            coordinator=person,  # type: ignore[arg-type]
            pairs=pairs,  # type: ignore[arg-type]
            now=context.clock.now(),
        )
    except NotAllowed:
        await stale_button(update, context)
        return
    context.user_data.pop(PLAN, None)
    await say(update, sent_text(t, result.sent, result.skipped), t=t)


def register(application: Any) -> None:
    """Add /koppelen, /matchall and the plan's buttons."""
    application.add_handler(CommandHandler(list(COMMANDS), make_plan))
    application.add_handler(button(callbacks.BULK_TOGGLE, on_toggle))
    application.add_handler(button(callbacks.BULK_SEND, on_send))
