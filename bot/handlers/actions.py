"""Coordinators: list their actions (/acties), see the roster, cancel an action.

Planning a new action (/nieuweactie) is the conversation in `bot.handlers.new_action`.

Callback data (every press is checked again on the server):
- `act:r:<id>`  roster (also "Refresh"), `act:c:<id>` ask to cancel,
  `act:cc:<id>` cancel for real.

An action can be cancelled only before it starts: from then on the roster shows no
"Cancel action" button, and an old cancel button gets a polite answer. A coordinator
pressing a button of an action outside their area is told so (not "only coordinators").
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import WijkContext
from bot.domain import actions
from bot.domain.errors import ActionCancelled, ActionStarted, NotAllowed, NotFound
from bot.handlers import calendar_files
from bot.handlers.common import (
    answer_query,
    callback_id,
    current_person,
    esc,
    parse_callback,
    reply,
    translator_for,
)
from bot.handlers.keyboards import keyboard, not_coordinator, say
from bot.i18n import Translator
from bot.views.action import action_summary
from storage.models import Action, Person


async def list_actions(update: Update, context: WijkContext) -> None:
    """/acties, /actions: the coordinator's upcoming actions as buttons."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await actions.upcoming_actions(
                session=session,
                coordinator=person,
                now=context.clock.now(),  # type: ignore[arg-type]
            )
    except NotAllowed:
        await reply(update, _not_allowed_text(t, person))
        return
    if not found:
        await reply(update, t.gettext("No upcoming actions. Plan one with /newaction."))
        return
    buttons = [[(_action_label(t, a), f"act:r:{a.id}")] for a in found]
    await reply(
        update,
        t.gettext("Your upcoming actions. Tap one to see who is coming."),
        keyboard(buttons),
    )


def _action_label(t: Translator, action: Action) -> str:
    """Button text: 'Sat 5 Dec 14:00 · Title' (plain text, title cut to 40 characters)."""
    title = action.title if len(action.title) <= 40 else action.title[:39] + "…"
    day = t.short_date(action.starts_at.astimezone(t.tz).date())
    return f"{day} {t.time(action.starts_at)} · {title}"


async def _managed(
    update: Update, context: WijkContext, prefix: str
) -> tuple[Translator, Person, int] | None:
    """Answer forged/stale presses politely; else (translator, coordinator, action id)."""
    query = update.callback_query
    assert query is not None
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    parts = parse_callback(query.data, prefix, 1)
    if person is None or person.role != "coordinator":
        await answer_query(query, not_coordinator(t))
        return None
    action_id = callback_id(parts[0]) if parts else None
    if action_id is None:
        await answer_query(query, t.gettext("This button no longer works."))
        return None
    return t, person, action_id


def _is_coordinator(person: Person | None) -> bool:
    try:
        actions.require_coordinator(person)
    except NotAllowed:
        return False
    return True


def _not_allowed_text(t: Translator, person: Person | None) -> str:
    """Why `NotAllowed`: the domain raises it for a wrong role and for another area alike."""
    if _is_coordinator(person):
        return t.gettext("This action is not in your area.")
    return not_coordinator(t)


async def _refuse(update: Update, t: Translator, person: Person, exc: Exception) -> None:
    text = (
        _not_allowed_text(t, person)
        if isinstance(exc, NotAllowed)
        else t.gettext("This button no longer works.")
    )
    await answer_query(update.callback_query, text)  # type: ignore[arg-type]


def _started_text(t: Translator) -> str:
    return t.gettext("This action has already started, so it can no longer be cancelled.")


async def show_roster(update: Update, context: WijkContext) -> None:
    """`act:r:<id>`: summary, places filled, names per group, delivery of the call."""
    checked = await _managed(update, context, "act:r")
    if checked is None:
        return
    t, person, action_id = checked
    try:
        async with context.atomic() as session:
            result = await actions.roster(session=session, coordinator=person, action_id=action_id)
    except (NotAllowed, NotFound) as exc:
        await _refuse(update, t, person, exc)
        return
    buttons = [[(t.gettext("Refresh"), f"act:r:{action_id}")]]
    if result.action.status == "open" and result.action.starts_at > context.clock.now():
        buttons.append([(t.gettext("Cancel action"), f"act:c:{action_id}")])
    await say(update, roster_text(t, result), keyboard(buttons))


