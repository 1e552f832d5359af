"""Coordinators call more people for an action from its roster (issue 7 item 3).

Buttons (`bot.callbacks`): `act:w:<id>` shows where the call can go (the other buurten of
the action's wijk, another wijk of the coordinator's area); `act:wt:<id>:<area>` calls the
volunteers there who were not called yet (fit first, as the first call). Every press is
checked again by `bot.domain.widen`: coordinator of the action's area, action open and not
started, the area one of the choices (a forged one gets the stale answer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Update

from bot.callbacks import ROSTER, WIDEN, WIDEN_TO
from bot.context import WijkContext
from bot.domain import widen
from bot.domain.errors import ActionCancelled, ActionStarted, NotAllowed, NotFound
from bot.handlers.action_edit import _refusal
from bot.handlers.common import answer_query, button, esc, translator_for
from bot.handlers.keyboards import keyboard, say
from bot.i18n import Translator

REFUSED = (NotAllowed, NotFound, ActionCancelled, ActionStarted)


def _label(t: Translator, choice: widen.WiderArea) -> str:
    if choice.scope == widen.SIBLINGS:
        return t.gettext("The other buurten of {wijk}", wijk=choice.name)
    return t.gettext("Wijk {wijk}", wijk=choice.name)


async def ask(update: Update, context: WijkContext, *, action_id: int) -> None:
    """`act:w:<id>`: where can the call go?"""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        action, choices = await widen.choices(
            session=context.session,
            coordinator=person,  # type: ignore[arg-type]
            action_id=action_id,
            now=context.clock.now(),
        )
    except REFUSED as exc:
        await answer_query(update.callback_query, _refusal(t, exc), alert=True)  # type: ignore[arg-type]
        return
    back = [(t.gettext("« Back"), ROSTER.encode(action_id=action_id))]
    if not choices:
        text = t.gettext("There is no other area within yours to call for this action.")
        await say(update, text, keyboard([back]), t=t)
        return
    text = t.gettext(
        "Who else should get the call for {title}? Only volunteers who did not get it yet "
        "are called.",
        title=f"<b>{esc(action.title)}</b>",
    )
    rows = [
        [(_label(t, c), WIDEN_TO.encode(action_id=action_id, area_id=c.area_id))] for c in choices
    ]
    await say(update, text, keyboard([*rows, back]), t=t)


async def call_more(update: Update, context: WijkContext, *, action_id: int, area_id: int) -> None:
    """`act:wt:<id>:<area>`: call the volunteers of that area not called yet."""
    person = await context.person()
    t = translator_for(update, context, person)
    settings = context.services.settings
    try:
        async with context.atomic() as session:
            done = await widen.widen_call(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                action_id=action_id,
                area_id=area_id,
                now=context.clock.now(),
                tz=settings.tz,
                second_wave_delay=dt.timedelta(seconds=settings.call_second_wave_delay_seconds),
            )
    except REFUSED as exc:
        await answer_query(update.callback_query, _refusal(t, exc), alert=True)  # type: ignore[arg-type]
        return
    area = esc(done.area_name)
    if done.now + done.later == 0:
        text = t.gettext(
            "Nobody new to call in {area}: everyone there already had the call, or there are "
            "no volunteers yet.",
            area=area,
        )
    else:
        text = t.ngettext(
            "{n} more volunteer in {area} gets the call now.",
            "{n} more volunteers in {area} get the call now.",
            done.now,
            area=area,
        )
        if done.later:
            text += "\n" + t.ngettext(
                "{n} more volunteer gets it later, if there are still places.",
                "{n} more volunteers get it later, if there are still places.",
                done.later,
            )
    rows = [[(t.gettext("Who is coming?"), ROSTER.encode(action_id=action_id))]]
    await say(update, text, keyboard(rows), t=t)


def register(application: Any) -> None:
    """Add the two widen buttons (group 0)."""
    application.add_handler(button(WIDEN, ask))
    application.add_handler(button(WIDEN_TO, call_more))
