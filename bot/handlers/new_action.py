"""Coordinators plan an action: /nieuweactie, /newaction.

A persistent `ConversationHandler` ("new_action"): the state is a plain string and the
draft lives in `context.user_data["new_action"]` as str/int values, so a restart of the
bot resumes where the coordinator was. Steps: kind, title, area (wijk, then buurt or the
whole wijk), meeting place, date, start, end, volunteers needed, preview.

Callback data (every press is checked again on the server):
- `na:k:<kind>`             kind (doorstep | street_stand | other)
- `na:w:<wijk id>`          open a wijk to choose one of its buurten
- `na:wb`                   back to the list of wijken
- `na:p:<wijk id|0>:<page>` another page of wijken (0) or of a wijk's buurten
- `na:a:<area id>`          the action's area (a buurt, or a whole wijk)
- `na:d:<YYYY-MM-DD>`       the date
- `na:n:<number>`           volunteers needed
- `na:ok` / `na:re` / `na:x` confirm / start over / cancel
The confirmation offers `act:r:<id>` (the roster, handled in `bot.handlers.actions`).

Times are typed on the wall clock of `settings.tz` (Europe/Amsterdam) and stored as aware
UTC; the pure parsers live in `bot.handlers.action_input`. A time skipped by the clock
change in March is told apart from a time that could not be read.

When the chosen start has passed (typed in the past, or the clock moved on before
Confirm), the conversation goes back to the date question if the chosen day is before
today, else to the start-time question; the note mentions /cancel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import WijkContext
from bot.domain import actions
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.tasks import ACTION_KINDS
from bot.handlers.action_input import (
    SkippedTime,
    draft_from_data,
    parse_clock_time,
    parse_needed,
    wall_clock_to_utc,
)
from bot.handlers.common import (
    answer_query,
    callback_id,
    current_person,
    esc,
    parse_callback,
    reply,
    translator_for,
)
from bot.handlers.keyboards import button_rows, keyboard, not_coordinator, paged, say
from bot.i18n import Translator
from bot.views.action import action_summary, kind_label
from storage import areas as area_store
from storage.models import Action, Area, Person

# Conversation states (JSON-serialisable strings, stored by the persistence).
KIND, TITLE, AREA, PLACE, DATE, START, END, NEEDED, CONFIRM = (
    "kind",
    "title",
    "area",
    "place",
    "date",
    "start",
    "end",
    "needed",
    "confirm",
)
DRAFT = "new_action"
DATE_DAYS = 14
NEEDED_CHOICES = (2, 4, 6, 8, 10)
TEXT_STATES = (TITLE, PLACE, START, END)


def _tz(context: WijkContext) -> ZoneInfo:
    return context.services.settings.tz


def _draft(context: WijkContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def _local_today(context: WijkContext) -> dt.date:
    return context.clock.now().astimezone(_tz(context)).date()


# --- area choice ----------------------------------------------------------------------


async def _wijken(session: AsyncSession, home: Area) -> list[Area]:
    """Wijken to choose from: those at or below the coordinator's area."""
    if home.level in ("wijk", "buurt"):
        return []
    ids = await area_store.descendant_ids(session, home.id)
    return [a for a in await area_store.all_areas(session) if a.id in ids and a.level == "wijk"]


