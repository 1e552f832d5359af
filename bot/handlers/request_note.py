"""A typed note in /hulpvraag (issue 6 §0): "Write a note for the coordinator" (`hq:n`)
asks for a short text (at most `NOTE_MAX` characters, with the warning line: no medical
or money matters), then shows the request again; "No note" (`hq:nx`) removes it. Only the
request's owner coordinator reads it (`bot.views.requests_list.request_view`).

A registered conversation (`bot.handlers.conversations`), state "note"; checked again by
`bot.domain.coupling.resident.set_note` (a resident, an open request).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler, filters

from bot.callbacks import MY_REQUEST_NO_NOTE, MY_REQUEST_NOTE
from bot.context import WijkContext
from bot.domain.coupling import resident
from bot.domain.coupling.errors import RequestNotOpen
from bot.domain.coupling.requests import NOTE_MAX
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.handlers.common import button as button_handler
from bot.handlers.common import translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.handlers.my_help_request import _refuse
from bot.i18n import Translator
from bot.views.coupling import my_request_view, note_question

NOTE = "note"
END = ConversationHandler.END


async def on_start(update: Update, context: WijkContext) -> object:
    """`hq:n`: ask for the note (a resident with an open request)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        summary = await resident.current(session=context.session, person=person)
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return END
    if summary is None or summary.status != "open":
        await _refuse(update, t, RequestNotOpen() if summary else NotFound())
        return END
    await say(update, *note_question(t, NOTE_MAX), t=t)
    return NOTE


async def _save(update: Update, context: WijkContext, note: str | None) -> object:
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.set_note(
                session=session, person=person, note=note, now=context.clock.now()
            )
    except InvalidInput:
        await say(update, *note_question(t, NOTE_MAX), t=t)
        return None
    except (NotAllowed, NotFound, RequestNotOpen) as exc:
        await _refuse(update, t, exc)
        return END
    await say(update, *my_request_view(t, summary), t=t)
    return END


async def on_note(update: Update, context: WijkContext) -> object:
    """The typed note (too long: asked again)."""
    return await _save(update, context, update.message.text if update.message else None)


async def on_no_note(update: Update, context: WijkContext) -> object:
    """`hq:nx`: no note (one written before is removed)."""
    return await _save(update, context, None)


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer while the note is asked: the request stays as it was."""
    return t.gettext("OK, your note was not changed.")


def conversation() -> ConversationHandler[Any]:
    """The registered note conversation."""
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[button_handler(MY_REQUEST_NOTE, on_start)],
        states={
            NOTE: [MessageHandler(text, on_note), button_handler(MY_REQUEST_NO_NOTE, on_no_note)]
        },
        fallbacks=[],
        name="request_note",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add the note conversation (its button is under /hulpvraag)."""
    add_conversation(application, conversation(), on_exit)
