"""/start with an invite token: language, consent, then per-role questions.

A persistent ConversationHandler (name "onboarding"): the step lives in the database
(bot.persistence), so someone halfway continues after a restart. Nothing is stored about a
person before they agree (the invite token and language wait in user_data, removed on "no").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import WijkContext
from bot.domain import actions, availability, help_requests, invites, people
from bot.domain.errors import (
    AlreadyRegistered,
    InvalidInput,
    InviteExpired,
    InviteInvalid,
    InviteUsedUp,
    NotAllowed,
)
from bot.domain.tasks import HELP_REQUEST_TASKS
from bot.handlers.account import stop_command
from bot.handlers.common import (
    answer_query,
    callback_id,
    current_person,
    edit_or_send,
    esc,
    reply,
    stale_button,
    translator_for,
)
from bot.handlers.fallback import not_understood
from bot.i18n import Translator
from bot.views import people as views
from bot.views.commands import coordinator_command_list
from bot.views.help import coordinator_help
from storage.areas import buurten_within
from storage.models import Area, Person

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
END = ConversationHandler.END
YES_WORDS = {"ja", "yes", "j", "y", "akkoord", "ok", "oke", "oké"}
NO_WORDS = {"nee", "no", "n", "liever niet"}


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
    person = await current_person(update, context)
    token = context.args[0] if context.args else None
    if person is not None:
        return await _welcome_back(update, context, person, with_invite=bool(token))
    t = translator_for(update, context)
    if not token:
        await reply(
            update,
            t.gettext(
                "Hello! I am wijkbot, the bot of the neighbourhood network. "
                "You can only join with an invite link from your neighbourhood coordinator. "
                "Do you have a flyer with a QR code? Scan it, and I will help you further."
            ),
        )
        return END
    try:
        async with context.atomic() as session:
            await invites.check_invite(session=session, token=token, now=context.clock.now())
    except (InviteInvalid, InviteExpired, InviteUsedUp) as exc:
        await reply(update, invite_error_text(t, exc))
        return END
    context.user_data["onboarding"] = {"token": token}
    return await _ask_language(update, context)


async def _welcome_back(
    update: Update, context: WijkContext, person: Person, *, with_invite: bool = False
) -> str | int:
    """A known person sent /start: messages are on again; unfinished sign-up goes on.

    An invite link opened by someone already signed up is not used: role and area stay.
    """
    async with context.atomic() as session:
        was_stopped = person.stopped_at is not None or person.unreachable_at is not None
        people.resume(person=person)
        if was_stopped:  # calls cancelled while they were away come to them now
            await actions.call_joiner(
                session=session,
                person=person,
                now=context.clock.now(),
                tz=context.services.settings.tz,
            )
    t = translator_for(update, context, person)
    if was_stopped:
        await reply(update, t.gettext("You will get messages again. Send /stop to stop them."))
    if person.onboarded_at is None and person.role != "coordinator":
        return await _ask_buurt(update, context, person, t)
    text = t.gettext("Welcome back, {name}!", name=esc(person.display_name))
    if with_invite:
        text += " " + t.gettext(
            "You are already signed up, so this invite link was not used. "
            "Should your role or neighbourhood change? Ask your coordinator."
        )
    await reply(update, text + "\n\n" + t.gettext("Send /help to see what you can do."))
    return END


async def _ask_language(update: Update, context: WijkContext) -> str:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Nederlands", callback_data="ob:lang:nl"),
                InlineKeyboardButton("English", callback_data="ob:lang:en"),
            ]
        ]
    )
    await reply(
        update,
        "Welkom bij wijkbot! In welke taal wil je verder?\n"
        "Welcome to wijkbot! Which language do you prefer?",
        keyboard,
    )
    return LANG


async def chose_language(update: Update, context: WijkContext, code: str) -> str:
    """Language picked: show the consent text."""
    context.user_data["lang"] = code
    t = translator_for(update, context)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("I agree"), callback_data="ob:consent:yes"),
                InlineKeyboardButton(t.gettext("No, rather not"), callback_data="ob:consent:no"),
            ]
        ]
    )
    await reply(update, consent_text(t), keyboard)
    return CONSENT


def consent_text(t: Translator) -> str:
    """What is stored, who sees it, how to remove it."""
    return t.gettext(
        "<b>Before we start: what do we store?</b>\n"
        "• your first name and your Telegram account, so we can send you messages\n"
        "• your role and your neighbourhood\n"
        "• the answers you give here: for example what you like to do, when you can help, "
        "or what you would like help with\n\n"
        "<b>Who sees it?</b> Only the coordinators of your neighbourhood network. "
        "We do not share it with anyone else.\n\n"
        "<b>Removing it:</b> send /delete at any time and everything is deleted. "
        "Send /stop to stop all messages.\n\n"
        "Do you agree?"
    )


async def consent(update: Update, context: WijkContext, agreed: bool) -> str | int:
    """Consent given: create the person (uses the invite). Refused: forget everything."""
    t = translator_for(update, context)
    token = (context.user_data.get("onboarding") or {}).get("token")
    if not agreed or not token:
        context.user_data.clear()
        await reply(
            update,
            t.gettext(
                "Okay. Nothing has been stored. If you change your mind, "
                "scan the QR code or open the invite link again."
            ),
        )
        return END
    user = update.effective_user
    try:
        async with context.atomic() as session:
            person = await people.register(
                session=session,
                token=token,
                telegram_user_id=user.id,
                chat_id=update.effective_chat.id,
                first_name=user.first_name,
                language=t.language,
                now=context.clock.now(),
            )
            area = await session.get(Area, person.area_id)
            if person.role == "coordinator":
                people.finish_onboarding(person=person, now=context.clock.now())
    except (InviteInvalid, InviteExpired, InviteUsedUp) as exc:
        context.user_data.clear()
        await reply(update, invite_error_text(t, exc))
        return END
    except AlreadyRegistered:
        context.user_data.clear()
        await reply(
            update, t.gettext("You are already signed up. Send /help to see what you can do.")
        )
        return END
    context.user_data.pop("onboarding", None)
    if person.role == "coordinator":
        await _coordinator_menu(update, context, t)
        await reply(
            update,
            t.gettext("Thank you! You are now a coordinator for {area}.", area=esc(area.name))
            + "\n\n"
            + coordinator_help(t),
        )
        return END
    return await _ask_buurt(update, context, person, t)


async def _coordinator_menu(update: Update, context: WijkContext, t: Translator) -> None:
    """Show the coordinator's commands in the "/" menu of their own chat."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.set_my_commands(
            coordinator_command_list(t, t.language), scope=BotCommandScopeChat(chat.id)
        )


