"""Coordinators: the co-organisers of an action, from its roster (issue 10 item 1).

"Together with partners" on the roster (`act:og:<id>`) shows the organisations serving the
action's area as toggles; a tap (`act:ot:<id>:<organisation>:<1|0>`) stores the change at
once (no message to the volunteers: who organises it does not change what they agreed to;
calls still to be sent name the new co-organisers). "Back to the roster" (`act:r:<id>`).
Every press is checked again by `bot.domain.joint.organiser_screen` (manages the action, it
is open and has not started, the organisation serves its area); refusals get the answers
of the roster (`bot.handlers.actions.refuse`).
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import ORGANISER_SET, ORGANISERS
from bot.context import WijkContext
from bot.domain import joint
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.handlers import actions as action_handlers
from bot.handlers.common import button, translator_for
from bot.handlers.keyboards import say
from bot.views.organisers import action_organisers_keyboard, organisers_question


async def show(
    update: Update,
    context: WijkContext,
    *,
    action_id: int,
    organisation_id: int | None = None,
    on: bool = False,
) -> None:
    """`act:og:<id>` (show) and `act:ot:<id>:<organisation>:<1|0>` (toggle, then show)."""
    person = await context.person()
    t = translator_for(update, context, person)
    toggle = (organisation_id, on) if organisation_id is not None else None
    try:
        async with context.atomic() as session:
            screen = await joint.organiser_screen(
                session=session,
                coordinator=person,
                action_id=action_id,
                now=context.clock.now(),
                toggle=toggle,
            )
    except (NotAllowed, NotFound, InvalidInput) as exc:
        await action_handlers.refuse(
            update, context, NotFound() if isinstance(exc, InvalidInput) else exc
        )
        return
    markup = action_organisers_keyboard(t, action_id, screen.choices, screen.chosen)
    await say(update, organisers_question(t), markup, t=t)


def register(application: Any) -> None:
    """Add the two roster buttons (group 0)."""
    application.add_handler(button(ORGANISERS, show))
    application.add_handler(button(ORGANISER_SET, show))
