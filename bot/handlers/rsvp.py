"""Volunteers answer an action call: Yes / Maybe / No.

Callback data `bot.callbacks.RSVP` (`rsvp:<action id>:<y|m|n>`). Any client can forge it, so
every press is checked on the server by `bot.domain.rsvp.require_called` (the call reached
them, or they answered before: no skipping "fit first") and `bot.domain.rsvp.answer` (signed
up, a volunteer of this area, the action open and not started). The call message is edited
to show the summary and the person's current answer, with the buttons kept so the answer can
change until the start. Stale or forged presses get the one polite stale-button answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import RSVP
from bot.context import WijkContext
from bot.domain import rsvp
from bot.domain.errors import (
    ActionCancelled,
    ActionClosed,
    ActionStarted,
    InvalidInput,
    MessagesStopped,
    NotAllowed,
    NotFound,
    NotSignedUp,
)
from bot.domain.vocabulary import Answer, PlaceStatus
from bot.handlers import calendar_files, overlap
from bot.handlers.common import (
    answer_query,
    button,
    edit_or_send,
    esc,
    stale_text,
    translator_for,
)
from bot.i18n import Translator
from bot.views.action import action_summary, rsvp_keyboard, waitlist_line, yes_line
from bot.views.lists import name_html
from bot.views.reminders import reminders_line


def answer_line(t: Translator, outcome: rsvp.RsvpOutcome) -> str:
    """The line under the summary telling the person what they answered (plain text)."""
    if outcome.status == PlaceStatus.CONFIRMED:
        return yes_line(t)
    if outcome.status == PlaceStatus.WAITLISTED:
        return waitlist_line(t, outcome.waitlist_position or 1)
    if outcome.answer == Answer.MAYBE:
        return t.gettext("Your answer: Maybe — tap Yes when you know you can come.")
    return t.gettext("Your answer: No — thank you for letting us know.")


def refusal_text(t: Translator, exc: Exception) -> str:
    """Why an answer was not taken, for the query answer (plain text)."""
    if isinstance(exc, NotSignedUp):
        return t.gettext("Please sign up first with your invite link.")
    if isinstance(exc, MessagesStopped):
        return t.gettext("You stopped all messages. Send /start to take part again.")
    if isinstance(exc, ActionCancelled):
        return t.gettext("This action has been cancelled.")
    if isinstance(exc, ActionStarted):
        return t.gettext("This action has already started; answers are closed.")
    return stale_text(t)


def closed_text(t: Translator, exc: ActionClosed) -> str:
    """The call message once answers are closed, still naming the action (HTML): "<title>,
    Saturday 6 December at 14:00: this action has been cancelled." (title bold, isolated)."""
    if exc.title is None or exc.starts_at is None:
        return refusal_text(t, exc)
    title = f"<b>{name_html(exc.title, None)}</b>"
    when = esc(t.datetime(exc.starts_at))
    if isinstance(exc, ActionCancelled):
        return t.gettext("{title}, {when}: this action has been cancelled.", title=title, when=when)
    return t.gettext(
        "{title}, {when}: this action has already started; answers are closed.",
        title=title,
        when=when,
    )


async def on_answer(
    update: Update, context: WijkContext, *, action_id: int, answer: Answer
) -> None:
    """Record the answer (one domain flow) and show it in the call message."""
    query = update.callback_query
    assert query is not None
    person = await context.person()
    t = translator_for(update, context, person)
    if answer == Answer.YES and await overlap.ask_instead(update, context, t, person, action_id):
        return  # it overlaps another Ja: they choose first (issue 7 item 10)
    try:
        async with context.atomic() as session:
            await rsvp.require_called(session=session, person=person, action_id=action_id)
            outcome = await rsvp.answer(
                session=session,
                action_id=action_id,
                person=person,
                answer=answer,
                now=context.clock.now(),
                tz=context.services.settings.tz,
                message_id=query.message.message_id if query.message else None,
                quiet=context.services.settings.quiet,
            )
    except (NotSignedUp, MessagesStopped) as exc:
        await answer_query(query, refusal_text(t, exc), alert=True)
        return
    except (ActionCancelled, ActionStarted) as exc:
        await answer_query(query, refusal_text(t, exc))
        await edit_or_send(query, closed_text(t, exc))
        return
    except (NotAllowed, NotFound, InvalidInput) as exc:
        await answer_query(query, refusal_text(t, exc))
        return
    if not outcome.changed:
        await answer_query(query, t.gettext("You already answered this."))
        return
    await answer_query(query)
    text = f"{action_summary(t, outcome.action, outcome.area_name)}\n\n{answer_line(t, outcome)}"
    if outcome.status == PlaceStatus.CONFIRMED:
        line = reminders_line(
            t, outcome.reminders, starts_at=outcome.action.starts_at, now=context.clock.now()
        )
        text = f"{text}\n{line}"
    await edit_or_send(query, text, rsvp_keyboard(t, action_id))
    assert person is not None  # the domain refused anyone else
    await calendar_files.after_answer(context, t, person, outcome)


def register(application: Any) -> None:
    """Add the RSVP button handler (group 0); malformed `rsvp:` data gets the stale answer."""
    application.add_handler(button(RSVP, on_answer))