async def _area_question(
    session: AsyncSession, t: Translator, person: Person, wijk_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The area question: the wijken (wijk_id 0), or one wijk's buurten plus 'Whole wijk'."""
    home = await session.get(Area, person.area_id)
    assert home is not None
    wijken = await _wijken(session, home)
    if not wijk_id and len(wijken) == 1:
        wijk_id = wijken[0].id
    if home.level == "buurt" or (home.level != "wijk" and not wijken):
        return t.gettext("Where is the action?"), keyboard([[(home.name, f"na:a:{home.id}")]])
    if wijk_id or home.level == "wijk":
        wijk = await session.get(Area, wijk_id or home.id)
        assert wijk is not None
        buttons = [(t.gettext("Whole wijk"), f"na:a:{wijk.id}")] + [
            (b.name, f"na:a:{b.id}") for b in await area_store.children(session, wijk.id)
        ]
        text = t.gettext("Which buurt in {wijk}? Or choose the whole wijk.", wijk=esc(wijk.name))
        back = [(t.gettext("« Other wijk"), "na:wb")] if len(wijken) > 1 else []
        return text, paged(t, buttons, page, f"na:p:{wijk.id}", back)
    buttons = [(w.name, f"na:w:{w.id}") for w in wijken]
    return t.gettext("In which wijk is the action?"), paged(t, buttons, page, "na:p:0", [])


async def _may_choose(session: AsyncSession, person: Person, area_id: int) -> bool:
    return area_id in await area_store.descendant_ids(session, person.area_id)


# --- the questions --------------------------------------------------------------------


async def _question(
    state: str, context: WijkContext, t: Translator, person: Person
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one step's question, from the stored draft."""
    draft = _draft(context)
    if state == KIND:
        buttons = [(kind_label(t, k), f"na:k:{k}") for k in ACTION_KINDS]
        return t.gettext("Let's plan an action. What kind of action is it?"), keyboard(
            button_rows(buttons, 1)
        )
    if state == TITLE:
        return t.gettext("Type a short title for the action."), None
    if state == AREA:
        async with context.atomic() as session:
            return await _area_question(session, t, person, int(draft.get("wijk", 0)), 0)
    if state == PLACE:
        return t.gettext(
            "Where do the volunteers meet? Type an address or a place, "
            "for example: Nieuwmarkt 4, at the door."
        ), None
    if state == DATE:
        today = _local_today(context)
        days = [today + dt.timedelta(days=i) for i in range(DATE_DAYS)]
        buttons = [(t.short_date(d), f"na:d:{d.isoformat()}") for d in days]
        return t.gettext("On which day?"), keyboard(button_rows(buttons, 3))
    if state == START:
        return t.gettext("What time does it start? Type it like 14:00."), None
    if state == END:
        return t.gettext("What time does it end? Type it like 16:00."), None
    if state == NEEDED:
        buttons = [(str(n), f"na:n:{n}") for n in NEEDED_CHOICES]
        return t.gettext(
            "How many volunteers do you need? Tap a number or type one (1 to 500)."
        ), keyboard([buttons])
    return await _preview(context, t)


async def _preview(context: WijkContext, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    draft = draft_from_data(_draft(context), tz=_tz(context), now=context.clock.now())
    async with context.atomic() as session:
        area = await session.get(Area, draft.area_id)
    summary = action_summary(t, draft.to_action(), area.name if area else "?")
    text = t.gettext("Please check the action:") + f"\n\n{summary}\n\n"
    text += t.gettext("Shall I send the call to the volunteers?")
    buttons = [
        [(t.gettext("Confirm"), "na:ok")],
        [(t.gettext("Start over"), "na:re"), (t.gettext("Cancel"), "na:x")],
    ]
    return text, keyboard(buttons)


_FIELD_STATE = {
    "kind": KIND,
    "title": TITLE,
    "area": AREA,
    "meeting_place": PLACE,
    "date": DATE,
    "starts_at": START,
    "ends_at": END,
    "volunteers_needed": NEEDED,
}


def _field_problem(t: Translator, field: str) -> str:
    """A kind explanation of why a stored value is no longer right."""
    if field == "title":
        return t.gettext("The title must be 1 to {n} characters.", n=actions.TITLE_MAX)
    if field == "meeting_place":
        return t.gettext("The meeting place must be 1 to {n} characters.", n=actions.PLACE_MAX)
    if field in ("date", "starts_at"):
        return t.gettext("That moment has already passed. Please choose a later one.")
    if field == "ends_at":
        return t.gettext("The end must be after the start, and at most 12 hours later.")
    return t.gettext("Something is missing. Let's try that step again.")


def _passed_step(date_text: object, today: dt.date) -> str:
    """Where to go when the chosen start has passed: the date question when the chosen day
    is before `today` (local) or unreadable, else the start-time question."""
    try:
        day = dt.date.fromisoformat(str(date_text))
    except ValueError:
        return DATE
    return DATE if day < today else START


def _start_passed(context: WijkContext, t: Translator) -> tuple[str, str]:
    """The step to ask again when the chosen start has passed, with its note."""
    state = _passed_step(_draft(context).get("date"), _local_today(context))
    if state == DATE:
        note = t.gettext("That day has already passed. Please choose another day.")
    else:
        note = _field_problem(t, "starts_at")
    hint = t.gettext("Send /cancel to stop planning.")
    return state, f"{note} {hint}"


def _problem_step(context: WijkContext, t: Translator, field: str) -> tuple[str, str]:
    """The step to ask again for a bad stored value (`InvalidInput.field`), with its note."""
    if field == "starts_at":
        return _start_passed(context, t)
    return _FIELD_STATE.get(field, KIND), _field_problem(t, field)


async def _ask(
    state: str,
    update: Update,
    context: WijkContext,
    t: Translator,
    person: Person,
    note: str | None = None,
) -> str:
    """Ask the question of `state` (with an optional note above it); returns `state`.

    When the preview finds a problem (for example the chosen time passed while the draft
    waited), the step with the problem is asked instead.
    """
    try:
        text, markup = await _question(state, context, t, person)
    except InvalidInput as exc:
        state, note = _problem_step(context, t, exc.field)
        text, markup = await _question(state, context, t, person)
    await say(update, f"{note}\n\n{text}" if note else text, markup)
    return state


# --- conversation steps ---------------------------------------------------------------

#: A draft nobody touched for this long is abandoned; the next message starts afresh.
ABANDONED_AFTER = dt.timedelta(hours=6)


def _abandoned(draft: dict[str, Any], now: dt.datetime) -> bool:
    touched = draft.get("touched")
    if not isinstance(touched, str):
        return False
    try:
        return now - dt.datetime.fromisoformat(touched) > ABANDONED_AFTER
    except ValueError:
        return True


Step = Callable[[Update, WijkContext, Translator, Person], Awaitable[str | None]]


def _step(func: Step) -> Callable[[Update, WijkContext], Awaitable[str | None]]:
    """Wrap a step: look up the person, refuse non-coordinators (ends the conversation)."""

    async def handler(update: Update, context: WijkContext) -> str | None:
        # PTB marks user_data for saving only after all handler groups ran, i.e. after the
        # group-99 flush of bot.app; mark it now so the draft is saved with this update.
        if update.effective_user is not None:
            context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
        person = await current_person(update, context)
        t = translator_for(update, context, person)
        try:
            actions.require_coordinator(person)
        except NotAllowed:
            if update.callback_query is not None:
                await answer_query(update.callback_query, not_coordinator(t))
            else:
                await reply(update, not_coordinator(t))
            context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
            return ConversationHandler.END  # type: ignore[return-value]
        assert person is not None
        draft = context.user_data.get(DRAFT)  # type: ignore[union-attr]
        now = context.clock.now()
        if func is not start and isinstance(draft, dict) and _abandoned(draft, now):
            # Someone who left a draft for hours is not answering its question any more
            # ("Hi, I'm back" must not become a title): start afresh.
            context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
            if update.callback_query is not None:
                await answer_query(update.callback_query)
            await reply(
                update,
                t.gettext(
                    "You started planning an action a while ago and did not finish it. "
                    "Send /newaction to start again."
                ),
            )
            return ConversationHandler.END  # type: ignore[return-value]
        result = await func(update, context, t, person)
        if isinstance(context.user_data.get(DRAFT), dict):  # type: ignore[union-attr]
            context.user_data[DRAFT]["touched"] = now.isoformat()  # type: ignore[index]
        return result

    handler.__doc__ = func.__doc__
    return handler


async def start(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """/nieuweactie, /newaction: a fresh draft, first question."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    return await _ask(KIND, update, context, t, person)


async def on_kind(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:k:<kind>`."""
    parts = parse_callback(update.callback_query.data, "na", 2)  # type: ignore[union-attr]
    if parts is None or parts[1] not in ACTION_KINDS:
        return await _ask(KIND, update, context, t, person)
    _draft(context)["kind"] = parts[1]
    return await _ask(TITLE, update, context, t, person)


async def on_title(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """Typed title (1..120 characters)."""
    title = " ".join(update.effective_message.text.split())  # type: ignore[union-attr]
    if not 1 <= len(title) <= actions.TITLE_MAX:
        return await _ask(TITLE, update, context, t, person, _field_problem(t, "title"))
    _draft(context).update(title=title, wijk=0)
    return await _ask(AREA, update, context, t, person)


async def on_area_nav(
    update: Update, context: WijkContext, t: Translator, person: Person
) -> str | None:
    """`na:w:<wijk>` open a wijk, `na:wb` back to the wijken, `na:p:<wijk|0>:<page>`."""
    data = update.callback_query.data or ""  # type: ignore[union-attr]
    opened, paged = parse_callback(data, "na:w", 1), parse_callback(data, "na:p", 2)
    target = opened or (paged[:1] if paged else None) or ["0"]
    page = (callback_id(paged[1]) if paged else None) or 0
    wijk = callback_id(target[0]) or 0
    async with context.atomic() as session:
        if wijk and not await _may_choose(session, person, wijk):
            await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]
            return None
        _draft(context)["wijk"] = wijk
        text, markup = await _area_question(session, t, person, wijk, page)
    await say(update, text, markup)
    return AREA


async def on_area(
    update: Update, context: WijkContext, t: Translator, person: Person
) -> str | None:
    """`na:a:<area id>`: the action's area; must lie within the coordinator's area."""
    parts = parse_callback(update.callback_query.data, "na:a", 1)  # type: ignore[union-attr]
    area_id = (callback_id(parts[0]) if parts else None) or 0
    async with context.atomic() as session:
        allowed = area_id and await _may_choose(session, person, area_id)
    if not allowed:
        await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]
        return None
    _draft(context)["area_id"] = area_id
    return await _ask(PLACE, update, context, t, person)


async def on_place(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """Typed meeting place (1..200 characters)."""
    place = " ".join(update.effective_message.text.split())  # type: ignore[union-attr]
    if not 1 <= len(place) <= actions.PLACE_MAX:
        return await _ask(PLACE, update, context, t, person, _field_problem(t, "meeting_place"))
    _draft(context)["place"] = place
    return await _ask(DATE, update, context, t, person)


async def on_date(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:d:<YYYY-MM-DD>`, one of the next 14 days."""
    parts = parse_callback(update.callback_query.data, "na:d", 1)  # type: ignore[union-attr]
    today = _local_today(context)
    try:
        day = dt.date.fromisoformat(parts[0]) if parts else None
    except ValueError:
        day = None
    if day is None or not today <= day < today + dt.timedelta(days=DATE_DAYS):
        return await _ask(DATE, update, context, t, person, _field_problem(t, "date"))
    _draft(context)["date"] = day.isoformat()
    return await _ask(START, update, context, t, person)


def _typed_moment(
    update: Update, t: Translator, day: dt.date, tz: ZoneInfo
) -> tuple[dt.time, dt.datetime] | str:
    """The typed clock time and its aware UTC moment on `day` (wall clock `tz`), or the note
    that explains why it cannot be used (not a time; skipped by the spring clock change)."""
    time = parse_clock_time(update.effective_message.text or "")  # type: ignore[union-attr]
    if time is None:
        return _bad_time(t)
    try:
        return time, wall_clock_to_utc(day, time, tz)
    except SkippedTime:
        return _skipped_time(t)
    except ValueError:
        return _bad_time(t)


async def on_start_time(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """Typed start time on the chosen day; must be in the future."""
    draft, tz = _draft(context), _tz(context)
    if (gap := _earlier_gap(draft, START)) is not None:
        return await _ask(gap, update, context, t, person)
    typed = _typed_moment(update, t, dt.date.fromisoformat(draft["date"]), tz)
    if isinstance(typed, str):
        return await _ask(START, update, context, t, person, typed)
    time, starts_at = typed
    if starts_at <= context.clock.now():
        state, note = _start_passed(context, t)
        return await _ask(state, update, context, t, person, note)
    draft["start"] = time.strftime("%H:%M")
    return await _ask(END, update, context, t, person)


async def on_end_time(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """Typed end time: after the start, the same day, at most 12 hours later."""
    draft, tz = _draft(context), _tz(context)
    if (gap := _earlier_gap(draft, END)) is not None:
        return await _ask(gap, update, context, t, person)
    day, start = dt.date.fromisoformat(draft["date"]), parse_clock_time(draft["start"])
    assert start is not None
    typed = _typed_moment(update, t, day, tz)
    if isinstance(typed, str):
        return await _ask(END, update, context, t, person, typed)
    time, ends_at = typed
    starts_at = wall_clock_to_utc(day, start, tz)  # stored by the start step: it exists
    if not starts_at < ends_at <= starts_at + actions.LONGEST_ACTION:
        note = t.gettext(
            "The end must be after the start ({start}), on the same day.", start=draft["start"]
        )
        if ends_at > starts_at:
            note = t.gettext("An action can last at most 12 hours.")
        return await _ask(END, update, context, t, person, note)
    draft["end"] = time.strftime("%H:%M")
    return await _ask(NEEDED, update, context, t, person)


_STEP_KEYS = (
    (KIND, "kind"),
    (TITLE, "title"),
    (AREA, "area_id"),
    (PLACE, "place"),
    (DATE, "date"),
    (START, "start"),
    (END, "end"),
    (NEEDED, "needed"),
)


def _earlier_gap(draft: dict[str, Any], state: str) -> str | None:
    """The first step before `state` whose answer is missing from the draft, or None.

    Normally None; a draft can only lose values if user_data was removed by other means
    while the conversation state was kept.
    """
    for step, key in _STEP_KEYS:
        if step == state:
            return None
        if draft.get(key) in (None, ""):
            return step
    return None


def _bad_time(t: Translator) -> str:
    return t.gettext("I did not understand that time. Please type it like 14:00.")


def _skipped_time(t: Translator) -> str:
    return t.gettext(
        "That time does not exist that night: the clocks go forward one hour. "
        "Please type another time."
    )


async def on_needed(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:n:<number>` or a typed number 1..500; then the preview."""
    if update.callback_query is not None:
        parts = parse_callback(update.callback_query.data, "na:n", 1)
        needed = parse_needed(parts[0]) if parts else None
    else:
        needed = parse_needed(update.effective_message.text or "")  # type: ignore[union-attr]
    if needed is None:
        note = t.gettext("Please type a number from 1 to 500.")
        return await _ask(NEEDED, update, context, t, person, note)
    _draft(context)["needed"] = needed
    return await _ask(CONFIRM, update, context, t, person)


async def on_confirm(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:ok`: create the action and queue its call; tell how many are called now/later."""
    settings = context.services.settings
    try:
        draft = draft_from_data(_draft(context), tz=settings.tz, now=context.clock.now())
        async with context.atomic() as session:
            action, plan = await actions.create_action(
                session=session,
                coordinator=person,
                draft=draft,
                now=context.clock.now(),
                tz=settings.tz,
                second_wave_delay=dt.timedelta(seconds=settings.call_second_wave_delay_seconds),
            )
            area = await session.get(Area, action.area_id)
    except InvalidInput:
        return await _ask(CONFIRM, update, context, t, person)
    except NotAllowed:
        await say(update, not_coordinator(t))
        context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        return ConversationHandler.END  # type: ignore[return-value]
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    summary = action_summary(t, action, area.name if area else "?")
    text = f"{_created_text(t, action, plan)}\n\n{summary}"
    await say(update, text, _roster_button(t, action.id))
    return ConversationHandler.END  # type: ignore[return-value]


def _created_text(t: Translator, action: Action, plan: actions.CallPlan) -> str:
    lines = [t.gettext("Done! The action {title} is planned.", title=f"<b>{esc(action.title)}</b>")]
    if plan.first_wave + plan.second_wave == 0:
        lines.append(t.gettext("There are no volunteers in this area yet, so nobody is called."))
    else:
        lines.append(
            t.ngettext(
                "{n} volunteer gets the call now.",
                "{n} volunteers get the call now.",
                plan.first_wave,
            )
        )
    if plan.second_wave:
        lines.append(
            t.ngettext(
                "{n} more volunteer gets it later, if there are still places.",
                "{n} more volunteers get it later, if there are still places.",
                plan.second_wave,
            )
        )
    return "\n".join(lines)


def _roster_button(t: Translator, action_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(t.gettext("Who is coming?"), f"act:r:{action_id}")]])


async def on_restart(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:re`: throw the draft away and begin again."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    return await _ask(KIND, update, context, t, person)


async def on_cancel(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """/annuleer, /cancel or `na:x`: leave the conversation; nothing is saved."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await say(update, t.gettext("OK, stopped. Nothing was saved."))
    return ConversationHandler.END  # type: ignore[return-value]


def _wrong_input(state: str) -> Step:
    """Free text where a button is expected, or a button where text is expected."""

    async def hint(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
        if update.callback_query is not None:
            if state in TEXT_STATES:
                note = t.gettext("Please type your answer.")
            else:
                note = t.gettext("That button belongs to an earlier question.")
            await answer_query(update.callback_query, note)
            text, markup = await _question(state, context, t, person)
            await reply(update, text, markup)
            return state
        if state in TEXT_STATES:
            note = t.gettext("Please type your answer as text.")
        else:
            note = t.gettext("Please tap one of the buttons.")
        return await _ask(state, update, context, t, person, note)

    return hint


async def stale_button(update: Update, context: WijkContext) -> None:
    """A `na:` button pressed outside the conversation (finished or cancelled)."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]


def new_action_conversation() -> ConversationHandler[WijkContext]:
    """The persistent conversation for planning an action (see the module docstring)."""

    def cb(func: Step, pattern: str) -> CallbackQueryHandler[WijkContext, Any]:
        return CallbackQueryHandler(_step(func), pattern=pattern)

    text = filters.TEXT & ~filters.COMMAND

    def with_hints(state: str, *handlers: Any) -> list[Any]:
        hint = _step(_wrong_input(state))
        return [
            *handlers,
            CallbackQueryHandler(hint, pattern=r"^na:"),
            MessageHandler(~filters.COMMAND, hint),
        ]

    return ConversationHandler(
        entry_points=[CommandHandler(["nieuweactie", "newaction"], _step(start))],
        states={
            KIND: with_hints(KIND, cb(on_kind, r"^na:k:")),
            TITLE: with_hints(TITLE, MessageHandler(text, _step(on_title))),
            AREA: with_hints(
                AREA, cb(on_area, r"^na:a:"), cb(on_area_nav, r"^na:(w:\d+|wb|p:\d+:\d+)$")
            ),
            PLACE: with_hints(PLACE, MessageHandler(text, _step(on_place))),
            DATE: with_hints(DATE, cb(on_date, r"^na:d:")),
            START: with_hints(START, MessageHandler(text, _step(on_start_time))),
            END: with_hints(END, MessageHandler(text, _step(on_end_time))),
            NEEDED: with_hints(
                NEEDED, cb(on_needed, r"^na:n:"), MessageHandler(text, _step(on_needed))
            ),
            CONFIRM: with_hints(
                CONFIRM,
                cb(on_confirm, r"^na:ok$"),
                cb(on_restart, r"^na:re$"),
                cb(on_cancel, r"^na:x$"),
            ),
        },
        fallbacks=[CommandHandler(["annuleer", "cancel"], _step(on_cancel))],
        allow_reentry=True,
        name="new_action",
        persistent=True,
        per_user=True,
        per_chat=True,
    )


def register(application: Any) -> None:
    """Add the planning conversation and the answer to its stale buttons (group 0)."""
    application.add_handler(new_action_conversation())
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^na:"))
