"""Coordinators: list their actions (/acties), see the roster, cancel an action.

Planning a new action (/nieuweactie) is the conversation in `bot.handlers.new_action`.

Buttons (`bot.callbacks`, every press checked again on the server by the domain):
`act:l:<page>` the action list, `act:r:<id>` roster (also "Refresh"), `act:rp:<id>:<page>`
a later roster page, `act:c:<id>` ask to cancel, `act:cc:<id>` cancel for real.

An action can be cancelled only before it starts (`bot.domain.actions.cancel`). An action
outside the coordinator's area gets the same answer as one that does not exist (the stale
answer), so a forged id tells nothing (issue 9, item 12).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import ACTION_LIST, ASK_CANCEL, CANCEL, ROSTER, ROSTER_PAGE
from bot.context import WijkContext
from bot.domain import actions, notices, roster
from bot.domain.errors import ActionCancelled, ActionStarted, NotAllowed, NotFound
from bot.domain.vocabulary import Role
from bot.handlers import calendar_files, partner_actions
from bot.handlers.common import answer_query, button, stale_text, translator_for
from bot.handlers.keyboards import not_coordinator, say
from bot.i18n import Translator
from bot.views.roster import (
    action_list_keyboard,
    action_list_text,
    cancel_question,
    cancelled_view,
    roster_view,
)

LIST_PAGE_SIZE = 10  # actions per page of /acties


def _refusal(t: Translator, exc: Exception) -> str:
    """The answer to a refused press: role, cancelled, started, or the one stale answer."""
    if isinstance(exc, NotAllowed):
        return not_coordinator(t)
    if isinstance(exc, ActionCancelled):
        return t.gettext("This action was already cancelled.")
    if isinstance(exc, ActionStarted):
        return t.gettext("This action has already started, so it can no longer be cancelled.")
    return stale_text(t)  # NotFound: unknown id, or outside the coordinator's area


async def refuse(update: Update, context: WijkContext, exc: Exception) -> None:
    """Answer a refused press or command (see `_refusal`)."""
    t = translator_for(update, context, await context.person())
    if update.callback_query is not None:
        await answer_query(update.callback_query, _refusal(t, exc))
    else:
        await say(update, _refusal(t, exc), t=t)


async def list_actions(update: Update, context: WijkContext, page: int = 0) -> None:
    """/acties, /actions (and `act:l:<page>`): the coordinator's upcoming actions as buttons.
    Partner staff typing /acties get their organisation's joint actions instead
    (`bot.handlers.partner_actions`); a partner's `act:l` press is refused as before."""
    person = await context.person()
    if person is not None and person.role == Role.PARTNER and update.callback_query is None:
        await partner_actions.list_joint(update, context)
        return
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await roster.upcoming_actions(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                now=context.clock.now(),
                offset=page * LIST_PAGE_SIZE,
                limit=LIST_PAGE_SIZE,
            )
    except NotAllowed as exc:
        await refuse(update, context, exc)
        return
    if not found.items:
        await say(update, t.gettext("No upcoming actions. Plan one with /newaction."), t=t)
        return
    await say(update, action_list_text(t, found), action_list_keyboard(t, found, page), t=t)


async def on_list_page(update: Update, context: WijkContext, *, page: int) -> None:
    """`act:l:<page>`: another page of /acties."""
    await list_actions(update, context, page)


async def show_roster(
    update: Update, context: WijkContext, *, action_id: int, page: int = 0
) -> None:
    """`act:r:<id>` / `act:rp:<id>:<page>`: summary, places, names per group, delivery."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            result = await roster.roster(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                now=context.clock.now(),
            )
            assert person is not None  # the domain refused anyone else
            level = await notices.level_of(
                session=session, action_id=action_id, person_id=person.id
            )
    except (NotAllowed, NotFound) as exc:
        await refuse(update, context, exc)
        return
    await say(update, *roster_view(t, result, page, notice_level=level), t=t)


async def ask_cancel(update: Update, context: WijkContext, *, action_id: int) -> None:
    """`act:c:<id>`: ask for confirmation before cancelling."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            question = await actions.ask_cancel(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                now=context.clock.now(),
            )
    except (NotAllowed, NotFound, ActionCancelled, ActionStarted) as exc:
        await refuse(update, context, exc)
        return
    await say(update, *cancel_question(t, question.action_id, question.title), t=t)


async def do_cancel(update: Update, context: WijkContext, *, action_id: int) -> None:
    """`act:cc:<id>`: cancel; everyone who answered or got the call is told (outbox)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            done = await actions.cancel(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                now=context.clock.now(),
            )
        await calendar_files.after_cancel(context, done.action_id)
    except (NotAllowed, NotFound, ActionCancelled, ActionStarted) as exc:
        await refuse(update, context, exc)
        return
    await say(update, *cancelled_view(t, done.action_id, done.told), t=t)


def register(application: Any) -> None:
    """Add /acties and the list, roster and cancel buttons (group 0)."""
    application.add_handler(CommandHandler(["acties", "actions"], list_actions))
    application.add_handler(button(ACTION_LIST, on_list_page))
    application.add_handler(button(ROSTER, show_roster))
    application.add_handler(button(ROSTER_PAGE, show_roster))
    application.add_handler(button(ASK_CANCEL, ask_cancel))
    application.add_handler(button(CANCEL, do_cancel))