async def _ask_buurt(update: Update, context: WijkContext, person: Person, t: Translator) -> str:
    async with context.atomic() as session:
        area = await session.get(Area, person.area_id)
        buurten = [b for b in await buurten_within(session, person.area_id) if b.id != area.id]
    if not buurten:
        return await _after_buurt(update, context, person, t)
    rows = [
        [InlineKeyboardButton(b.name, callback_data=f"ob:buurt:{b.id}") for b in buurten[i : i + 2]]
        for i in range(0, len(buurten), 2)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                t.gettext("I don't know / all of {area}", area=area.name),
                callback_data="ob:buurt:0",
            )
        ]
    )
    await reply(update, t.gettext("In which buurt do you live?"), InlineKeyboardMarkup(rows))
    return BUURT


async def chose_buurt(update: Update, context: WijkContext, buurt_id: int | None) -> str | int:
    """Store the buurt; go on with the role's questions."""
    person = await current_person(update, context)
    if person is None:
        return END
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await people.set_buurt(session=session, person=person, buurt_id=buurt_id)
    except NotAllowed:  # a forged buurt outside the invite's area: nothing changes
        await stale_button(update, context)
        return BUURT
    return await _after_buurt(update, context, person, t)


async def _after_buurt(update: Update, context: WijkContext, person: Person, t: Translator) -> str:
    if person.role == "volunteer":
        await reply(
            update,
            t.gettext("Which languages do you speak? Tap all that apply, then Done."),
            views.spoken_keyboard(t, set(person.spoken_languages), "ob:sl"),
        )
        return SPOKEN
    await reply(
        update,
        t.gettext(
            "What would you like help with? Tap all that apply, then Done. Nothing? Just tap Done."
        ),
        views.task_keyboard(t, set(), "ob:want", HELP_REQUEST_TASKS),
    )
    return WANTS


# --- multi-select steps -------------------------------------------------------------------
# Each toggle is written to the database at once, so nothing is lost on a restart.


async def _toggle_step(update: Update, context: WijkContext, code: str, step: str) -> str | int:
    query = update.callback_query
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    if person is None:
        await answer_query(query, t.gettext("This button no longer works."))
        return END
    try:
        async with context.atomic() as session:
            markup = await _apply_toggle(session, person, t, step, code, context.clock.now())
    except InvalidInput:  # a forged code
        await answer_query(query, t.gettext("This button no longer works."))
        return step
    await answer_query(query)
    text = query.message.text_html if query.message else ""
    if code != "done":
        await edit_or_send(query, text, markup)
        return step
    await edit_or_send(query, text, None)
    return await _next_after(update, context, person, t, step)


