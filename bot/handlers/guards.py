"""Group -3: updates the features should never see.

- no user (channel posts, chat-member updates of channels...): ignored;
- group chats: wijkbot works in private chats only; commands there get one short answer;
- edited messages: answered kindly ("send it again"), never re-processed.

A guard stops the update whatever happens to its answer (issue 9, item 4): the decision is
taken first and `ApplicationHandlerStop` is raised after any failure of the answer, so a
failing translation, database read or send (a 502, 429 or 403 from Telegram) can never let
the update through to the feature handlers. Answers are queued on the unit of work anyway
(sent after the commit, where a failed send is only logged).

The per-user throttle (`bot.throttle`) runs before this, in `WijkApplication.process_update`;
`slow_down` is its one answer.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import unit_of_work
from bot.context import WijkContext
from bot.handlers.common import reply, translator_for
from bot.i18n import I18n

log = logging.getLogger(__name__)


def _blocked(update: Update) -> str | None:
    """Why the features must not see this update ('no user' | 'group' | 'edited'), or None."""
    if update.effective_user is None:
        return "no user"
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        return "group"
    if update.edited_message is not None:
        return "edited"
    return None


async def guard(update: Update, context: WijkContext) -> None:
    """Stop updates without a user, from groups, or edited messages (group -3)."""
    reason = _blocked(update)
    if reason is None:
        return
    try:
        if reason == "group":
            message = update.message
            if message is not None and message.text and message.text.startswith("/"):
                t = translator_for(update, context)
                await reply(update, t.gettext("Please talk to me in a private chat."))
        elif reason == "edited":
            t = translator_for(update, context, await context.person())
            await reply(
                update,
                t.gettext(
                    "I don't read edited messages. Please send your answer again as a new message."
                ),
            )
        else:
            log.debug("ignored an update without a user (id %s)", update.update_id)
    except Exception:  # the answer is a courtesy; the stop below is what matters
        log.warning("a guard could not answer (%s); the update is stopped anyway", reason)
    raise ApplicationHandlerStop


async def slow_down(update: Update, i18n: I18n) -> None:
    """The one answer of the per-user throttle (`bot.throttle`), in the person's language.

    Runs inside the update's unit of work (the person is read for their language only).
    """
    if _blocked(update) is not None:  # groups, edited messages...: no answer there either
        return
    uow = unit_of_work.current()
    person = await uow.person() if uow is not None else None
    code = update.effective_user.language_code if update.effective_user else None
    t = i18n.translator(i18n.pick_language(person.language if person else None, code))
    await reply(
        update,
        t.gettext(
            "Slow down, please: you sent me a lot of messages in a short time. "
            "I will read your messages again in a minute."
        ),
    )


def register(application: Any) -> None:
    """Add the guard in group -3 (runs before the consent question of group -2, every feature
    and the exit rule of group -1)."""
    application.add_handler(TypeHandler(Update, guard), group=-3)
