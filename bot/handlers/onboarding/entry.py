"""/start with an invite link: the link, the language and consent (one function per state).

Nothing is stored about a person before they agree: until then the conversation keeps the
invite's id and the chosen language in user_data (never the raw token, issue 9), removed on
"no" and when the sign-up is stopped.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.callbacks import OB_CONSENT, OB_LANG
from bot.context import WijkContext
from bot.domain import signup
from bot.domain.errors import AlreadyRegistered, InviteExpired, InviteInvalid, InviteUsedUp
from bot.domain.retention import signup_expired
from bot.domain.vocabulary import Role
from bot.handlers.common import esc, send_later, translator_for
from bot.handlers.conversations import command_of
from bot.handlers.onboarding import steps
from bot.handlers.onboarding.states import (
    AFTER_CONSENT,
    CONSENT,
    LANG,
    SIGNUP,
    ask,
    drop_question_buttons,
    send,
    settle,
    tap_a_button,
)
from bot.i18n import Translator
from bot.views.commands import coordinator_command_list
from bot.views.consent import Periods, periods_text, purposes_block
from bot.views.help import coordinator_help, partner_help
from bot.views.lists import name_html

if TYPE_CHECKING:
    from storage.models import Person

END = ConversationHandler.END
YES_WORDS = {"ja", "yes", "j", "y", "akkoord", "ok", "oke", "oké"}
NO_WORDS = {"nee", "no", "n", "liever niet"}
DUTCH_WORDS = {"nl", "nederlands", "dutch"}
ENGLISH_WORDS = {"en", "english", "engels"}
INVITE_ERRORS = (InviteInvalid, InviteExpired, InviteUsedUp)


def invite_error_text(t: Translator, exc: Exception) -> str:
    """A kind explanation for an invite that cannot be used."""
    if isinstance(exc, InviteExpired):
        return t.gettext(
            "This invite link has expired. Ask the person who gave it to you for a new one."
        )
    if isinstance(exc, InviteUsedUp):
        return t.gettext(
            "This invite link has already been used as often as allowed. "
            "Ask the person who gave it to you for a new one."
        )
    return t.gettext(
        "I don't recognise this invite link. Check that you copied the whole link, "
        "or ask for a new one."
    )


async def start(update: Update, context: WijkContext) -> str | int:
    """Entry: check the invite (stores nothing), or welcome back a known person."""
    person = await context.person()
    token = context.args[0] if context.args else None
    if person is not None:
        return await welcome_back(update, context, person, with_invite=bool(token))
    t = translator_for(update, context)
    if not token:
        resumed = await resume_before_consent(update, context)
        if resumed is not None:
            return resumed
        await send(
            update,
            context,
            t.gettext(
                "Hello! I am wijkbot, the bot of the neighbourhood network. "
                "You can only join with an invite link from your neighbourhood coordinator. "
                "Do you have a flyer with a QR code? Scan it, and I will help you further."
            ),
        )
        return END
    try:
        async with context.atomic() as session:
            invite_id = await signup.open_invite(
                session=session, token=token, now=context.clock.now()
            )
    except INVITE_ERRORS as exc:
        await send(update, context, invite_error_text(t, exc))
        return END
    # Never the raw token: user_data is persisted (ptb_state). The invite id is useless to
    # anyone reading the database; the start time lets sign-up state expire (24 h).
    context.user_data[SIGNUP] = {
        "invite_id": invite_id,
        "started_at": context.clock.now().isoformat(),
    }
    return await ask_language(update, context)


async def welcome_back(
    update: Update, context: WijkContext, person: Person, *, with_invite: bool = False
) -> str | int:
    """A known person sent /start: messages are on again; an unfinished sign-up goes on
    where it was paused. An invite link opened by someone signed up is not used."""
    async with context.atomic() as session:
        was_stopped = await signup.welcome_back(
            session=session, person=person, now=context.clock.now(), tz=context.services.settings.tz
        )
    t = translator_for(update, context, person)
    if was_stopped:
        await send(
            update, context, t.gettext("You will get messages again. Send /stop to stop them.")
        )
    if person.onboarded_at is None and person.role != Role.COORDINATOR:
        return await steps.resume(update, context, person, t)
    text = t.gettext("Welcome back, {name}!", name=name_html(person.display_name, None))
    if with_invite:
        text += " " + t.gettext(
            "You are already signed up, so this invite link was not used. "
            "Should your role or neighbourhood change? Ask your coordinator."
        )
    await send(update, context, text + "\n\n" + t.gettext("Send /help to see what you can do."))
    return END


async def resume_before_consent(update: Update, context: WijkContext) -> str | None:
    """/start without a link while the sign-up was at the language or consent step (it was
    paused by that /start, see `on_exit`): ask that step's question again. None when there
    is no such sign-up, or it is older than `RETENTION_SIGNUP_HOURS` (then it is forgotten)."""
    state = context.user_data.get(SIGNUP) or {}
    step = state.pop("resume", None)
    if step not in (LANG, CONSENT) or not isinstance(state.get("invite_id"), int):
        return None
    max_age = dt.timedelta(hours=context.services.settings.retention_signup_hours)
    if signup_expired(state.get("started_at"), context.clock.now(), max_age):
        forget(context)
        return None
    if step == CONSENT and context.user_data.get("lang") in ("nl", "en"):
        return await ask_consent(update, context)
    return await ask_language(update, context)


# --- state LANG ----------------------------------------------------------------------------

LANGUAGE_QUESTION = (
    "Welkom bij wijkbot! In welke taal wil je verder?\n"
    "Welcome to wijkbot! Which language do you prefer?"
)


async def ask_language(update: Update, context: WijkContext) -> str:
    """Both languages at once: nothing is known about the person yet."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Nederlands", callback_data=OB_LANG.encode(code="nl")),
                InlineKeyboardButton("English", callback_data=OB_LANG.encode(code="en")),
            ]
        ]
    )
    await ask(update, context, LANGUAGE_QUESTION, keyboard)
    return LANG


