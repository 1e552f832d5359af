"""The steps of the "new_action" conversation, one function per state: each answer is
checked, stored in the draft, and the next question asked (`questions._ask`). Confirm calls
one domain flow (`actions.create_action`); the handlers never query themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import WijkContext
from bot.delivery.calls import queue_action_call
from bot.domain import actions, areas
from bot.domain.errors import InvalidInput, NotAllowed
from bot.handlers.action_input import (
    SkippedTime,
    draft_from_data,
    parse_clock_time,
    parse_needed,
    wall_clock_to_utc,
)
from bot.handlers.common import (
    answer_query,
    current_person,
    reply,
    send_later,
    stale_text,
    translator_for,
)
from bot.handlers.keyboards import not_coordinator, say
from bot.handlers.new_action.checks import complete, duplicate_question
from bot.handlers.new_action.questions import (
    AREA,
    CONFIRM,
    DATE,
    DATE_DAYS,
    DRAFT,
    END,
    KIND,
    NEEDED,
    PLACE,
    START,
    TEXT_STATES,
    TITLE,
    _area_question,
    _ask,
    _bad_time,
    _created_text,
    _draft,
    _earlier_gap,
    _field_problem,
    _local_today,
    _may_choose,
    _question,
    _roster_button,
    _skipped_time,
    _start_passed,
    _tz,
)
from bot.i18n import Translator
from bot.views.action import action_summary

if TYPE_CHECKING:
    from storage.models import Person


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


Step = Callable[..., Awaitable[str | None]]
"""`step(update, context, t, person, **fields)`; `fields` are the decoded button data."""


def _step(func: Step) -> Callable[..., Awaitable[str | None]]:
    """Wrap a step: look up the person, refuse non-coordinators (ends the conversation)."""

    async def handler(update: Update, context: WijkContext, **fields: Any) -> str | None:
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
        result = await func(update, context, t, person, **fields)
        if isinstance(context.user_data.get(DRAFT), dict):  # type: ignore[union-attr]
            context.user_data[DRAFT]["touched"] = now.isoformat()  # type: ignore[index]
        return result

    handler.__doc__ = func.__doc__
    return handler


async def start(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """/nieuweactie, /newaction: a fresh draft, first question."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    return await _ask(KIND, update, context, t, person)


async def on_kind(
    update: Update, context: WijkContext, t: Translator, person: Person, *, kind: str
) -> str:
    """`na:k:<kind>` (only the known kinds decode)."""
    _draft(context)["kind"] = kind
    return await _ask(TITLE, update, context, t, person)


