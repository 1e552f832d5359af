"""Consent asked again (issue 9): when a purpose is new or its version went up, a signed-up
person is asked once, at their next interaction, before the feature handlers see it.

Group -2 (after the guards of group -3, before the conversation exit rule of group -1):

- `ask_if_needed`: for a known person with purposes never asked at the current version
  (`bot.domain.consent.missing_purposes`), the question is queued first (one message: what,
  why and how long per purpose, and per purpose "Agree: ..." / "No, rather not") and the
  questions are remembered as asked. The update then goes on to the features as usual, so
  nothing the person sent is lost; its reply follows the question. Until they agree, the
  domain does not use their data for that purpose (calls, coupling, attendance: see
  `bot.domain.consent.agreed_clause`).
- `on_answer` (`cs:<purpose>:<version>:<y|n>`): records the answer of an open question;
  an old, repeated or forged press gets the stale-button answer and changes nothing. The
  press never reaches the features.

Asked only on a message or a button press (not when someone blocks the bot), and not
before /stop, /verwijderen (/delete) and /mijngegevens (/mydata), which are about the
person's data itself.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, TypeHandler

from bot.callbacks import CONSENT_ANSWER
from bot.context import WijkContext
from bot.domain import consent
from bot.domain.errors import NotFound
from bot.handlers.common import answer_query, reply, send_later, stale_button, translator_for
from bot.views.consent import Periods, answered_text, ask_again_keyboard, ask_again_text

#: Commands answered without asking first: they are about the person's data itself.
NOT_BEFORE = frozenset({"stop", "verwijderen", "delete", "mijngegevens", "mydata"})

#: bot_data key: {person id: the PURPOSES they were found complete against} in this process
#: (a new PURPOSES tuple checks everyone again). Saves a query per update; not persisted.
CHECKED = "consent_checked"


def _periods(context: WijkContext) -> Periods:
    settings = context.services.settings
    return Periods(
        answers_days=settings.retention_answers_days,
        outbox_days=settings.retention_outbox_days,
        inactive_days=settings.retention_inactive_days,
    )


def _command(update: Update) -> str | None:
    message = update.message
    text = message.text if message is not None and message.text else ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].casefold() if len(text) > 1 else None


async def ask_if_needed(update: Update, context: WijkContext) -> None:
    """Queue the question for new or changed purposes, once; never stops the update."""
    if update.effective_user is None or _command(update) in NOT_BEFORE:
        return
    if update.message is None and update.callback_query is None:
        return  # not something the person sent (e.g. they blocked the bot): nothing to ask
    query = update.callback_query
    if query is not None and re.match(CONSENT_ANSWER.pattern, query.data or ""):
        return
    person = await context.person()
    checked: dict[int, tuple[consent.Purpose, ...]] = context.bot_data.setdefault(CHECKED, {})
    if person is None or checked.get(person.id) is consent.PURPOSES:
        return
    session = context.session
    missing = await consent.missing_purposes(session=session, person=person)
    if not missing:
        checked[person.id] = consent.PURPOSES
        return
    await consent.mark_asked(
        session=session, person=person, purposes=missing, now=context.clock.now()
    )
    t = translator_for(update, context, person)
    await reply(
        update,
        ask_again_text(t, [p.key for p in missing], _periods(context)),
        ask_again_keyboard(t, [(p.key, p.version) for p in missing]),
    )


async def on_answer(update: Update, context: WijkContext) -> None:
    """`cs:<purpose>:<version>:<y|n>`: record the answer; the press stops here."""
    query = update.callback_query
    assert query is not None
    values = CONSENT_ANSWER.decode(query.data)
    person = await context.person()
    if values is None or person is None:
        await stale_button(update, context)
        raise ApplicationHandlerStop
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await consent.record(session=session, person=person, now=context.clock.now(), **values)
            still_open = await consent.asked_purposes(session=session, person=person)
    except (NotFound, ValueError):
        await stale_button(update, context)
        raise ApplicationHandlerStop from None
    await answer_query(query, answered_text(t, values["purpose"], values["agreed"]))
    markup = ask_again_keyboard(t, [(p.key, p.version) for p in still_open])
    message = query.message
    if isinstance(message, Message) and message.date.timestamp() != 0:  # still editable
        await send_later(
            lambda: context.bot.edit_message_reply_markup(
                message.chat.id, message.message_id, reply_markup=markup
            )
        )
    if not still_open:
        await reply(update, t.gettext("Thank you, your answers are saved."))
    raise ApplicationHandlerStop


def register(application: Any) -> None:
    """Add the answer buttons and the question in group -2 (see the module doc)."""
    application.add_handler(CallbackQueryHandler(on_answer, pattern=CONSENT_ANSWER.pattern), -2)
    application.add_handler(TypeHandler(Update, ask_if_needed), -2)
