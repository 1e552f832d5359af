"""Volunteers answer an action call: Yes / Maybe / No.

Callback data `rsvp:<action id>:<y|m|n>` (see `bot.views.action.rsvp_keyboard`). Any
client can forge it, so every press is checked on the server by `bot.domain.rsvp.answer`
(a volunteer of this area, the action open and not started). The call message is edited to
show the summary and the person's current answer, with the buttons kept so the answer can
change until the start. Stale or forged presses get a short, polite query answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import WijkContext
from bot.domain import rsvp
from bot.domain.errors import ActionCancelled, ActionStarted, InvalidInput, NotAllowed, NotFound
from bot.handlers.common import (
    answer_query,
    callback_id,
    current_person,
    edit_or_send,
    translator_for,
)
from bot.i18n import Translator
from bot.views.action import RSVP_ANSWERS, RSVP_CALLBACK_PATTERN, action_summary, rsvp_keyboard
from storage.models import Area, Person


def answer_line(t: Translator, outcome: rsvp.RsvpOutcome) -> str:
    """The line under the summary telling the person what they answered (plain text)."""
    if outcome.status == "confirmed":
        return t.gettext("Your answer: Yes — see you there!")
    if outcome.status == "waitlisted":
        return t.gettext(
            "Your answer: Yes — the action is full, you are number {n} on the waiting list.",
            n=outcome.waitlist_position or 1,
        )
    if outcome.answer == "maybe":
        return t.gettext("Your answer: Maybe — tap Yes when you know you can come.")
    return t.gettext("Your answer: No — thank you for letting us know.")


def _who_cannot_answer(t: Translator, person: Person | None) -> str | None:
    """Why this person cannot answer at all (not signed up, stopped), or None."""
    if person is None or person.onboarded_at is None:
        return t.gettext("Please sign up first with your invite link.")
    if person.stopped_at is not None:
        return t.gettext("You stopped all messages. Send /start to take part again.")
    return None


async def on_answer(update: Update, context: WijkContext) -> None:
    """`rsvp:<id>:<y|m|n>`: record the answer and show it in the call message."""
    query = update.callback_query
    assert query is not None
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    match = RSVP_CALLBACK_PATTERN.match(query.data or "")
    action_id = callback_id(match[1]) if match else None
    if match is None or action_id is None:
        await answer_query(query, t.gettext("This button no longer works."))
        return
    refusal = _who_cannot_answer(t, person)
    if refusal is not None or person is None:
        await answer_query(query, refusal, alert=True)
        return
    try:
        async with context.db.begin() as session:
            outcome = await rsvp.answer(
                session=session,
                action_id=action_id,
                person=person,
                answer=RSVP_ANSWERS[match[2]],
                now=context.clock.now(),
                tz=context.services.settings.tz,
            )
            area = await session.get(Area, outcome.action.area_id)
    except (ActionCancelled, ActionStarted) as exc:
        closed = _closed_text(t, exc)
        await answer_query(query, closed)
        await edit_or_send(query, closed)
        return
    except (NotAllowed, NotFound, InvalidInput):
        await answer_query(query, t.gettext("This button no longer works."))
        return
    if not outcome.changed:
        await answer_query(query, t.gettext("You already answered this."))
        return
    await answer_query(query)
    text = f"{action_summary(t, outcome.action, area.name if area else '?')}\n\n"
    await edit_or_send(query, text + answer_line(t, outcome), rsvp_keyboard(t, action_id))


def _closed_text(t: Translator, exc: Exception) -> str:
    if isinstance(exc, ActionCancelled):
        return t.gettext("This action has been cancelled.")
    return t.gettext("This action has already started; answers are closed.")


async def stale(update: Update, context: WijkContext) -> None:
    """Any other `rsvp:` data (malformed or forged, e.g. `rsvp:abc`): a polite answer."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]


def register(application: Any) -> None:
    """Add the RSVP button handler (group 0)."""
    application.add_handler(CallbackQueryHandler(on_answer, pattern=RSVP_CALLBACK_PATTERN))
    application.add_handler(CallbackQueryHandler(stale, pattern=r"^rsvp(:|$)"))
