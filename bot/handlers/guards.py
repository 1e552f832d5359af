"""Group -1: updates the features should never see.

- no user (channel posts, chat-member updates of channels...): ignored;
- group chats: wijkbot works in private chats only; commands there get one short answer;
- edited messages: answered kindly ("send it again"), never re-processed.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import WijkContext
from bot.handlers.common import current_person, reply, translator_for

log = logging.getLogger(__name__)


async def guard(update: Update, context: WijkContext) -> None:
    """Stop updates without a user, from groups, or edited messages."""
    if update.effective_user is None:
        log.debug("ignored an update without a user (id %s)", update.update_id)
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        message = update.message
        if message is not None and message.text and message.text.startswith("/"):
            t = translator_for(update, context)
            await reply(update, t.gettext("Please talk to me in a private chat."))
        raise ApplicationHandlerStop
    if update.edited_message is not None:
        t = translator_for(update, context, await current_person(update, context))
        await reply(
            update,
            t.gettext(
                "I don't read changed messages. Please send your answer again as a new message."
            ),
        )
        raise ApplicationHandlerStop


def register(application: Any) -> None:
    """Add the guard in group -2 (runs before every feature and the exit rule of group -1)."""
    application.add_handler(TypeHandler(Update, guard), group=-2)
