"""Calendar files (.ics) sent in chat: after a Ja that got a place (or a move up from the
waiting list), a METHOD:CANCEL file when a person gives up their place, and when an action
is cancelled (METHOD:CANCEL to everyone who received one).

Both are sent after the update's transaction committed (`send_later`). The cancellation
files go out from the coordinator's cancel update, not through the outbox: the outbox has
no message kind for documents yet (when its registry lands, this becomes one kind).
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from telegram import InputFile

from bot.context import WijkContext
from bot.domain import calendar
from bot.domain.rsvp import RsvpOutcome
from bot.domain.vocabulary import PlaceStatus
from bot.handlers.common import send_later
from bot.i18n import Translator
from bot.views.calendar import action_ics, file_name

if TYPE_CHECKING:
    from storage.models import Person


async def _send(
    context: WijkContext, t: Translator, copy: calendar.CalendarFile, *, cancel: bool, caption: str
) -> None:
    data = action_ics(
        t,
        copy.action,
        copy.area_name,
        sequence=copy.sequence,
        stamp=context.clock.now(),
        cancel=cancel,
    )
    document = InputFile(BytesIO(data), filename=file_name(copy.action))
    chat_id = copy.chat_id
    await send_later(
        lambda: context.bot.send_document(chat_id=chat_id, document=document, caption=caption)
    )


async def after_answer(
    context: WijkContext, t: Translator, person: Person, outcome: RsvpOutcome
) -> None:
    """Calendar files an answer causes: the action's .ics to `person` when their answer
    just got them a place; a METHOD:CANCEL file when it gave up the place they had (Ja ->
    Misschien/Nee) and they had received one; the .ics to whoever the waiting list moved
    up into the freed place (in their language)."""
    if not outcome.changed:
        return
    if outcome.status == PlaceStatus.CONFIRMED:
        await _send_copy(context, t, person, outcome)
    elif outcome.left_place:
        async with context.atomic() as session:
            copy = await calendar.withdraw_copy(
                session=session, action=outcome.action, person=person
            )
        if copy is not None:
            caption = t.gettext(
                "You gave up your place: open this file to remove the action from your calendar."
            )
            await _send(context, t, copy, cancel=True, caption=caption)
    if outcome.promoted is not None:
        promoted = outcome.promoted
        await _send_copy(context, context.i18n.translator(promoted.language), promoted, outcome)


async def _send_copy(
    context: WijkContext, t: Translator, person: Person, outcome: RsvpOutcome
) -> None:
    async with context.atomic() as session:
        copy = await calendar.record_copy(session=session, action=outcome.action, person=person)
    caption = t.gettext("Add it to your calendar: open this file.")
    await _send(context, t, copy, cancel=False, caption=caption)


async def after_cancel(context: WijkContext, action_id: int) -> int:
    """Queue a METHOD:CANCEL file for everyone who received the action's .ics; returns how
    many. Each file is in its recipient's language."""
    async with context.atomic() as session:
        copies = await calendar.cancel_copies(session=session, action_id=action_id)
    for copy in copies:
        t = context.i18n.translator(copy.language)
        caption = t.gettext(
            "This action is cancelled: open this file to remove it from your calendar."
        )
        await _send(context, t, copy, cancel=True, caption=caption)
    return len(copies)


async def after_edit(context: WijkContext, copies: list[calendar.CalendarFile]) -> int:
    """Send a newer .ics (same UID, higher SEQUENCE) to everyone who received one before the
    action was changed (`bot.domain.action_changes`); returns how many. Each file is in its
    recipient's language."""
    for copy in copies:
        t = context.i18n.translator(copy.language)
        caption = t.gettext("This action has changed: open this file to update your calendar.")
        await _send(context, t, copy, cancel=False, caption=caption)
    return len(copies)


async def after_move(context: WijkContext, copies: list[calendar.CalendarFile]) -> int:
    """Send a METHOD:CANCEL file to each volunteer the coordinator moved from a place to
    the waiting list (`bot.domain.surplus`); returns how many. In each one's language."""
    for copy in copies:
        t = context.i18n.translator(copy.language)
        caption = t.gettext(
            "You are on the waiting list now: open this file to remove the action from "
            "your calendar."
        )
        await _send(context, t, copy, cancel=True, caption=caption)
    return len(copies)
