"""Coordinators: "Roep opnieuw op" under an urgent drop-out notice, and "alles" / "alleen
urgent" notices per action on the roster (issue 7 item 5).

Buttons (`bot.callbacks`): `act:ra:<id>` call again, `act:nl:<id>:<a|u>` notice level.
Every press is checked again on the server (`bot.domain.notices`: a coordinator who
manages the action, open, not started, places open); a forged id outside their area gets
the one stale answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import CALL_AGAIN, NOTICE_LEVEL
from bot.context import WijkContext
from bot.domain import notices
from bot.domain.errors import ActionCancelled, ActionFull, ActionStarted, NotAllowed, NotFound
from bot.domain.vocabulary import NoticeLevel
from bot.handlers import actions as action_handlers
from bot.handlers.common import answer_query, button, translator_for
from bot.handlers.keyboards import say


async def on_call_again(update: Update, context: WijkContext, *, action_id: int) -> None:
    """`act:ra:<id>`: calls still waiting go out now; who has not answered hears the place
    is free again (once)."""
    person = await context.person()
    t = translator_for(update, context, person)
    query = update.callback_query
    assert query is not None
    try:
        async with context.atomic() as session:
            reached = await notices.call_again(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                now=context.clock.now(),
            )
    except ActionFull:
        await answer_query(query, t.gettext("All places are taken again: nobody to call."))
        return
    except (NotAllowed, NotFound, ActionCancelled, ActionStarted) as exc:
        await action_handlers.refuse(update, context, exc)
        return
    await answer_query(query)
    text = t.ngettext(
        "Called again: {n} volunteer gets a message.",
        "Called again: {n} volunteers get a message.",
        reached,
    )
    if not reached:
        text = t.gettext("Everyone who was called has already answered or been told.")
    await say(update, text, t=t)


async def on_level(
    update: Update, context: WijkContext, *, action_id: int, level: NoticeLevel
) -> None:
    """`act:nl:<id>:<a|u>`: store the choice and show the roster again."""
    person = await context.person()
    try:
        async with context.atomic() as session:
            await notices.set_level(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                level=level,
            )
    except (NotAllowed, NotFound) as exc:
        await action_handlers.refuse(update, context, exc)
        return
    await action_handlers.show_roster(update, context, action_id=action_id)


def register(application: Any) -> None:
    """Add the two buttons (group 0)."""
    application.add_handler(button(CALL_AGAIN, on_call_again))
    application.add_handler(button(NOTICE_LEVEL, on_level))
