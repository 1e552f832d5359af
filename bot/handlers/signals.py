"""Place signals in chat (issue 10 §3, `bot.domain.signals`).

- `/signaal` (`/signal`), or "Signaal over een plek" under the results screen (`sg:a`,
  handled by the results screen itself): which organisation -> type the text (a warning
  line under the question) -> sent. One registered conversation, "signal", states:
  "organisation" (the buttons), "text" (typing the signal), "reason" (staff typing why it
  is not for them). Scratch data in `user_data["signal"]`.
- Staff of the organisation: the message's buttons Opgepakt / Afgerond / Niet voor ons
  (`sg:r`, `sg:n` -> the reason is typed).
- `/signalen` (`/signals`): coordinators see every signal of their area, partner staff only
  their own organisation's (filtered in the domain); `sg:l` pages, `sg:v` opens one.
Every press is checked again by the domain; anything stale gets the one stale answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import (
    SIGNAL_ANSWER,
    SIGNAL_LIST,
    SIGNAL_NOT_FOR_US,
    SIGNAL_ORGANISATION,
    SIGNAL_VIEW,
)
from bot.context import WijkContext
from bot.domain import signals
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import SignalStatus
from bot.handlers.common import button, stale_button, translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views import signals as view

ORGANISATION, TEXT, REASON = "organisation", "text", "reason"
KEY = "signal"
END = ConversationHandler.END
STALE = (NotAllowed, NotFound, signals.SignalClosed, InvalidInput)


async def show_start(
    update: Update, context: WijkContext, *, action_id: int | None = None
) -> object:
    """The first question (which organisation), or why this person cannot send one."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        start = await signals.start_signal(
            session=context.session, sender=person, now=context.clock.now(), action_id=action_id
        )
    except (NotAllowed, NotFound):
        if update.callback_query is not None and action_id is not None:
            await stale_button(update, context)
        else:
            await say(update, view.not_allowed_text(t) + "\n" + view.person_line(t), t=t)
        return END
    await say(update, *view.start_view(t, start), t=t)
    return ORGANISATION if start.organisations else END


async def command(update: Update, context: WijkContext) -> object:
    """/signaal, /signal."""
    return await show_start(update, context)


async def on_organisation(
    update: Update, context: WijkContext, *, organisation_id: int, action_id: int
) -> object:
    """`sg:o:<organisation>:<action>`: checked again, then the text is asked."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        start = await signals.start_signal(
            session=context.session,
            sender=person,
            now=context.clock.now(),
            action_id=action_id or None,
        )
    except STALE:
        await stale_button(update, context)
        return END
    names = dict(start.organisations)
    if organisation_id not in names:
        await stale_button(update, context)
        return END
    context.user_data[KEY] = {"organisation": organisation_id, "action": action_id}  # type: ignore[index]
    await say(update, view.ask_text(t, names[organisation_id]), t=t)
    return TEXT


async def on_text(update: Update, context: WijkContext) -> object:
    """The typed signal: checked (length, who, where), stored and sent."""
    person = await context.person()
    t = translator_for(update, context, person)
    data = (context.user_data or {}).get(KEY)
    typed = update.message.text if update.message else ""
    if not isinstance(data, dict) or person is None or "organisation" not in data:
        return END
    try:
        async with context.atomic() as session:
            sent = await signals.send_signal(
                session=session,
                sender=person,
                organisation_id=int(data["organisation"]),
                action_id=int(data.get("action") or 0) or None,
                text=typed or "",
                now=context.clock.now(),
            )
            names = dict(
                await signals.organisations_for_area(session=session, area_id=sent.signal.area_id)
            )
    except InvalidInput:
        await say(update, view.length_text(t, len(" ".join((typed or "").split()))), t=t)
        return None
    except (NotAllowed, NotFound):
        context.user_data.pop(KEY, None)  # type: ignore[union-attr]
        await say(update, view.not_allowed_text(t), t=t)
        return END
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    await say(update, view.sent_text(t, sent, names.get(sent.signal.organisation_id, "?")), t=t)
    return END


async def on_not_for_us(update: Update, context: WijkContext, *, signal_id: int) -> object:
    """`sg:n:<signal>`: staff of its organisation are asked to type why."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        found = await signals.signal_view(
            session=context.session, signal_id=signal_id, viewer=person
        )
    except STALE:
        await stale_button(update, context)
        return END
    if not found.may_answer or found.status not in (SignalStatus.OPEN, SignalStatus.PICKED_UP):
        await stale_button(update, context)
        return END
    context.user_data[KEY] = {"signal": signal_id}  # type: ignore[index]
    await say(update, view.reason_question(t, found), t=t)
    return REASON


