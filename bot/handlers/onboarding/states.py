"""The sign-up conversation's states and how a step shows its question.

States are plain strings (stored by `bot.persistence`, so a restart continues where the person
was). `show` answers a button press and shows the step's question: it edits the pressed
message when Telegram still gives it to us, and otherwise (an inaccessible message, date 0) confirms
in the press's answer ("Saved.") and sends the question anew, so a press always gets a proper
answer (issue 9). A press without any message cannot belong to a conversation in a private
chat (PTB needs the chat for the conversation key): it gets the one stale answer.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import WijkContext
from bot.handlers.common import answer_query, edit_or_send, reply, send_later
from bot.i18n import Translator

LANG, CONSENT, BUURT, SPOKEN, TASKS, AVAIL, WANTS, OFFERS = (
    "lang",
    "consent",
    "buurt",
    "spoken",
    "tasks",
    "avail",
    "wants",
    "offers",
)
STATES = (LANG, CONSENT, BUURT, SPOKEN, TASKS, AVAIL, WANTS, OFFERS)
AFTER_CONSENT = (BUURT, SPOKEN, TASKS, AVAIL, WANTS, OFFERS)

SIGNUP = "onboarding"
"""user_data key: {"invite_id": id, "started_at": iso, "asked"?: message id} before consent
(plus "resume": state after /start paused it there), {"resume": state} after a pause."""
ASKED = "asked"
"""Key in user_data[SIGNUP]: the message id of the language or consent question on screen."""


async def send(
    update: Update, context: WijkContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message to the person's private chat (also for a press without a message)."""
    if update.effective_chat is not None:
        await reply(update, text, markup)
        return
    user = update.effective_user
    if user is not None:  # private chats only (the guard): the chat id is the user id
        await send_later(
            lambda: context.bot.send_message(user.id, text, parse_mode="HTML", reply_markup=markup)
        )


async def ask(
    update: Update, context: WijkContext, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Send a question before consent (language, consent) and remember its message id in
    user_data[SIGNUP] (saved with the person's next update), so a typed answer can remove
    its buttons (`drop_question_buttons`)."""
    chat, signup_state = update.effective_chat, context.user_data.get(SIGNUP)
    if chat is None or not isinstance(signup_state, dict):
        await send(update, context, text, markup)
        return

    async def send_now() -> None:
        sent = await chat.send_message(text, parse_mode="HTML", reply_markup=markup)
        signup_state[ASKED] = sent.message_id

    await send_later(send_now)


async def drop_question_buttons(update: Update, context: WijkContext) -> None:
    """Remove the buttons of the question `ask` sent last (a typed answer, or the sign-up
    ended), so nobody presses a button that no longer belongs to the step."""
    signup_state = context.user_data.get(SIGNUP)
    message_id = signup_state.pop(ASKED, None) if isinstance(signup_state, dict) else None
    chat = update.effective_chat
    if isinstance(message_id, int) and chat is not None:
        bot = context.bot

        async def remove_buttons() -> None:
            try:
                await bot.edit_message_reply_markup(chat.id, message_id, reply_markup=None)
            except BadRequest:  # already without buttons, or too old to edit: nothing to do
                pass

        await send_later(remove_buttons)


async def show(
    update: Update,
    context: WijkContext,
    t: Translator,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Show `text` (with `markup`) in place of the pressed message, or anew (see above)."""
    query = update.callback_query
    if query is None:
        await send(update, context, text, markup)
        return
    if accessible(query.message):
        await answer_query(query)
        await edit_or_send(query, text, markup)
        return
    await answer_query(query, t.gettext("Saved."))
    if markup is not None:
        await send(update, context, text, markup)


def accessible(message: object) -> bool:
    """True for a message the bot can still edit. Telegram sends an inaccessible one (too old,
    deleted) with date 0; PTB 22 gives it as a `Message` with that date (or as an
    `InaccessibleMessage`)."""
    return isinstance(message, Message) and message.date.timestamp() != 0


async def settle(update: Update, context: WijkContext, t: Translator, text: str) -> None:
    """A step's buttons were answered: keep the question's text, remove its buttons."""
    await show(update, context, t, text, None)


def tap_a_button(t: Translator) -> str:
    """Free text where sign-up expects a button."""
    return t.gettext(
        "Please tap one of the buttons above. Send /cancel to stop signing up for now."
    )
