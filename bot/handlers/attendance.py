"""Attendance: the coordinator's "Who came?" checklist (buttons of `bot.views.attendance`).

The question arrives through the outbox at the action's end (`bot.domain.attendance`);
its button and the checklist's buttons are handled here. Each press is one domain flow
(checked again on the server: a coordinator who manages the action, after its end, not
cancelled), then the pressed message is edited.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import ATTENDANCE_OPEN, ATTENDANCE_SAVE, ATTENDANCE_SET
from bot.context import WijkContext
from bot.domain import attendance
from bot.domain.errors import ActionCancelled, InvalidInput, NotAllowed, NotFound
from bot.handlers.common import answer_query, button, edit_or_send, stale_text, translator_for
from bot.i18n import Translator
from bot.views.attendance import checklist_keyboard, checklist_text, pages, saved_text

_REFUSED = (ActionCancelled, InvalidInput, NotAllowed, NotFound)


def _refusal(t: Translator, exc: Exception) -> str:
    if isinstance(exc, ActionCancelled):
        return t.gettext("This action has been cancelled.")
    if isinstance(exc, InvalidInput):
        return t.gettext("This action is not over yet.")
    return stale_text(t)


async def _show(update: Update, t: Translator, checklist: attendance.Checklist, page: int) -> None:
    query = update.callback_query
    assert query is not None
    page = min(page, pages(checklist) - 1)
    await answer_query(query)
    await edit_or_send(
        query, checklist_text(t, checklist, page), checklist_keyboard(t, checklist, page)
    )


async def on_open(update: Update, context: WijkContext, *, action_id: int, page: int) -> None:
    """`att:o:<action>:<page>`: show the checklist (all confirmed volunteers ticked at first)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await attendance.checklist(
                session=session, coordinator=person, action_id=action_id, now=context.clock.now()
            )
    except _REFUSED as exc:
        await answer_query(update.callback_query, _refusal(t, exc))  # type: ignore[arg-type]
        return
    await _show(update, t, found, page)


async def on_set(
    update: Update,
    context: WijkContext,
    *,
    action_id: int,
    person_id: int,
    attended: bool,
    page: int,
) -> None:
    """`att:t:<action>:<person>:<1|0>:<page>`: store one tick, show the page again."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await attendance.set_attended(
                session=session,
                coordinator=person,
                action_id=action_id,
                person_id=person_id,
                attended=attended,
                now=context.clock.now(),
            )
    except _REFUSED as exc:
        await answer_query(update.callback_query, _refusal(t, exc))  # type: ignore[arg-type]
        return
    await _show(update, t, found, page)


async def on_save(update: Update, context: WijkContext, *, action_id: int) -> None:
    """`att:s:<action>`: save as shown, thank who came (outbox), say how many."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            saved = await attendance.save(
                session=session, coordinator=person, action_id=action_id, now=context.clock.now()
            )
    except _REFUSED as exc:
        await answer_query(update.callback_query, _refusal(t, exc))  # type: ignore[arg-type]
        return
    query = update.callback_query
    assert query is not None
    await answer_query(query)
    text = saved_text(t, saved.checklist, saved.thanked)
    await edit_or_send(query, text, checklist_keyboard(t, saved.checklist, 0))


def register(application: Any) -> None:
    """Add the checklist buttons (group 0)."""
    application.add_handler(button(ATTENDANCE_OPEN, on_open))
    application.add_handler(button(ATTENDANCE_SET, on_set))
    application.add_handler(button(ATTENDANCE_SAVE, on_save))