async def _answer(
    update: Update,
    context: WijkContext,
    t: Translator,
    signal_id: int,
    answer: SignalStatus,
    reason: str | None = None,
) -> bool:
    """Save an answer and show the signal again; False after a stale press."""
    person = await context.person()
    try:
        if person is None:
            raise NotAllowed()
        async with context.atomic() as session:
            await signals.answer_signal(
                session=session,
                signal_id=signal_id,
                partner=person,
                answer=answer,
                reason=reason,
                now=context.clock.now(),
            )
            found = await signals.signal_view(session=session, signal_id=signal_id, viewer=person)
    except InvalidInput:
        raise
    except STALE:
        await stale_button(update, context)
        return False
    await say(update, *view.details_view(t, found), t=t)
    return True


async def on_reason(update: Update, context: WijkContext) -> object:
    """The typed reason for "Niet voor ons"."""
    person = await context.person()
    t = translator_for(update, context, person)
    data = (context.user_data or {}).get(KEY)
    if not isinstance(data, dict) or "signal" not in data:
        return END
    typed = update.message.text if update.message else ""
    try:
        done = await _answer(
            update, context, t, int(data["signal"]), SignalStatus.NOT_FOR_US, typed or ""
        )
    except InvalidInput:
        await say(update, view.reason_length_text(t), t=t)
        return None
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    if not done:
        await say(update, t.gettext("This signal was answered already."), t=t)
    return END


async def on_answer(
    update: Update, context: WijkContext, *, signal_id: int, answer: SignalStatus
) -> None:
    """`sg:r:<signal>:<p|d>`: Opgepakt or Afgerond."""
    t = translator_for(update, context, await context.person())
    try:
        await _answer(update, context, t, signal_id, answer)
    except InvalidInput:
        await stale_button(update, context)


async def on_view(update: Update, context: WijkContext, *, signal_id: int) -> None:
    """`sg:v:<signal>`: one signal, for its coordinators and its organisation's staff."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        found = await signals.signal_view(
            session=context.session, signal_id=signal_id, viewer=person
        )
    except STALE:
        await stale_button(update, context)
        return
    await say(update, *view.details_view(t, found), t=t)


async def show_list(update: Update, context: WijkContext, page: int = 0) -> None:
    """/signalen and `sg:l:<page>`."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        found = await signals.list_signals(session=context.session, viewer=person)
    except NotAllowed:
        if update.callback_query is not None:
            await stale_button(update, context)
        else:
            await say(update, t.gettext("Only coordinators and partner staff see signals."), t=t)
        return
    await say(update, *view.list_view(t, found, page), t=t)


async def list_command(update: Update, context: WijkContext) -> None:
    """/signalen, /signals."""
    await show_list(update, context)


async def on_list(update: Update, context: WijkContext, *, page: int) -> None:
    """`sg:l:<page>`."""
    await show_list(update, context, page)


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """`/annuleer` or another command: nothing is sent or answered."""
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    return t.gettext("OK, stopped. Nothing was sent.")


def conversation() -> ConversationHandler[Any]:
    """The registered signal conversation."""
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    organisation = button(SIGNAL_ORGANISATION, on_organisation)
    not_for_us = button(SIGNAL_NOT_FOR_US, on_not_for_us)
    return ConversationHandler(
        entry_points=[CommandHandler(["signaal", "signal"], command), organisation, not_for_us],
        states={
            ORGANISATION: [organisation, not_for_us],
            TEXT: [organisation, not_for_us, MessageHandler(text, on_text)],
            REASON: [organisation, not_for_us, MessageHandler(text, on_reason)],
        },
        fallbacks=[],
        name="signal",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add the signal conversation, /signalen, /signals and the signal buttons."""
    add_conversation(application, conversation(), on_exit)
    application.add_handler(CommandHandler(["signalen", "signals"], list_command))
    application.add_handler(button(SIGNAL_ANSWER, on_answer))
    application.add_handler(button(SIGNAL_VIEW, on_view))
    application.add_handler(button(SIGNAL_LIST, on_list))
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^sg(:|$)"))
