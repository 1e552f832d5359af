"""Results of an action in a few taps: /opbrengst (/results) and the "Record results"
button in an action's messages (issue 10, item 2).

One registered button screen (`bot.handlers.conversations`), states:
- "screen": the results screen of one action (numbers, theme toggles, per street, done);
  a typed number 0..1000 is taken as the number of conversations;
- "typing": the screen asked for a street name or (coordinators) a new theme.
Every tap saves at once (`bot.domain.results.record_result`, which checks who may record,
when, and the limits). Scratch data in `user_data["results"]`: the action, the street ('' =
all streets together) and what is being typed.
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
    RESULTS_ADD_THEME,
    RESULTS_COUNT,
    RESULTS_DONE,
    RESULTS_OPEN,
    RESULTS_STREET,
    RESULTS_THEME,
    SIGNAL_START,
)
from bot.context import WijkContext
from bot.domain import results
from bot.domain.errors import ActionCancelled, DomainError, InvalidInput, NotAllowed
from bot.domain.results_entry import finish, recordable_actions, results_screen, tap_result
from bot.domain.vocabulary import Role
from bot.handlers.common import answer_query, button, stale_button, translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views.results import choose_action_view, done_text, screen_keyboard, screen_text

SCREEN, TYPING = "screen", "typing"
KEY = "results"
END = ConversationHandler.END


def _scratch(context: WijkContext, action_id: int) -> dict[str, Any]:
    """The scratch data for `action_id` (a fresh one when another action was open)."""
    data = context.user_data.get(KEY) if context.user_data is not None else None
    if not isinstance(data, dict) or data.get("action") != action_id:
        data = {"action": action_id, "street": "", "typing": None}
        context.user_data[KEY] = data  # type: ignore[index]
    return data


def _refusal(t: Translator, exc: Exception) -> str:
    if isinstance(exc, results.ResultsClosed):
        return t.gettext(
            "Results can be recorded from the start of the action until two weeks after it."
        )
    if isinstance(exc, ActionCancelled):
        return t.gettext("This action was cancelled.")
    if isinstance(exc, NotAllowed):
        return t.gettext(
            "Only volunteers who came and the coordinators can record results for this action."
        )
    return t.gettext("This button no longer works.")


async def _refuse(update: Update, context: WijkContext, t: Translator, exc: Exception) -> object:
    text = _refusal(t, exc)
    if update.callback_query is not None:
        await answer_query(update.callback_query, text, alert=True)
    else:
        await say(update, text, t=t)
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    return END


async def _show(update: Update, context: WijkContext, action_id: int) -> object:
    """Check the person may record now, then show (edit or send) the screen."""
    person = await context.person()
    t = translator_for(update, context, person)
    data = _scratch(context, action_id)
    try:
        if person is None:
            raise NotAllowed()
        screen = await results_screen(
            session=context.session,
            person=person,
            action_id=action_id,
            street=data["street"],
            now=context.clock.now(),
        )
    except DomainError as exc:
        return await _refuse(update, context, t, exc)
    data["typing"] = None
    markup = screen_keyboard(
        t,
        action_id,
        screen.mine,
        screen.themes,
        may_add_theme=person.role == Role.COORDINATOR,
        may_sign_up=person.role == Role.VOLUNTEER and context.clock.now() <= screen.action.ends_at,
    )
    await say(update, screen_text(t, screen), markup, t=t)
    return SCREEN


async def command(update: Update, context: WijkContext) -> object:
    """/opbrengst, /results: the screen of the one open action, or a choice of actions."""
    person = await context.person()
    t = translator_for(update, context, person)
    found = []
    if person is not None:
        found = await recordable_actions(
            session=context.session, person=person, now=context.clock.now()
        )
    if not found:
        await say(
            update, t.gettext("There is no action you can record results for right now."), t=t
        )
        return END
    if len(found) == 1:
        return await _show(update, context, found[0].id)
    await say(update, *choose_action_view(t, found), t=t)
    return END


async def on_open(update: Update, context: WijkContext, *, action_id: int) -> object:
    """`res:a:<action>`: open the screen (street: all streets together)."""
    return await _show(update, context, action_id)


async def _save(
    update: Update,
    context: WijkContext,
    action_id: int,
    *,
    count: int | None = None,
    theme: tuple[int, bool] | None = None,
) -> object:
    """Record a new number or a toggled theme for the current street, then show the screen."""
    person = await context.person()
    t = translator_for(update, context, person)
    data = _scratch(context, action_id)
    try:
        if person is None:
            raise NotAllowed()
        async with context.atomic() as session:
            await tap_result(
                session=session,
                person=person,
                action_id=action_id,
                street=data["street"],
                now=context.clock.now(),
                count=count,
                theme=theme,
            )
    except DomainError as exc:
        return await _refuse(update, context, t, exc)
    return await _show(update, context, action_id)


async def on_count(update: Update, context: WijkContext, *, action_id: int, count: int) -> object:
    """`res:n:<action>:<count>`."""
    return await _save(update, context, action_id, count=count)


async def on_theme(
    update: Update, context: WijkContext, *, action_id: int, index: int, on: bool
) -> object:
    """`res:t:<action>:<index>:<1|0>`."""
    return await _save(update, context, action_id, theme=(index, on))


async def _ask(update: Update, context: WijkContext, action_id: int, what: str) -> object:
    person = await context.person()
    t = translator_for(update, context, person)
    if what == "theme" and (person is None or person.role != Role.COORDINATOR):
        await stale_button(update, context)
        return None
    _scratch(context, action_id)["typing"] = what
    text = (
        t.gettext("Type the street name (no house numbers). Send /cancel to stop.")
        if what == "street"
        else t.gettext("Type the new theme (2 to 40 letters). It is added for your whole area.")
    )
    await say(update, text, t=t)
    return TYPING


async def on_street(update: Update, context: WijkContext, *, action_id: int) -> object:
    """`res:s:<action>`: ask for a street."""
    return await _ask(update, context, action_id, "street")


async def on_add_theme(update: Update, context: WijkContext, *, action_id: int) -> object:
    """`res:nt:<action>`: ask a coordinator for a new theme."""
    return await _ask(update, context, action_id, "theme")


async def on_done(update: Update, context: WijkContext, *, action_id: int) -> object:
    """`res:d:<action>`: close the screen with the action's totals."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise NotAllowed()
        action, summary = await finish(session=context.session, person=person, action_id=action_id)
    except DomainError as exc:
        return await _refuse(update, context, t, exc)
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    await say(update, done_text(t, action, summary), t=t)
    return END


