"""/profiel (/profile): a volunteer or resident changes what sign-up asked.

Volunteers: buurt, spoken languages, what they like to do, their maximum number of couples
and "liever niet nu" (their times stay in /beschikbaarheid); residents: buurt, languages,
what they would like help with and the times that suit them. A resident's times live on
their open help request (`help_request_slot`): with one, "Times that suit me" edits them
with the /hulpvraag grid; without one (or once someone was asked) they are told so.

One message: the profile with a button per choice; each button shows the sign-up keyboard
for it (`bot.handlers.onboarding.steps`, `bot.views.people`) in place, and "Done" /
"« Back" return to the profile. Every press is checked again in the domain: a buurt
outside the invite's area (forged) or an unknown code gets the stale answer and changes
nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot.callbacks import (
    PF_BUURT,
    PF_BUURTEN,
    PF_COUPLES,
    PF_COUPLES_OPEN,
    PF_MENU,
    PF_NOT_NOW,
    PF_SPOKEN,
    PF_SPOKEN_OPEN,
    PF_TASK,
    PF_TASKS_OPEN,
    PF_TIME,
    PF_TIMES_OPEN,
    PF_WANT,
    PF_WANTS_OPEN,
)
from bot.context import WijkContext
from bot.domain import signup
from bot.domain import tasks as task_codes
from bot.domain.coupling import resident, volunteers
from bot.domain.coupling.errors import RequestNotOpen
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.signup import Choice
from bot.domain.vocabulary import RequestStatus, Role
from bot.handlers import my_help_request
from bot.handlers.common import (
    answer_query,
    button,
    edit_or_send,
    reply,
    stale_button,
    translator_for,
)
from bot.handlers.onboarding.states import SPOKEN, TASKS, WANTS
from bot.handlers.onboarding.steps import buurt_question, choice_question
from bot.i18n import Translator
from bot.views import people as people_views
from bot.views import profile as views

STEP = {SPOKEN: Choice.SPOKEN, TASKS: Choice.TASKS, WANTS: Choice.WANTS}
TOGGLE = {SPOKEN: PF_SPOKEN, TASKS: PF_TASK, WANTS: PF_WANT}


async def _member(update: Update, context: WijkContext) -> tuple[Any, Translator]:
    """The person when they are a signed-up volunteer or resident (else None), and `t`."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.onboarded_at is None:
        return None, t
    if person.role not in (Role.VOLUNTEER, Role.RESIDENT):
        return None, t
    return person, t


async def _profile(context: WijkContext, person: Any, t: Translator) -> tuple[str, Any]:
    choices = await signup.choices_of(session=context.session, person=person)
    most, not_now = None, None
    if person.role == Role.VOLUNTEER:
        most, not_now = await volunteers.coupling_settings(
            session=context.session, volunteer_id=person.id
        )
    text = views.profile_text(
        t,
        person.role,
        choices,
        max_couples=most,
        not_now_until=not_now,
        now=context.clock.now(),
    )
    return text, views.menu_keyboard(t, person.role)


async def profile_command(update: Update, context: WijkContext) -> None:
    """/profiel: the profile with a button per choice."""
    person, t = await _member(update, context)
    if person is None:
        await reply(
            update, t.gettext("Only volunteers and residents who signed up have a profile.")
        )
        return
    await reply(update, *await _profile(context, person, t))


async def _show(
    update: Update, text: str, markup: InlineKeyboardMarkup, note: str | None = None
) -> None:
    query = update.callback_query
    assert query is not None
    await answer_query(query, note)
    await edit_or_send(query, text, markup)


async def on_menu(update: Update, context: WijkContext) -> None:
    """`pf:m`: back to the profile."""
    person, t = await _member(update, context)
    if person is None:
        await stale_button(update, context)
        return
    await _show(update, *await _profile(context, person, t))


async def on_buurten(update: Update, context: WijkContext) -> None:
    """`pf:b`: the buurten of the invite's area (the sign-up question)."""
    person, t = await _member(update, context)
    if person is None:
        await stale_button(update, context)
        return
    found = await signup.buurt_options(session=context.session, person=person)
    await _show(update, buurt_question(t), views.buurt_keyboard(t, found.area_name, found.buurten))


async def on_buurt(update: Update, context: WijkContext, *, buurt_id: int) -> None:
    """`pf:bs:<id>`: set the buurt; one outside the invite's area (forged) is refused."""
    person, t = await _member(update, context)
    if person is None:
        await stale_button(update, context)
        return
    try:
        async with context.atomic() as session:
            await signup.choose_buurt(session=session, person=person, buurt_id=buurt_id or None)
    except NotAllowed:
        await stale_button(update, context)
        return
    await _show(update, *await _profile(context, person, t), note=t.gettext("Saved."))


def _may(state: str, person: Any) -> bool:
    """Languages are everyone's; tasks are volunteers', help wanted residents'."""
    if person is None:
        return False
    if state == TASKS:
        return bool(person.role == Role.VOLUNTEER)
    if state == WANTS:
        return bool(person.role == Role.RESIDENT)
    return True


def _opener(state: str) -> Any:
    async def handler(update: Update, context: WijkContext) -> None:
        person, t = await _member(update, context)
        if not _may(state, person):
            await stale_button(update, context)
            return
        chosen = await signup.chosen(session=context.session, person=person, step=STEP[state])
        await _show(update, choice_question(t, state), _choices(t, state, chosen))

    handler.__name__ = f"open_{state}"
    return handler