async def _apply_toggle(
    session: AsyncSession, person: Person, t: Translator, step: str, code: str, now: dt.datetime
) -> InlineKeyboardMarkup:
    """Switch one choice of a multi-select step ('done' switches nothing); returns the new
    keyboard. Raises `InvalidInput` for an unknown code."""
    flip = set() if code == "done" else {code}
    if step == SPOKEN:
        chosen = set(person.spoken_languages) ^ flip
        people.set_spoken_languages(person=person, languages=sorted(chosen))
        return views.spoken_keyboard(t, chosen, "ob:sl")
    if step in (TASKS, OFFERS):
        chosen = set(await people.offers_of(session=session, person_id=person.id)) ^ flip
        await people.set_offers(session=session, person=person, tasks=chosen)
        return views.task_keyboard(t, chosen, "ob:task" if step == TASKS else "ob:offer")
    chosen = set(await people.help_requests_of(session=session, person_id=person.id)) ^ flip
    await people.set_help_requests(session=session, person=person, tasks=chosen, now=now)
    return views.task_keyboard(t, chosen, "ob:want", HELP_REQUEST_TASKS)


async def _next_after(
    update: Update, context: WijkContext, person: Person, t: Translator, step: str
) -> str | int:
    if step == SPOKEN:
        await reply(
            update,
            t.gettext("What do you like to do? Tap all that apply, then Done."),
            views.task_keyboard(t, set(), "ob:task"),
        )
        return TASKS
    if step == TASKS:
        await reply(update, availability_question(t), _avail_markup(t, set()))
        return AVAIL
    if step == WANTS:
        await reply(
            update,
            t.gettext(
                "And is there something you could offer others? Tap all that apply, then Done."
            ),
            views.task_keyboard(t, set(), "ob:offer"),
        )
        return OFFERS
    return await _finish(update, context, person, t)


def availability_question(t: Translator) -> str:
    """The question above the weekly grid."""
    return t.gettext(
        "When can you usually help? Tap the moments that suit you, then Done. "
        "You can change this later with /availability."
    )


def _avail_markup(t: Translator, slots: set[tuple[int, str]]) -> InlineKeyboardMarkup:
    done = InlineKeyboardButton(t.gettext("Done"), callback_data="ob:av:done")
    return views.availability_keyboard(t, slots, "ob:av", [done])


async def toggle_availability(update: Update, context: WijkContext) -> str | int:
    """Grid press during onboarding: 'ob:av:<weekday>:<m|a|e>' or 'ob:av:done'."""
    query = update.callback_query
    person = await current_person(update, context)
    if person is None:
        await answer_query(query)
        return END
    t = translator_for(update, context, person)
    parts = (query.data or "").split(":")
    await answer_query(query)
    if parts[2:] == ["done"]:
        await edit_or_send(query, availability_question(t), None)
        return await _finish(update, context, person, t)
    if len(parts) != 4 or callback_id(parts[2]) is None or parts[3] not in views.PART_BY_LETTER:
        return AVAIL
    async with context.atomic() as session:
        await availability.toggle_slot(
            session=session,
            person_id=person.id,
            weekday=int(parts[2]),
            day_part=views.PART_BY_LETTER[parts[3]],
        )
        slots = await availability.slots_of(session=session, person_id=person.id)
    await edit_or_send(query, availability_question(t), _avail_markup(t, slots))
    return AVAIL


async def _finish(update: Update, context: WijkContext, person: Person, t: Translator) -> int:
    now, tz = context.clock.now(), context.services.settings.tz
    async with context.atomic() as session:
        people.finish_onboarding(person=person, now=now)
        await actions.call_joiner(session=session, person=person, now=now, tz=tz)
        await help_requests.tell_coordinators(session=session, resident=person, now=now)
        place = await session.get(Area, person.home_area_id)
        choices = views.SignupChoices(
            place=place.name if place else "?",
            languages=list(person.spoken_languages),
            offers=await people.offers_of(session=session, person_id=person.id),
            wants=await people.help_requests_of(session=session, person_id=person.id),
            slots=await availability.slots_of(session=session, person_id=person.id),
        )
    context.user_data.pop("onboarding", None)
    if person.role == "volunteer":
        text = t.gettext(
            "Thank you, {name}! You are signed up as a volunteer. When an action in your "
            "neighbourhood needs help, you get a message and you answer with one tap.",
            name=esc(person.display_name),
        )
    else:
        text = t.gettext(
            "Thank you, {name}! We have noted what you told us. Someone from the "
            "neighbourhood network will get in touch with you.",
            name=esc(person.display_name),
        )
    summary = views.describe_choices(t, person.role, choices)
    await reply(
        update,
        f"{text}\n\n{summary}\n\n" + t.gettext("Send /help to see what you can do."),
    )
    return END


