"""One way out of every conversation and button screen (issue 12).

Every multi-step conversation and every screen with buttons (the availability grid, the pause
screen) is a PTB `ConversationHandler` registered here with `add_conversation`. The rule, built
once for all of them by `exit_for_command` (group -1, after the guards of group -3
and the consent question of group -2):

- `/annuleer` (`/cancel`) ends the active conversation and says what was kept (the
  conversation's `on_exit` text); nothing else handles that update. Without an active
  conversation `nothing_to_cancel` answers (group 0).
- `/help` answers in place: the conversation goes on.
- any other command (`/start` too) first ends the active conversation, saying so in the same
  one line, then runs as usual (group 0), so a command can never be taken as an answer and
  the next free text is not taken as one either.

A conversation added later joins the rule by being registered, and the test that walks every
state of every registered conversation (`tests/e2e/test_conversation_exits.py`) refuses to pass
until it knows how to walk the new one.

PTB offers no public way to end a conversation from outside its handler, so `_end` removes the
key from the handler's state dictionary (`ConversationHandler._conversations`), exactly as
the handler itself does when a callback returns `END` (PTB's `_update_state`); the
Application's persistence tracks that write, so the stored state row is deleted in the same
transaction (`bot.persistence`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import WijkContext
from bot.handlers.common import reply, translator_for
from bot.i18n import Translator

CANCEL_COMMANDS = ("annuleer", "cancel")
HELP_COMMANDS = ("help",)

#: `on_exit(update, context, t, state)`: forget the conversation's scratch data and return
#: the one line saying what was kept (HTML), or "" when the command itself says enough.
OnExit = Callable[[Update, WijkContext, Translator, object], Awaitable[str]]


@dataclass(frozen=True)
class Conversation:
    """A registered conversation or button screen and how it ends."""

    name: str
    handler: ConversationHandler[Any]
    on_exit: OnExit

    def state_of(self, update: Update) -> object | None:
        """The conversation's state for the update's chat and user, or None (not active)."""
        try:
            key = self.handler._get_key(update)
        except RuntimeError:  # no chat or user: never in a conversation
            return None
        return self.handler._conversations.get(key)

    def _end(self, update: Update) -> None:
        self.handler._update_state(ConversationHandler.END, self.handler._get_key(update))


REGISTRY: dict[str, Conversation] = {}


def add_conversation(application: Any, handler: ConversationHandler[Any], on_exit: OnExit) -> None:
    """Add `handler` (group 0) and register it for the one way out (name must be set)."""
    assert handler.name is not None, "a registered conversation needs a name"
    REGISTRY[handler.name] = Conversation(handler.name, handler, on_exit)
    application.add_handler(handler)


def command_of(update: Update) -> str | None:
    """'start' for '/start abc' or '/start@wijkbot_bot', None for anything but a command."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    words = message.text[1:].split(maxsplit=1)
    return words[0].split("@")[0].casefold() if words else None


async def end_active(update: Update, context: WijkContext, t: Translator) -> str | None:
    """End every active registered conversation of the update's user; the kept-texts joined
    (None when nothing was active)."""
    lines = []
    for conversation in REGISTRY.values():
        state = conversation.state_of(update)
        if state is None:
            continue
        conversation._end(update)
        line = await conversation.on_exit(update, context, t, state)
        if line:
            lines.append(line)
    return "\n".join(lines) if lines else None


async def exit_for_command(update: Update, context: WijkContext) -> None:
    """Group -1: a command ends the active conversation first (see the module docstring)."""
    command = command_of(update)
    if command is None or command in HELP_COMMANDS:
        return
    if not any(c.state_of(update) is not None for c in REGISTRY.values()):
        return
    t = translator_for(update, context, await context.person())
    kept = await end_active(update, context, t)
    if kept:
        await reply(update, kept)
    if command in CANCEL_COMMANDS:
        raise ApplicationHandlerStop


async def nothing_to_cancel(update: Update, context: WijkContext) -> None:
    """/annuleer, /cancel outside any conversation."""
    t = translator_for(update, context, await context.person())
    await reply(update, t.gettext("There is nothing to cancel right now."))


def register(application: Any) -> None:
    """Add the exit rule (group -1) and the answer to a /cancel with nothing to cancel."""
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, exit_for_command), group=-1
    )
    application.add_handler(CommandHandler(list(CANCEL_COMMANDS), nothing_to_cancel))