async def on_typed_number(update: Update, context: WijkContext) -> object:
    """A number typed on the screen: the number of conversations (`isdecimal`, not
    `isdigit`: "5²" is a digit string to Python but not a number to `int`)."""
    data = context.user_data.get(KEY) if context.user_data is not None else None
    text = (update.message.text or "").strip() if update.message else ""
    t = translator_for(update, context, await context.person())
    if not isinstance(data, dict) or not text.isdecimal() or int(text) > results.MAX_COUNT:
        await say(update, t.gettext("Type a number from 0 to 1000, or tap a button."), t=t)
        return None
    return await _save(update, context, data["action"], count=int(text))


async def on_typed_text(update: Update, context: WijkContext) -> object:
    """The street or new theme asked for."""
    data = context.user_data.get(KEY) if context.user_data is not None else None
    person = await context.person()
    t = translator_for(update, context, person)
    text = " ".join((update.message.text or "").split()) if update.message else ""
    if not isinstance(data, dict) or person is None:
        return END
    if data.get("typing") == "street":
        if not 2 <= len(text) <= results.STREET_MAX:
            await say(update, t.gettext("Type a street name of 2 to 80 letters."), t=t)
            return None
        data["street"] = text
        return await _show(update, context, data["action"])
    try:
        async with context.atomic() as session:
            await results.add_area_theme(
                session=session,
                coordinator=person,
                area_id=person.area_id,
                name=text,
                now=context.clock.now(),
            )
    except InvalidInput:
        await say(update, t.gettext("Type a theme of 2 to 40 letters."), t=t)
        return None
    except DomainError as exc:
        return await _refuse(update, context, t, exc)
    return await _show(update, context, data["action"])


async def on_signal(update: Update, context: WijkContext, *, action_id: int) -> object:
    """`sg:a:<action>`: the screen closes (what was tapped is saved) and a place signal
    about this action starts (`bot.handlers.signals`)."""
    from bot.handlers.signals import show_start  # signals' conversation takes it from here

    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    await show_start(update, context, action_id=action_id)
    return END


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """`/annuleer` or another command: the screen closes; what was tapped is saved."""
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    return t.gettext("Closed. The results you tapped are saved.")


def conversation() -> ConversationHandler[Any]:
    """The registered results screen."""
    buttons = [
        button(RESULTS_OPEN, on_open),
        button(RESULTS_COUNT, on_count),
        button(RESULTS_THEME, on_theme),
        button(RESULTS_STREET, on_street),
        button(RESULTS_ADD_THEME, on_add_theme),
        button(RESULTS_DONE, on_done),
        button(SIGNAL_START, on_signal),
    ]
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(["opbrengst", "results"], command), *buttons],
        states={
            SCREEN: [*buttons, MessageHandler(text, on_typed_number)],
            TYPING: [*buttons, MessageHandler(text, on_typed_text)],
        },
        fallbacks=[],
        name="results",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add /opbrengst, /results and the results buttons (one registered screen)."""
    add_conversation(application, conversation(), on_exit)
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^res(:|$)"))
