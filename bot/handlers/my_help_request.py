"""/hulpvraag (/helprequest): a resident asks for help any time, sees where their request
stands in plain words, changes it while nobody has been asked, or withdraws it.

Buttons (`bot.callbacks`): `hq:t:<task>:<1|0>`, `hq:l:<code>:<1|0>`, `hq:e:<t|l|s>`,
`hq:sl:<weekday>:<part>:<1|0>`, `hq:d`, `hq:w`, `hq:wy`. Every press is checked again
by `bot.domain.coupling.resident` (role, state); a press on a request that changed
meanwhile gets a polite answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import (
    MY_REQUEST_DONE,
    MY_REQUEST_EDIT,
    MY_REQUEST_LANGUAGE,
    MY_REQUEST_SLOT,
    MY_REQUEST_TASK,
    MY_REQUEST_WITHDRAW,
    MY_REQUEST_WITHDRAW_YES,
)
from bot.context import WijkContext
from bot.domain.coupling import resident
from bot.domain.coupling.errors import RequestNotOpen
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.handlers.common import answer_query, button, translator_for
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views.coupling import (
    my_languages_view,
    my_request_view,
    my_tasks_view,
    my_times_view,
    withdraw_question,
)


def residents_only_text(t: Translator) -> str:
    """The answer to anyone but a resident."""
    return t.gettext("Sorry, this is for residents who signed up.")


def not_open_text(t: Translator) -> str:
    """A change to a request someone has already been asked for."""
    return t.gettext(
        "Your request can't be changed now: someone has already been asked. "
        "Send /helprequest to see where it stands."
    )


async def _refuse(update: Update, t: Translator, exc: Exception) -> None:
    text = (
        residents_only_text(t)
        if isinstance(exc, NotAllowed)
        else not_open_text(t)
        if isinstance(exc, RequestNotOpen)
        else t.gettext("This button no longer works.")
    )
    if update.callback_query is not None:
        await answer_query(update.callback_query, text)
    else:
        await say(update, text, t=t)


async def show(update: Update, context: WijkContext) -> None:
    """/hulpvraag: the request and its status, or the question what they need."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.current(session=session, person=person)
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    await say(update, *my_request_view(t, summary), t=t)


async def on_task(update: Update, context: WijkContext, *, code: str, on: bool) -> None:
    """`hq:t:<task>:<1|0>`: set one task; the keyboard shows what is stored."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.set_task(
                session=session, person=person, code=code, on=on, now=context.clock.now()
            )
    except (NotAllowed, InvalidInput, RequestNotOpen) as exc:
        await _refuse(update, t, exc)
        return
    await say(update, *my_tasks_view(t, set(summary.tasks) if summary else set()), t=t)


async def on_language(update: Update, context: WijkContext, *, code: str, on: bool) -> None:
    """`hq:l:<code>:<1|0>`: set one language (at least one stays)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.set_language(
                session=session, person=person, code=code, on=on, now=context.clock.now()
            )
    except (NotAllowed, InvalidInput, RequestNotOpen, NotFound) as exc:
        await _refuse(update, t, exc)
        return
    await say(update, *my_languages_view(t, set(summary.languages)), t=t)


async def on_edit(update: Update, context: WijkContext, *, what: str) -> None:
    """`hq:e:<t|l|s>`: open the tasks, languages or times of the open request."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.current(session=session, person=person)
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if summary is None or summary.status != "open":
        await _refuse(update, t, RequestNotOpen() if summary else NotFound())
        return
    if what == "times":
        await say(update, *my_times_view(t, set(summary.slots)), t=t)
        return
    view = my_tasks_view if what == "tasks" else my_languages_view
    chosen = summary.tasks if what == "tasks" else summary.languages
    await say(update, *view(t, set(chosen)), t=t)


async def on_slot(
    update: Update, context: WijkContext, *, weekday: int, part: str, on: bool
) -> None:
    """`hq:sl:<weekday>:<m|a|e>:<1|0>`: set one day part that suits the resident."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.set_slot(
                session=session,
                person=person,
                weekday=weekday,
                day_part=part,
                on=on,
                now=context.clock.now(),
            )
    except (NotAllowed, InvalidInput, RequestNotOpen, NotFound) as exc:
        await _refuse(update, t, exc)
        return
    await say(update, *my_times_view(t, set(summary.slots)), t=t)


async def on_done(update: Update, context: WijkContext) -> None:
    """`hq:d`: tell the coordinators (once per request) and show the status."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.announce(
                session=session, person=person, now=context.clock.now()
            )
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if summary is None:
        await say(
            update,
            t.gettext(
                "Okay, you did not ask for anything. Send /helprequest "
                "whenever you would like help."
            ),
            t=t,
        )
        return
    await say(update, *my_request_view(t, summary), t=t)


async def on_withdraw(update: Update, context: WijkContext) -> None:
    """`hq:w`: ask first."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            summary = await resident.current(session=session, person=person)
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if summary is None:
        await _refuse(update, t, NotFound())
        return
    await say(update, *withdraw_question(t), t=t)


async def on_withdraw_yes(update: Update, context: WijkContext) -> None:
    """`hq:wy`: withdraw the request (a second press: it was already withdrawn)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            done = await resident.withdraw(session=session, person=person, now=context.clock.now())
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if not done:
        await _refuse(update, t, NotFound())
        return
    await say(
        update,
        t.gettext("Your help request is withdrawn. Send /helprequest if you need help again."),
        t=t,
    )


def register(application: Any) -> None:
    """Add /hulpvraag, /helprequest and their buttons (group 0)."""
    application.add_handler(CommandHandler(["hulpvraag", "helprequest"], show))
    application.add_handler(button(MY_REQUEST_TASK, on_task))
    application.add_handler(button(MY_REQUEST_LANGUAGE, on_language))
    application.add_handler(button(MY_REQUEST_EDIT, on_edit))
    application.add_handler(button(MY_REQUEST_SLOT, on_slot))
    application.add_handler(button(MY_REQUEST_DONE, on_done))
    application.add_handler(button(MY_REQUEST_WITHDRAW, on_withdraw))
    application.add_handler(button(MY_REQUEST_WITHDRAW_YES, on_withdraw_yes))
