"""Sign-up after consent, one function per state: buurt, languages, tasks, availability
(volunteers) or help wanted and offers (residents), then the summary.

Each state has `ask_<state>` (the question, rendered from what is stored) and `on_<state>`
(its buttons, decoded by `bot.callbacks`). Every choice is written at once through one domain
flow (`bot.domain.signup`), so nothing is lost on a restart; buttons set what they promise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.callbacks import (
    OB_AV,
    OB_AV_DONE,
    OB_BUURT,
    OB_OFFER,
    OB_OFFER_DONE,
    OB_SPOKEN,
    OB_SPOKEN_DONE,
    OB_TASK,
    OB_TASK_DONE,
    OB_WANT,
    OB_WANT_DONE,
)
from bot.context import WijkContext
from bot.domain import availability, signup
from bot.domain import tasks as task_codes
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.signup import Choice
from bot.domain.vocabulary import Role
from bot.handlers.common import stale_button, translator_for
from bot.handlers.fallback import not_understood
from bot.handlers.onboarding.states import (
    AVAIL,
    BUURT,
    OFFERS,
    SIGNUP,
    SPOKEN,
    TASKS,
    WANTS,
    send,
    settle,
    show,
    tap_a_button,
)
from bot.i18n import Translator
from bot.views import people as views
from bot.views.lists import name_html

if TYPE_CHECKING:
    from storage.models import Person

END = ConversationHandler.END
Ask = Callable[[Update, WijkContext, "Person", Translator], Awaitable[str | int]]


# --- buurt ---------------------------------------------------------------------------------


def buurt_question(t: Translator) -> str:
    """The question above the buurt buttons."""
    return t.gettext("In which neighbourhood (buurt) do you live?")


async def ask_buurt(
    update: Update, context: WijkContext, person: Person, t: Translator
) -> str | int:
    """The buurten of the invite's area, two a row, and "I don't know / all of <area>"."""
    found = await signup.buurt_options(session=context.session, person=person)
    if not found.buurten:
        return await after_buurt(update, context, person, t)
    buttons = [
        InlineKeyboardButton(name, callback_data=OB_BUURT.encode(buurt_id=buurt_id))
        for buurt_id, name in found.buurten
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    everything = t.gettext("I don't know / all of {area}", area=found.area_name)
    rows.append([InlineKeyboardButton(everything, callback_data=OB_BUURT.encode(buurt_id=0))])
    await send(update, context, buurt_question(t), InlineKeyboardMarkup(rows))
    return BUURT


async def on_buurt(update: Update, context: WijkContext, *, buurt_id: int) -> str | int | None:
    """`ob:buurt:<id>` (0: the whole area). A buurt outside the invite's area (forged) gets
    the stale answer and the question stays."""
    person = await context.person()
    if person is None:
        return await gone(update, context)
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await signup.choose_buurt(session=session, person=person, buurt_id=buurt_id or None)
    except NotAllowed:
        await stale_button(update, context)
        return None
    await settle(update, context, t, buurt_question(t))
    return await after_buurt(update, context, person, t)


async def typed_buurt(update: Update, context: WijkContext) -> str | int | None:
    """A typed buurt name is taken like its button; anything else gets the hint."""
    person = await context.person()
    if person is None:
        return await gone(update, context)
    t = translator_for(update, context, person)
    text = update.message.text if update.message and update.message.text else ""
    buurt_id = await signup.buurt_by_name(session=context.session, person=person, text=text)
    if buurt_id is None:
        await send(update, context, tap_a_button(t))
        return None
    async with context.atomic() as session:
        await signup.choose_buurt(session=session, person=person, buurt_id=buurt_id)
    return await after_buurt(update, context, person, t)


async def after_buurt(
    update: Update, context: WijkContext, person: Person, t: Translator
) -> str | int:
    """Volunteers go on with their languages, residents with what they would like help with."""
    if person.role == Role.VOLUNTEER:
        return await ask_choice(SPOKEN, update, context, person, t)
    return await ask_choice(WANTS, update, context, person, t)


# --- multi-select steps: spoken languages, tasks, help wanted, offers ----------------------

CHOICE_OF = {SPOKEN: Choice.SPOKEN, TASKS: Choice.TASKS, WANTS: Choice.WANTS, OFFERS: Choice.OFFERS}
ROUTES = {
    SPOKEN: (OB_SPOKEN, OB_SPOKEN_DONE),
    TASKS: (OB_TASK, OB_TASK_DONE),
    WANTS: (OB_WANT, OB_WANT_DONE),
    OFFERS: (OB_OFFER, OB_OFFER_DONE),
}
NEXT = {SPOKEN: TASKS, TASKS: AVAIL, WANTS: OFFERS}


def choice_question(t: Translator, state: str) -> str:
    """The question of a multi-select step."""
    if state == SPOKEN:
        return t.gettext("Which languages do you speak? Tap all that apply, then Done.")
    if state == TASKS:
        return t.gettext("What do you like to do? Tap all that apply, then Done.")
    if state == WANTS:
        return t.gettext(
            "What would you like help with? Tap all that apply, then Done. Nothing? Just tap Done."
        )
    return t.gettext(
        "And is there something you could offer others? Tap all that apply, then Done."
    )


def choice_markup(t: Translator, state: str, chosen: set[str]) -> InlineKeyboardMarkup:
    """The on/off buttons of a multi-select step, showing what is stored."""
    toggle, done = ROUTES[state]
    if state == SPOKEN:
        return views.spoken_keyboard(t, chosen, toggle, done)
    tasks = task_codes.HELP_REQUEST_TASKS if state == WANTS else task_codes.TASKS
    return views.task_keyboard(t, chosen, toggle, done, tasks)


async def ask_choice(
    state: str, update: Update, context: WijkContext, person: Person, t: Translator
) -> str:
    """Ask a multi-select step, showing what was chosen so far."""
    chosen = await signup.chosen(session=context.session, person=person, step=CHOICE_OF[state])
    await send(update, context, choice_question(t, state), choice_markup(t, state, chosen))
    return state


def on_choice(state: str) -> Callable[..., Awaitable[str | int | None]]:
    """`ob:<sl|task|want|offer>:<code>:<1|0>`: set one choice; the keyboard shows what is
    stored."""

    async def handler(update: Update, context: WijkContext, *, code: str, on: bool) -> Any:
        person = await context.person()
        if person is None:
            return await gone(update, context)
        t = translator_for(update, context, person)
        try:
            async with context.atomic() as session:
                chosen = await signup.set_choice(
                    session=session,
                    person=person,
                    step=CHOICE_OF[state],
                    code=code,
                    on=on,
                    now=context.clock.now(),
                )
        except InvalidInput:  # a code the step does not offer
            await stale_button(update, context)
            return None
        await show(update, context, t, choice_question(t, state), choice_markup(t, state, chosen))
        return state

    handler.__name__ = f"on_{state}"
    return handler


def on_choice_done(state: str) -> Callable[..., Awaitable[str | int]]:
    """`ob:<...>:done`: the step is answered; ask the next one (or finish)."""

    async def handler(update: Update, context: WijkContext) -> str | int:
        person = await context.person()
        if person is None:
            return await gone(update, context)
        t = translator_for(update, context, person)
        await settle(update, context, t, choice_question(t, state))
        if state == OFFERS:
            return await finish(update, context, person, t)
        if NEXT[state] == AVAIL:
            return await ask_avail(update, context, person, t)
        return await ask_choice(NEXT[state], update, context, person, t)

    handler.__name__ = f"done_{state}"
    return handler


# --- availability grid ---------------------------------------------------------------------


def availability_question(t: Translator) -> str:
    """The question above the weekly grid."""
    return t.gettext(
        "When can you usually help? Tap the moments that suit you, then Done. "
        "You can change this later with /availability."
    )


def avail_markup(t: Translator, slots: set[tuple[int, str]]) -> InlineKeyboardMarkup:
    """The weekly grid with a Done button."""
    done = InlineKeyboardButton(t.gettext("Done"), callback_data=OB_AV_DONE.encode())
    return views.availability_keyboard(t, slots, OB_AV, [done])


async def ask_avail(update: Update, context: WijkContext, person: Person, t: Translator) -> str:
    """The weekly grid, showing the stored slots."""
    slots = await availability.slots_of(session=context.session, person_id=person.id)
    await send(update, context, availability_question(t), avail_markup(t, slots))
    return AVAIL


async def on_slot(
    update: Update, context: WijkContext, *, weekday: int, part: str, on: bool
) -> str | int:
    """`ob:av:<weekday>:<m|a|e>:<1|0>`: set one slot; the grid shows what is stored."""
    person = await context.person()
    if person is None:
        return await gone(update, context)
    t = translator_for(update, context, person)
    async with context.atomic() as session:
        slots = await signup.set_slot(
            session=session, person=person, weekday=weekday, day_part=part, on=on
        )
    await show(update, context, t, availability_question(t), avail_markup(t, slots))
    return AVAIL


async def on_avail_done(update: Update, context: WijkContext) -> str | int:
    """`ob:av:done`: the last volunteer step; finish."""
    person = await context.person()
    if person is None:
        return await gone(update, context)
    t = translator_for(update, context, person)
    await settle(update, context, t, availability_question(t))
    return await finish(update, context, person, t)


# --- the end -------------------------------------------------------------------------------


async def finish(update: Update, context: WijkContext, person: Person, t: Translator) -> int:
    """Complete the sign-up (one domain flow) and show the choices, so people can check them."""
    async with context.atomic() as session:
        choices = await signup.complete_signup(
            session=session, person=person, now=context.clock.now(), tz=context.services.settings.tz
        )
    context.user_data.pop(SIGNUP, None)
    if person.role == Role.VOLUNTEER:
        text = t.gettext(
            "Thank you, {name}! You are signed up as a volunteer. When an action in your "
            "neighbourhood needs help, you get a message and you answer with one tap.",
            name=name_html(person.display_name, None),
        )
    else:
        text = t.gettext(
            "Thank you, {name}! We have noted what you told us. Someone from the "
            "neighbourhood network will get in touch with you.",
            name=name_html(person.display_name, None),
        )
    summary = views.describe_choices(t, person.role, choices)
    await send(
        update,
        context,
        f"{text}\n\n{summary}\n\n" + t.gettext("Send /help to see what you can do."),
    )
    return END


async def gone(update: Update, context: WijkContext) -> int:
    """The person no longer exists (erased meanwhile): the sign-up ends."""
    if update.callback_query is not None:
        await stale_button(update, context)
    else:
        await send(update, context, not_understood(translator_for(update, context)))
    return END


async def typed_hint(update: Update, context: WijkContext) -> int | None:
    """Free text (or a sticker...) where a button is expected: say so; the step stays."""
    person = await context.person()
    if person is None and not context.user_data.get(SIGNUP):
        return await gone(update, context)
    await send(update, context, tap_a_button(translator_for(update, context, person)))
    return None


async def resume(update: Update, context: WijkContext, person: Person, t: Translator) -> str | int:
    """Continue an unfinished sign-up at the step where it was paused (else the buurt)."""
    state = (context.user_data.get(SIGNUP) or {}).get("resume")
    context.user_data.pop(SIGNUP, None)
    if state in CHOICE_OF:
        return await ask_choice(state, update, context, person, t)
    if state == AVAIL:
        return await ask_avail(update, context, person, t)
    return await ask_buurt(update, context, person, t)