async def on_language(update: Update, context: WijkContext, *, code: str) -> str:
    """`ob:lang:<nl|en>`: remember the language (user_data only) and ask for consent."""
    await settle(update, context, translator_for(update, context), LANGUAGE_QUESTION)
    return await chose_language(update, context, code)


async def typed_language(update: Update, context: WijkContext) -> str | None:
    """'nl', 'English'... typed instead of tapped."""
    text = (update.message.text or "").strip().casefold() if update.message else ""
    if text in DUTCH_WORDS | ENGLISH_WORDS:
        await drop_question_buttons(update, context)
        return await chose_language(update, context, "nl" if text in DUTCH_WORDS else "en")
    await send(update, context, tap_a_button(translator_for(update, context)))
    return None


async def chose_language(update: Update, context: WijkContext, code: str) -> str:
    """Language picked: show the consent text."""
    context.user_data["lang"] = code
    return await ask_consent(update, context)


# --- state CONSENT -------------------------------------------------------------------------


def consent_text(t: Translator, purposes: list[str], periods: Periods) -> str:
    """What is stored, what for (per purpose of the invite's role: what, why, how long),
    who sees it, how to see and remove it (HTML)."""
    return "\n\n".join(
        [
            t.gettext(
                "<b>Before we start: what do we store?</b>\n"
                "• your first name and your Telegram account, so we can send you messages "
                "(when many messages go out, also when your next message may go: kept for a "
                "day)\n"
                "• your role and your neighbourhood (buurt)\n"
                "• the answers you give here: for example what you like to do, when you can "
                "help, or what you would like help with"
            ),
            t.gettext("<b>What we use it for</b>"),
            purposes_block(t, purposes, periods),
            t.gettext(
                "<b>Who sees it?</b> Only the coordinators of your neighbourhood network. "
                "We do not share it with anyone else."
            ),
            t.gettext(
                "<b>Seeing and removing it:</b> send /mydata to see everything, /delete at any "
                "time and everything is deleted. Send /stop to stop all messages."
            )
            + " "
            + periods_text(t, periods.inactive_days),
            t.gettext("Do you agree?"),
        ]
    )


async def _consent_text(update: Update, context: WijkContext, t: Translator) -> str:
    """The consent text for the invite in this sign-up's state."""
    state = context.user_data.get(SIGNUP) or {}
    purposes = await signup.consent_purposes(
        session=context.session, invite_id=state.get("invite_id")
    )
    settings = context.services.settings
    periods = Periods(
        answers_days=settings.retention_answers_days,
        outbox_days=settings.retention_outbox_days,
        inactive_days=settings.retention_inactive_days,
    )
    return consent_text(t, purposes, periods)


async def ask_consent(update: Update, context: WijkContext) -> str:
    """The consent text with "I agree" / "No, rather not"."""
    t = translator_for(update, context)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("I agree"), callback_data=OB_CONSENT.encode(agreed=True)
                ),
                InlineKeyboardButton(
                    t.gettext("No, rather not"), callback_data=OB_CONSENT.encode(agreed=False)
                ),
            ]
        ]
    )
    await ask(update, context, await _consent_text(update, context, t), keyboard)
    return CONSENT