async def on_title(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """Typed title (1..120 characters)."""
    title = " ".join(update.effective_message.text.split())  # type: ignore[union-attr]
    if not 1 <= len(title) <= actions.TITLE_MAX:
        return await _ask(TITLE, update, context, t, person, _field_problem(t, "title"))
    _draft(context).update(title=title, wijk=0)
    return await _ask(AREA, update, context, t, person)


async def _area_page(
    update: Update, context: WijkContext, t: Translator, person: Person, wijk: int, page: int
) -> str | None:
    tree = await areas.tree(context.session)
    if wijk and not _may_choose(tree, person, wijk):
        await answer_query(update.callback_query, stale_text(t))  # type: ignore[arg-type]
        return None
    _draft(context)["wijk"] = wijk
    text, markup = _area_question(tree, t, person, wijk, page)
    await say(update, text, markup)
    return AREA


async def on_wijk(
    update: Update, context: WijkContext, t: Translator, person: Person, *, wijk_id: int
) -> str | None:
    """`na:w:<wijk>`: open a wijk (within the coordinator's area) to choose a buurt."""
    return await _area_page(update, context, t, person, wijk_id, 0)


async def on_wijken(
    update: Update, context: WijkContext, t: Translator, person: Person
) -> str | None:
    """`na:wb`: back to the list of wijken."""
    return await _area_page(update, context, t, person, 0, 0)


async def on_page(
    update: Update, context: WijkContext, t: Translator, person: Person, *, wijk_id: int, page: int
) -> str | None:
    """`na:p:<wijk|0>:<page>`: another page of a wijk's buurten (or of the wijken)."""
    return await _area_page(update, context, t, person, wijk_id, page)


async def on_area(
    update: Update, context: WijkContext, t: Translator, person: Person, *, area_id: int
) -> str | None:
    """`na:a:<area id>`: the action's area; must lie within the coordinator's area."""
    tree = await areas.tree(context.session)
    if not _may_choose(tree, person, area_id):
        await answer_query(update.callback_query, stale_text(t))  # type: ignore[arg-type]
        return None
    _draft(context)["area_id"] = area_id
    if complete(_draft(context)):  # a wider area chosen on the preview: back to it
        return await _ask(CONFIRM, update, context, t, person)
    return await _ask(PLACE, update, context, t, person)


async def on_place(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """Typed meeting place (1..200 characters)."""
    place = " ".join(update.effective_message.text.split())  # type: ignore[union-attr]
    if not 1 <= len(place) <= actions.PLACE_MAX:
        return await _ask(PLACE, update, context, t, person, _field_problem(t, "meeting_place"))
    _draft(context)["place"] = place
    if complete(_draft(context)):  # "Here too": everything else is filled in
        return await _ask(CONFIRM, update, context, t, person)
    return await _ask(DATE, update, context, t, person)


async def on_date(
    update: Update, context: WijkContext, t: Translator, person: Person, *, day: str
) -> str:
    """`na:d:<YYYY-MM-DD>`, one of the next 14 days."""
    today = _local_today(context)
    try:
        chosen: dt.date | None = dt.date.fromisoformat(day)
    except ValueError:
        chosen = None
    if chosen is None or not today <= chosen < today + dt.timedelta(days=DATE_DAYS):
        return await _ask(DATE, update, context, t, person, _field_problem(t, "date"))
    _draft(context)["date"] = chosen.isoformat()
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
    # a copy ("Once more") keeps its number of places: straight to the preview
    copied = draft.get("copied") and complete(draft)
    return await _ask(CONFIRM if copied else NEEDED, update, context, t, person)


async def on_needed_button(
    update: Update, context: WijkContext, t: Translator, person: Person, *, needed: int
) -> str:
    """`na:n:<number>` (1..500); then the preview."""
    _draft(context)["needed"] = needed
    return await _ask(CONFIRM, update, context, t, person)


async def on_needed(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """A typed number 1..500; then the preview."""
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
        if await duplicate_question(update, context, t, draft):
            return CONFIRM  # "There is already ... anyway?" (issue 7 item 10)
        async with context.atomic() as session:
            action, plan = await actions.create_action(
                session=session,
                coordinator=person,
                draft=draft,
                now=context.clock.now(),
                tz=settings.tz,
                second_wave_delay=dt.timedelta(seconds=settings.call_second_wave_delay_seconds),
                queue=False,  # planned here; written in short chunks after the commit
            )
            area_name = (await areas.tree(session)).name(action.area_id)
    except InvalidInput:
        return await _ask(CONFIRM, update, context, t, person)
    except NotAllowed:
        await say(update, not_coordinator(t))
        context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        return ConversationHandler.END  # type: ignore[return-value]
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    summary = action_summary(t, action, area_name)
    text = f"{_created_text(t, action, plan, context.clock.now())}\n\n{summary}"
    await say(update, text, _roster_button(t, action.id))
    # The call's outbox rows are written after this update's commit, each chunk in its own
    # short transaction, so a call to 10,000 volunteers never holds SQLite's write lock
    # while other people's updates wait (issue 7 item 4, issue 11).
    action_id, now = action.id, context.clock.now()
    await send_later(
        lambda: queue_action_call(
            db=context.db,
            action_id=action_id,
            now=now,
            tz=settings.tz,
            second_wave_delay=dt.timedelta(seconds=settings.call_second_wave_delay_seconds),
        )
    )
    return ConversationHandler.END  # type: ignore[return-value]


async def on_restart(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:re`: throw the draft away and begin again."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    return await _ask(KIND, update, context, t, person)


def _stopped_text(t: Translator) -> str:
    return t.gettext("OK, stopped. Nothing was saved.")


async def on_cancel(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:x` (Cancel on the preview): leave the conversation; nothing is saved."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await say(update, _stopped_text(t))
    return ConversationHandler.END  # type: ignore[return-value]


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer, /cancel or another command ends planning (`bot.handlers.conversations`):
    the draft is thrown away."""
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    return _stopped_text(t)


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
