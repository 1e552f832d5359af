"""Coordinators change a planned action from its roster: "Wijzigen" (issue 7 item 1).

A persistent `ConversationHandler` ("action_edit"). The screen shows the action with the
changes so far; nothing is stored until "Save changes", so several changes (time and
place) make ONE message to the volunteers. The scratch values live in
`context.user_data["action_edit"]` as str/int values (JSON, persisted):
`id`, `title`, `place`, `starts`/`ends` (ISO, aware UTC), `needed`, and while the time is
being typed `day` (YYYY-MM-DD) and `start` (HH:MM).

Buttons (`bot.callbacks`): entry `act:e:<id>`; `ae:f:<t|p|d|n>` what to change;
`ae:d:<day>` the new day; `ae:n:<number>` places; `ae:ok` save (`bot.handlers.
action_edit_save`, with the chooser of who moves to the waiting list when the places go
below the number coming: `ae:w`, `ae:wp`, `ae:wok`, `ae:wb`, state PICK); `ae:x` stop. Every press
is checked on the server: only coordinators of the action's area (a forged id from another
area gets the stale answer), only while the action is open and has not started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.callbacks import (
    ED_CANCEL,
    ED_DATE,
    ED_FIELD,
    ED_MOVE,
    ED_NEEDED,
    ED_PICK,
    ED_PICK_BACK,
    ED_PICK_PAGE,
    ED_SAVE,
    EDIT,
)
from bot.context import WijkContext
from bot.domain import action_changes, actions, areas
from bot.domain.errors import ActionCancelled, ActionStarted, NotAllowed, NotFound
from bot.handlers.action_input import SkippedTime, parse_clock_time, parse_needed
from bot.handlers.action_input import wall_clock_to_utc as to_utc
from bot.handlers.common import answer_query, button, stale_button, stale_text, translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import button_rows, keyboard, not_coordinator, say
from bot.i18n import Translator
from bot.views.action_edit import edit_screen

if TYPE_CHECKING:
    from storage.models import Action

MENU, TITLE, PLACE, DATE, START, END, NEEDED, PICK = (
    "menu",
    "title",
    "place",
    "date",
    "start",
    "end",
    "needed",
    "pick",
)
SCRATCH = "action_edit"
DATE_DAYS = 14
NEEDED_CHOICES = (2, 4, 6, 8, 10)
TEXT_STATES = (TITLE, PLACE, START, END)


def _scratch(context: WijkContext) -> dict[str, Any]:
    return context.user_data.setdefault(SCRATCH, {})  # type: ignore[union-attr]


def _refusal(t: Translator, exc: Exception) -> str:
    if isinstance(exc, NotAllowed):
        return not_coordinator(t)
    if isinstance(exc, ActionCancelled):
        return t.gettext("This action was already cancelled.")
    if isinstance(exc, ActionStarted):
        return t.gettext("This action has already started, so it can no longer be changed.")
    return stale_text(t)


async def _refuse(update: Update, context: WijkContext, t: Translator, exc: Exception) -> str:
    context.user_data.pop(SCRATCH, None)  # type: ignore[union-attr]
    if update.callback_query is not None:
        await answer_query(update.callback_query, _refusal(t, exc), alert=True)
    else:
        await say(update, _refusal(t, exc), t=t)
    return ConversationHandler.END  # type: ignore[return-value]


async def _checked(update: Update, context: WijkContext, action_id: int) -> Action:
    """The action, when this person may edit it now (raises the domain's refusals)."""
    return await action_changes.managed_editable(
        session=context.session,
        coordinator=actions.require_coordinator(await context.person()),
        action_id=action_id,
        now=context.clock.now(),
    )


def _edit(scratch: dict[str, Any]) -> action_changes.ActionEdit:
    """The scratch values as an `ActionEdit` (every field set)."""
    return action_changes.ActionEdit(
        title=scratch["title"],
        meeting_place=scratch["place"],
        starts_at=dt.datetime.fromisoformat(scratch["starts"]),
        ends_at=dt.datetime.fromisoformat(scratch["ends"]),
        volunteers_needed=int(scratch["needed"]),
    )


async def _menu(
    update: Update, context: WijkContext, t: Translator, note: str | None = None
) -> str:
    """Show the edit screen (the action with the unsaved changes); returns MENU."""
    scratch = _scratch(context)
    action = await _checked(update, context, int(scratch["id"]))
    preview, changed = action_changes.preview(action, _edit(scratch))
    area_name = (await areas.tree(context.session)).name(action.area_id)
    await say(update, *edit_screen(t, preview, area_name, changed, note), t=t)
    return MENU


Step = Callable[..., Awaitable[str | None]]


def _step(func: Step) -> Callable[..., Awaitable[str | None]]:
    """Wrap a step: translator, and every refusal (role, area, cancelled, started) ends it."""

    async def handler(update: Update, context: WijkContext, **fields: Any) -> str | None:
        if update.effective_user is not None:
            context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
        t = translator_for(update, context, await context.person())
        if func is not start and "id" not in _scratch(context):  # scratch lost: start again
            return await _refuse(update, context, t, NotFound())
        try:
            return await func(update, context, t, **fields)
        except (NotAllowed, NotFound, ActionCancelled, ActionStarted) as exc:
            return await _refuse(update, context, t, exc)

    handler.__doc__ = func.__doc__
    return handler


async def start(update: Update, context: WijkContext, t: Translator, *, action_id: int) -> str:
    """`act:e:<id>`: open the edit screen with the action's current values."""
    action = await _checked(update, context, action_id)
    context.user_data[SCRATCH] = {  # type: ignore[index]
        "id": action.id,
        "title": action.title,
        "place": action.meeting_place,
        "starts": action.starts_at.isoformat(),
        "ends": action.ends_at.isoformat(),
        "needed": action.volunteers_needed,
    }
    return await _menu(update, context, t)


async def on_field(update: Update, context: WijkContext, t: Translator, *, field: str) -> str:
    """`ae:f:<t|p|d|n>`: ask for the new value."""
    await _checked(update, context, int(_scratch(context)["id"]))
    if field == "title":
        await say(update, t.gettext("Type the new title."), t=t)
        return TITLE
    if field == "place":
        await say(update, t.gettext("Type the new meeting place."), t=t)
        return PLACE
    if field == "date":
        return await _ask_date(update, context, t)
    buttons = [(str(n), ED_NEEDED.encode(needed=n)) for n in NEEDED_CHOICES]
    text = t.gettext("How many volunteers do you need? Tap a number or type one (1 to 500).")
    await say(update, text, keyboard([buttons]), t=t)
    return NEEDED


async def _ask_date(update: Update, context: WijkContext, t: Translator) -> str:
    today = context.clock.now().astimezone(context.services.settings.tz).date()
    days = [today + dt.timedelta(days=i) for i in range(DATE_DAYS)]
    buttons = [(t.short_date(d), ED_DATE.encode(day=d.isoformat())) for d in days]
    await say(update, t.gettext("On which day?"), keyboard(button_rows(buttons, 3)), t=t)
    return DATE


async def on_title(update: Update, context: WijkContext, t: Translator) -> str:
    """The typed new title (1..120 characters)."""
    title = " ".join((update.effective_message.text or "").split())  # type: ignore[union-attr]
    if not 1 <= len(title) <= actions.TITLE_MAX:
        note = t.gettext("The title must be 1 to {n} characters.", n=actions.TITLE_MAX)
        await say(update, note, t=t)
        return TITLE
    _scratch(context)["title"] = title
    return await _menu(update, context, t)


async def on_place(update: Update, context: WijkContext, t: Translator) -> str:
    """The typed new meeting place (1..200 characters)."""
    place = " ".join((update.effective_message.text or "").split())  # type: ignore[union-attr]
    if not 1 <= len(place) <= actions.PLACE_MAX:
        note = t.gettext("The meeting place must be 1 to {n} characters.", n=actions.PLACE_MAX)
        await say(update, note, t=t)
        return PLACE
    _scratch(context)["place"] = place
    return await _menu(update, context, t)


async def on_date(update: Update, context: WijkContext, t: Translator, *, day: str) -> str:
    """`ae:d:<YYYY-MM-DD>`: one of the next 14 days; then the start time."""
    today = context.clock.now().astimezone(context.services.settings.tz).date()
    try:
        chosen = dt.date.fromisoformat(day)
    except ValueError:
        chosen = today - dt.timedelta(days=1)
    if not today <= chosen < today + dt.timedelta(days=DATE_DAYS):
        await answer_query(update.callback_query, stale_text(t))  # type: ignore[arg-type]
        return DATE
    _scratch(context)["day"] = chosen.isoformat()
    await say(update, t.gettext("What time does it start? Type it like 14:00."), t=t)
    return START


def _typed(update: Update, context: WijkContext, t: Translator) -> dt.datetime | str:
    """The typed time on the chosen day as aware UTC, or the note saying what is wrong."""
    time = parse_clock_time(update.effective_message.text or "")  # type: ignore[union-attr]
    if time is None:
        return t.gettext("I did not understand that time. Please type it like 14:00.")
    day = dt.date.fromisoformat(_scratch(context)["day"])
    try:
        return to_utc(day, time, context.services.settings.tz)
    except SkippedTime:
        return t.gettext(
            "That time does not exist that night: the clocks go forward one hour. "
            "Please type another time."
        )


async def on_start(update: Update, context: WijkContext, t: Translator) -> str:
    """The typed new start time; must be in the future."""
    typed = _typed(update, context, t)
    if isinstance(typed, dt.datetime) and typed <= context.clock.now():
        typed = t.gettext("That moment has already passed. Please choose a later one.")
    if isinstance(typed, str):
        await say(update, typed, t=t)
        return START
    _scratch(context)["start"] = typed.isoformat()
    await say(update, t.gettext("What time does it end? Type it like 16:00."), t=t)
    return END


async def on_end(update: Update, context: WijkContext, t: Translator) -> str:
    """The typed new end time: after the start, at most 12 hours later; back to the menu."""
    scratch = _scratch(context)
    typed = _typed(update, context, t)
    starts = dt.datetime.fromisoformat(scratch["start"])
    if isinstance(typed, dt.datetime) and not starts < typed <= starts + actions.LONGEST_ACTION:
        typed = t.gettext("The end must be after the start, and at most 12 hours later.")
    if isinstance(typed, str):
        await say(update, typed, t=t)
        return END
    scratch["starts"], scratch["ends"] = scratch.pop("start"), typed.isoformat()
    scratch.pop("day", None)
    return await _menu(update, context, t)


async def _set_needed(update: Update, context: WijkContext, t: Translator, needed: int) -> str:
    _scratch(context)["needed"] = needed
    return await _menu(update, context, t)


async def on_needed_button(
    update: Update, context: WijkContext, t: Translator, *, needed: int
) -> str:
    """`ae:n:<number>` (1..500)."""
    return await _set_needed(update, context, t, needed)


async def on_needed(update: Update, context: WijkContext, t: Translator) -> str:
    """A typed number of places (1..500)."""
    needed = parse_needed(update.effective_message.text or "")  # type: ignore[union-attr]
    if needed is None:
        await say(update, t.gettext("Please type a number from 1 to 500."), t=t)
        return NEEDED
    return await _set_needed(update, context, t, needed)


def _stopped(t: Translator) -> str:
    return t.gettext("OK, stopped. The action stays as it was.")


async def on_cancel(update: Update, context: WijkContext, t: Translator) -> str:
    """`ae:x`: leave without saving."""
    context.user_data.pop(SCRATCH, None)  # type: ignore[union-attr]
    await say(update, _stopped(t), t=t)
    return ConversationHandler.END  # type: ignore[return-value]


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer, /cancel or another command: nothing is saved."""
    context.user_data.pop(SCRATCH, None)  # type: ignore[union-attr]
    return _stopped(t)


def _hint(state: str) -> Step:
    """Free text where a button is expected, or a button where text is expected."""

    async def hint(update: Update, context: WijkContext, t: Translator) -> str:
        if state in TEXT_STATES:
            note = t.gettext("Please type your answer as text.")
        else:
            note = t.gettext("Please tap one of the buttons.")
        if update.callback_query is not None:
            await answer_query(update.callback_query, note)
        else:
            await say(update, note, t=t)
        return state

    return hint


def action_edit_conversation() -> ConversationHandler[WijkContext]:
    """The persistent conversation for changing an action (see the module docstring)."""
    from bot.handlers import action_edit_save as save  # it builds on this module

    text = filters.TEXT & ~filters.COMMAND

    def with_hints(state: str, *handlers: Any) -> list[Any]:
        hint = _step(_hint(state))
        return [
            *handlers,
            button(ED_CANCEL, _step(on_cancel)),
            CallbackQueryHandler(hint, pattern=r"^ae:"),
            MessageHandler(~filters.COMMAND, hint),
        ]

    return ConversationHandler(
        entry_points=[button(EDIT, _step(start))],
        states={
            MENU: with_hints(
                MENU, button(ED_FIELD, _step(on_field)), button(ED_SAVE, _step(save.on_save))
            ),
            TITLE: with_hints(TITLE, MessageHandler(text, _step(on_title))),
            PLACE: with_hints(PLACE, MessageHandler(text, _step(on_place))),
            DATE: with_hints(DATE, button(ED_DATE, _step(on_date))),
            START: with_hints(START, MessageHandler(text, _step(on_start))),
            END: with_hints(END, MessageHandler(text, _step(on_end))),
            NEEDED: with_hints(
                NEEDED,
                button(ED_NEEDED, _step(on_needed_button)),
                MessageHandler(text, _step(on_needed)),
            ),
            PICK: with_hints(
                PICK,
                button(ED_PICK, _step(save.on_pick)),
                button(ED_PICK_PAGE, _step(save.on_pick_page)),
                button(ED_MOVE, _step(save.on_move)),
                button(ED_PICK_BACK, _step(save.on_pick_back)),
            ),
        },
        fallbacks=[],
        allow_reentry=True,
        name="action_edit",
        persistent=True,
        per_user=True,
        per_chat=True,
    )


def register(application: Any) -> None:
    """Add the edit conversation and the answer to its stale buttons (group 0)."""
    add_conversation(application, action_edit_conversation(), on_exit)
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^ae:"))  # finished
