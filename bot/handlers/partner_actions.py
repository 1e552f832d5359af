"""Partner staff and their organisation's joint actions (issue 10 item 1): `/acties`
(`/actions`, sent by a partner; coordinators get their own list from
`bot.handlers.actions`), a roster with first names only, and their notices per action.

Buttons (`bot.callbacks`): `pa:l:<page>`, `pa:r:<id>:<page>`, `pa:nl:<id>:<a|u>`. Every press
is checked again by `bot.domain.joint`: anyone but partner staff of a co-organising
organisation gets the one stale answer, also for an action of another organisation, so a
forged id tells nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import PARTNER_LIST, PARTNER_NOTICE_LEVEL, PARTNER_ROSTER
from bot.context import WijkContext
from bot.domain import joint, notices
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.vocabulary import NoticeLevel
from bot.handlers.common import answer_query, button, stale_text, translator_for
from bot.handlers.keyboards import say
from bot.views.partner_actions import joint_list_keyboard, joint_list_text, partner_roster_view

PAGE_SIZE = 10  # actions per page


async def _refuse(update: Update, context: WijkContext) -> None:
    t = translator_for(update, context, await context.person())
    if update.callback_query is not None:
        await answer_query(update.callback_query, stale_text(t))
    else:
        await say(update, stale_text(t), t=t)


async def list_joint(update: Update, context: WijkContext, page: int = 0) -> None:
    """A partner's /acties (and `pa:l:<page>`): their organisation's upcoming joint actions."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await joint.joint_actions(
                session=session,
                partner=person,
                now=context.clock.now(),
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
    except NotAllowed:
        await _refuse(update, context)
        return
    await say(update, joint_list_text(t, found), joint_list_keyboard(t, found, page), t=t)


async def on_list_page(update: Update, context: WijkContext, *, page: int) -> None:
    """`pa:l:<page>`."""
    await list_joint(update, context, page)


async def show_roster(update: Update, context: WijkContext, *, action_id: int, page: int) -> None:
    """`pa:r:<id>:<page>`: the joint action's roster, first names only."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            roster = await joint.partner_roster(
                session=session, partner=person, action_id=action_id
            )
            assert person is not None  # the domain refused anyone else
            level = await notices.level_of(
                session=session, action_id=action_id, person_id=person.id
            )
    except (NotAllowed, NotFound):
        await _refuse(update, context)
        return
    await say(update, *partner_roster_view(t, roster, page, level), t=t)


async def on_level(
    update: Update, context: WijkContext, *, action_id: int, level: NoticeLevel
) -> None:
    """`pa:nl:<id>:<a|u>`: the partner's notices for this action; the roster again."""
    person = await context.person()
    try:
        async with context.atomic() as session:
            await joint.set_partner_level(
                session=session, partner=person, action_id=action_id, level=level
            )
    except (NotAllowed, NotFound):
        await _refuse(update, context)
        return
    await show_roster(update, context, action_id=action_id, page=0)


def register(application: Any) -> None:
    """Add the partner's list, roster and notice buttons (group 0). `/acties` itself is
    registered by `bot.handlers.actions`, which hands a partner to `list_joint`."""
    application.add_handler(button(PARTNER_LIST, on_list_page))
    application.add_handler(button(PARTNER_ROSTER, show_roster))
    application.add_handler(button(PARTNER_NOTICE_LEVEL, on_level))