async def on_consent(update: Update, context: WijkContext, *, agreed: bool) -> str | int:
    """`ob:consent:<yes|no>`."""
    t = translator_for(update, context)
    await settle(update, context, t, await _consent_text(update, context, t))
    return await consent(update, context, agreed)


async def typed_consent(update: Update, context: WijkContext) -> str | int | None:
    """'ja', 'nee'... typed instead of tapped."""
    text = (update.message.text or "").strip().casefold() if update.message else ""
    if text in YES_WORDS | NO_WORDS:
        await drop_question_buttons(update, context)  # answered: its buttons go
        return await consent(update, context, text in YES_WORDS)
    await send(update, context, tap_a_button(translator_for(update, context)))
    return None


async def consent(update: Update, context: WijkContext, agreed: bool) -> str | int:
    """Consent given: create the person (uses the invite). Refused: forget everything."""
    t = translator_for(update, context)
    state = context.user_data.get(SIGNUP) or {}
    invite_id = state.get("invite_id")
    max_age = dt.timedelta(hours=context.services.settings.retention_signup_hours)
    if signup_expired(state.get("started_at"), context.clock.now(), max_age):
        invite_id = None  # an unfinished sign-up older than 24 h is not continued
    user = update.effective_user
    if not agreed or not isinstance(invite_id, int) or user is None:
        forget(context)
        await send(
            update,
            context,
            t.gettext(
                "Okay. Nothing has been stored. If you change your mind, "
                "scan the QR code or open the invite link again."
            ),
        )
        return END
    try:
        async with context.atomic() as session:
            signed_up = await signup.consent(
                session=session,
                invite_id=int(invite_id),
                telegram_user_id=user.id,
                chat_id=update.effective_chat.id if update.effective_chat else user.id,
                first_name=user.first_name,
                language=t.language,
                now=context.clock.now(),
            )
    except INVITE_ERRORS as exc:
        forget(context)
        await send(update, context, invite_error_text(t, exc))
        return END
    except AlreadyRegistered:
        forget(context)
        await send(
            update,
            context,
            t.gettext("You are already signed up. Send /help to see what you can do."),
        )
        return END
    context.user_data.pop(SIGNUP, None)
    context.uow.forget_person()  # the person exists now: the next lookup finds them
    person = await context.person()
    assert person is not None
    if signed_up.role == Role.COORDINATOR:
        await coordinator_menu(update, context, t)
        text = t.gettext(
            "Thank you, {name}! You are now a coordinator for {area}.",
            name=name_html(person.display_name, None),
            area=esc(signed_up.area_name),
        )
        await send(update, context, text + "\n\n" + coordinator_help(t))
        return END
    if signed_up.role == Role.PARTNER:
        text = t.gettext(
            "Thank you! You now take part for {organisation} ({area}).",
            organisation=esc(signed_up.organisation_name or ""),
            area=esc(signed_up.area_name),
        )
        await send(update, context, text + "\n\n" + partner_help(t))
        return END
    return await steps.ask_buurt(update, context, person, t)


async def coordinator_menu(update: Update, context: WijkContext, t: Translator) -> None:
    """Show the coordinator's commands in the "/" menu of their own chat."""
    user = update.effective_user
    if user is not None:
        commands = coordinator_command_list(t, t.language)
        scope = BotCommandScopeChat(user.id)
        await send_later(lambda: context.bot.set_my_commands(commands, scope=scope))


def forget(context: WijkContext) -> None:
    """Forget the unfinished sign-up of someone who never agreed (nothing else is stored)."""
    context.user_data.pop(SIGNUP, None)
    context.user_data.pop("lang", None)


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """The sign-up ends by /annuleer or another command (`bot.handlers.conversations`).

    `/start` itself goes on at once (`start`, `welcome_back`), so it gets "we go on where you
    were" and the step's question again; before consent only without a link (a link opened
    again starts the sign-up from that link, with no line before it).
    """
    await drop_question_buttons(update, context)
    words = (update.message.text or "").split() if update.message else []
    again = command_of(update) == "start"
    going_on = t.gettext("You were still signing up. Let's go on where you left off.")
    if state not in AFTER_CONSENT or await context.person() is None:
        signup_state = context.user_data.get(SIGNUP)
        if again and len(words) == 1 and state in (LANG, CONSENT) and signup_state:
            signup_state["resume"] = state
            return going_on
        forget(context)
        return "" if again else t.gettext("Okay, stopped. Nothing is stored about you.")
    context.user_data[SIGNUP] = {"resume": state}
    if again:
        return going_on
    return t.gettext(
        "Signing up is paused. What you chose so far is kept. "
        "Send /start to continue where you left off."
    )