def roster_text(t: Translator, result: actions.Roster) -> str:
    """The roster as Telegram HTML: summary, places, groups of names, call delivery."""
    action = result.action
    lines = [action_summary(t, action, result.area_name), ""]
    if action.status == "cancelled":
        lines += [t.gettext("This action has been cancelled."), ""]
    lines.append(
        t.gettext(
            "{confirmed} of {needed} places filled",
            confirmed=action.confirmed_count,
            needed=action.volunteers_needed,
        )
    )
    for label, names in (
        (t.gettext("Coming"), result.confirmed),
        (t.gettext("Waiting list"), result.waitlisted),
        (t.gettext("Maybe"), result.maybe),
        (t.gettext("Not coming"), result.declined),
    ):
        shown = ", ".join(esc(n) for n in names) if names else "–"
        lines.append(f"<b>{esc(label)}</b> ({len(names)}): {shown}")
    if result.came is not None and result.absent is not None:
        came_label, absent_label = t.gettext("Came"), t.gettext("Did not come")
        came = ", ".join(esc(n) for n in result.came) or "–"
        lines.append(f"<b>{esc(came_label)}</b> ({len(result.came)}): {came}")
        if result.absent:
            absent = ", ".join(esc(n) for n in result.absent)
            lines.append(f"<b>{esc(absent_label)}</b> ({len(result.absent)}): {absent}")
    d = result.delivery
    lines += [
        "",
        t.ngettext("Called: {n} volunteer", "Called: {n} volunteers", result.called),
        t.gettext(
            "Delivered: {sent} · still to send: {waiting} · not needed any more: {dropped}"
            " · blocked the bot: {blocked} · failed: {failed}",
            sent=d.get("sent", 0),
            waiting=d.get("pending", 0),
            dropped=d.get("expired", 0) + d.get("cancelled", 0),
            blocked=d.get("blocked", 0),
            failed=d.get("failed", 0),
        ),
    ]
    return "\n".join(lines)


async def ask_cancel(update: Update, context: WijkContext) -> None:
    """`act:c:<id>`: ask for confirmation before cancelling."""
    checked = await _managed(update, context, "act:c")
    if checked is None:
        return
    t, person, action_id = checked
    try:
        async with context.atomic() as session:
            action = await actions.get_managed_action(
                session=session, coordinator=person, action_id=action_id
            )
    except (NotAllowed, NotFound) as exc:
        await _refuse(update, t, person, exc)
        return
    if action.status == "cancelled":
        await answer_query(update.callback_query, t.gettext("This action was already cancelled."))  # type: ignore[arg-type]
        return
    if action.starts_at <= context.clock.now():
        await answer_query(update.callback_query, _started_text(t))  # type: ignore[arg-type]
        return
    text = t.gettext(
        "Cancel {title}? Everyone who got the call gets a message.",
        title=f"<b>{esc(action.title)}</b>",
    )
    buttons = [
        [
            (t.gettext("Yes, cancel it"), f"act:cc:{action_id}"),
            (t.gettext("No, keep it"), f"act:r:{action_id}"),
        ]
    ]
    await say(update, text, keyboard(buttons))


async def do_cancel(update: Update, context: WijkContext) -> None:
    """`act:cc:<id>`: cancel; everyone who answered or got the call is told (outbox)."""
    checked = await _managed(update, context, "act:cc")
    if checked is None:
        return
    t, person, action_id = checked
    try:
        async with context.atomic() as session:
            told = await actions.cancel_action(
                session=session, coordinator=person, action_id=action_id, now=context.clock.now()
            )
        await calendar_files.after_cancel(context, action_id)
    except ActionCancelled:
        await answer_query(update.callback_query, t.gettext("This action was already cancelled."))  # type: ignore[arg-type]
        return
    except ActionStarted:
        await answer_query(update.callback_query, _started_text(t))  # type: ignore[arg-type]
        return
    except (NotAllowed, NotFound) as exc:
        await _refuse(update, t, person, exc)
        return
    text = (
        t.gettext("The action is cancelled.")
        + " "
        + t.ngettext(
            "{n} volunteer will get a message.",
            "{n} volunteers will get a message.",
            told,
        )
    )
    await say(update, text, keyboard([[(t.gettext("Who had answered?"), f"act:r:{action_id}")]]))


def register(application: Any) -> None:
    """Add /acties and the roster/cancel buttons (group 0)."""
    application.add_handler(CommandHandler(["acties", "actions"], list_actions))
    application.add_handler(CallbackQueryHandler(show_roster, pattern=r"^act:r:"))
    application.add_handler(CallbackQueryHandler(ask_cancel, pattern=r"^act:c:"))
    application.add_handler(CallbackQueryHandler(do_cancel, pattern=r"^act:cc:"))