def _choices(t: Translator, state: str, chosen: set[str]) -> InlineKeyboardMarkup:
    """The sign-up keyboard of a multi-select step; its Done returns to the profile."""
    if state == SPOKEN:
        return people_views.spoken_keyboard(t, chosen, PF_SPOKEN, PF_MENU)
    tasks = task_codes.HELP_REQUEST_TASKS if state == WANTS else task_codes.TASKS
    return people_views.task_keyboard(t, chosen, TOGGLE[state], PF_MENU, tasks)


def _toggler(state: str) -> Any:
    async def handler(update: Update, context: WijkContext, *, code: str, on: bool) -> None:
        person, t = await _member(update, context)
        if not _may(state, person):
            await stale_button(update, context)
            return
        try:
            async with context.atomic() as session:
                chosen = await signup.set_choice(
                    session=session,
                    person=person,
                    step=STEP[state],
                    code=code,
                    on=on,
                    now=context.clock.now(),
                )
        except InvalidInput:
            await stale_button(update, context)
            return
        await _show(update, choice_question(t, state), _choices(t, state, chosen))

    handler.__name__ = f"toggle_{state}"
    return handler


async def _volunteer(update: Update, context: WijkContext) -> tuple[Any, Translator]:
    person, t = await _member(update, context)
    if person is not None and person.role != Role.VOLUNTEER:
        return None, t
    return person, t


async def on_couples_open(update: Update, context: WijkContext) -> None:
    """`pf:c`: how many couples at most (volunteers)."""
    person, t = await _volunteer(update, context)
    if person is None:
        await stale_button(update, context)
        return
    most, _ = await volunteers.coupling_settings(session=context.session, volunteer_id=person.id)
    text = t.gettext(
        "How many residents would you like to be coupled with at the same time, at most?"
    )
    await _show(update, text, views.couples_keyboard(t, most))


async def on_couples(update: Update, context: WijkContext, *, count: int) -> None:
    """`pf:cs:<n>`: set the maximum number of couples."""
    person, t = await _volunteer(update, context)
    if person is None:
        await stale_button(update, context)
        return
    async with context.atomic() as session:
        await volunteers.set_max_couples(session=session, volunteer=person, count=count)
    await _show(update, *await _profile(context, person, t), note=t.gettext("Saved."))


async def on_not_now(update: Update, context: WijkContext) -> None:
    """`pf:n`: "liever niet nu": no coupling proposals for 4 weeks."""
    person, t = await _volunteer(update, context)
    if person is None:
        await stale_button(update, context)
        return
    async with context.atomic() as session:
        await volunteers.set_not_now(
            session=session, volunteer_id=person.id, now=context.clock.now()
        )
    await _show(update, *await _profile(context, person, t), note=t.gettext("Saved."))


async def _resident(update: Update, context: WijkContext) -> tuple[Any, Translator]:
    person, t = await _member(update, context)
    if person is not None and person.role != Role.RESIDENT:
        return None, t
    return person, t


async def _times_refused(update: Update, t: Translator, exc: Exception) -> None:
    """No open request (or none any more): say so kindly, with the way to /hulpvraag; a
    request someone was already asked for can't change; a forged value is stale."""
    if isinstance(exc, NotFound):
        text = views.no_request_text(t)
    elif isinstance(exc, RequestNotOpen):
        text = my_help_request.not_open_text(t)
    else:
        text = t.gettext("This button no longer works.")
    query = update.callback_query
    assert query is not None
    await answer_query(query)
    await edit_or_send(query, text, InlineKeyboardMarkup([views.back_row(t)]))


async def on_times_open(update: Update, context: WijkContext) -> None:
    """`pf:h`: the resident's times (their open help request's) as the day-part grid."""
    person, t = await _resident(update, context)
    if person is None:
        await stale_button(update, context)
        return
    summary = await resident.current(session=context.session, person=person)
    if summary is None:
        await _times_refused(update, t, NotFound())
        return
    if summary.status != RequestStatus.OPEN:
        await _times_refused(update, t, RequestNotOpen())
        return
    await _show(update, *views.times_view(t, set(summary.slots)))


async def on_time(
    update: Update, context: WijkContext, *, weekday: int, part: str, on: bool
) -> None:
    """`pf:hs:<weekday>:<m|a|e>:<1|0>`: set one day part of the open help request."""
    person, t = await _resident(update, context)
    if person is None:
        await stale_button(update, context)
        return
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
    except (InvalidInput, RequestNotOpen, NotFound) as exc:
        await _times_refused(update, t, exc)
        return
    await _show(update, *views.times_view(t, set(summary.slots)))


def register(application: Any) -> None:
    """Add /profiel and /profile and the profile's buttons (group 0)."""
    application.add_handler(CommandHandler(["profiel", "profile"], profile_command))
    application.add_handler(button(PF_MENU, on_menu))
    application.add_handler(button(PF_BUURTEN, on_buurten))
    application.add_handler(button(PF_BUURT, on_buurt))
    for state, opener in ((SPOKEN, PF_SPOKEN_OPEN), (TASKS, PF_TASKS_OPEN), (WANTS, PF_WANTS_OPEN)):
        application.add_handler(button(opener, _opener(state)))
        application.add_handler(button(TOGGLE[state], _toggler(state)))
    application.add_handler(button(PF_COUPLES_OPEN, on_couples_open))
    application.add_handler(button(PF_COUPLES, on_couples))
    application.add_handler(button(PF_NOT_NOW, on_not_now))
    application.add_handler(button(PF_TIMES_OPEN, on_times_open))
    application.add_handler(button(PF_TIME, on_time))