# --- callback and typed-answer routing -----------------------------------------------------


async def on_callback(update: Update, context: WijkContext) -> str | int:
    """Route 'ob:<step>:<value>' presses to the step functions."""
    query = update.callback_query
    _, step, value = ((query.data or "") + "::").split(":")[:3]
    if step == "lang" and value in ("nl", "en"):
        await answer_query(query)
        await edit_or_send(query, query.message.text_html if query.message else "", None)
        return await chose_language(update, context, value)
    if step == "consent" and value in ("yes", "no"):
        await answer_query(query)
        await edit_or_send(query, query.message.text_html if query.message else "", None)
        return await consent(update, context, value == "yes")
    if step == "buurt" and callback_id(value) is not None:
        await answer_query(query)
        await edit_or_send(query, query.message.text_html if query.message else "", None)
        return await chose_buurt(update, context, callback_id(value) or None)
    step_by_prefix = {"sl": SPOKEN, "task": TASKS, "want": WANTS, "offer": OFFERS}
    if step in step_by_prefix:
        return await _toggle_step(update, context, value, step_by_prefix[step])
    t = translator_for(update, context)
    await answer_query(query, t.gettext("This button no longer works."))
    return None  # type: ignore[return-value]  # stay in the current state


def typed(step: str) -> Callable[[Update, WijkContext], Awaitable[Any]]:
    """Handle text (or a sticker, voice...) where a button was expected in `step`."""

    async def handler(update: Update, context: WijkContext) -> Any:
        text = (update.message.text or "").strip().casefold() if update.message else ""
        if step == LANG and text in ("nl", "nederlands", "dutch", "en", "english", "engels"):
            return await chose_language(
                update, context, "nl" if text in ("nl", "nederlands", "dutch") else "en"
            )
        if step == CONSENT and text in YES_WORDS | NO_WORDS:
            return await consent(update, context, text in YES_WORDS)
        if step == BUURT and text:
            match = await _buurt_by_name(update, context, text)
            if match is not None:
                return await chose_buurt(update, context, match)
        person = await current_person(update, context)
        t = translator_for(update, context, person)
        if person is None and not context.user_data.get("onboarding"):
            # The sign-up is gone (the person deleted their data meanwhile): end it.
            await reply(update, not_understood(t))
            return END
        await reply(
            update,
            t.gettext(
                "Please tap one of the buttons above. Send /cancel to stop signing up for now."
            ),
        )
        return None

    return handler


async def _buurt_by_name(update: Update, context: WijkContext, text: str) -> int | None:
    person = await current_person(update, context)
    if person is None:
        return None
    async with context.atomic() as session:
        for buurt in await buurten_within(session, person.area_id):
            if buurt.name.casefold() == text:
                return buurt.id
    return None


async def cancel(update: Update, context: WijkContext) -> int:
    """/cancel or /annuleer during onboarding: stop for now; what was agreed stays."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    if person is None:
        context.user_data.clear()
        await reply(update, t.gettext("Okay, stopped. Nothing is stored about you."))
    else:
        await reply(
            update, t.gettext("Okay, stopped for now. Send /start to continue where you left off.")
        )
    return END


async def stop(update: Update, context: WijkContext) -> int:
    """/stop during sign-up: stop messages (as /stop always does) and end the sign-up."""
    await stop_command(update, context)
    return END


async def restart(update: Update, context: WijkContext) -> str | int:
    """/start in the middle of onboarding: begin again with a token, else ask again."""
    return await start(update, context)


def register(application: Any) -> None:
    """Add the onboarding conversation."""
    # Each state accepts only its own buttons: a double tap or an old message's button
    # falls through to the fallback ("This button no longer works.").
    prefixes = {
        LANG: "lang",
        CONSENT: "consent",
        BUURT: "buurt",
        SPOKEN: "sl",
        TASKS: "task",
        WANTS: "want",
        OFFERS: "offer",
    }
    states: dict[object, list[Any]] = {}
    for step, prefix in prefixes.items():
        states[step] = [
            CallbackQueryHandler(on_callback, pattern=rf"^ob:{prefix}:"),
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, typed(step)),
        ]
    states[AVAIL] = [
        CallbackQueryHandler(toggle_availability, pattern=r"^ob:av:"),
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, typed(AVAIL)),
    ]
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states=states,
            fallbacks=[
                CommandHandler("start", restart),
                CommandHandler(["cancel", "annuleer"], cancel),
                CommandHandler("stop", stop),
            ],
            name="onboarding",
            persistent=True,
            allow_reentry=True,
        )
    )
