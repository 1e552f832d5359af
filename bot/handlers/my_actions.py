"""/mijnacties (/myactions): a volunteer's upcoming actions, each with the answer buttons.

Partner staff are never called as volunteers: they get one line pointing to /help instead.

One message per action (at most `bot.domain.my_actions.DEFAULT_LIMIT`, so each stays far
below Telegram's 4,096 characters), showing the summary, the person's answer (and waiting
list position) and the Ja / Misschien / Nee buttons of the call (`bot.callbacks.RSVP`):
pressing one is handled by `bot.handlers.rsvp`, which edits that message. A last line
"+N more" says how many later actions are not shown.

Where the person has couples (`bot.domain.coupling.couples`), one more message lists them
(first name, since when) with a button to end each (asked once more before it ends).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import MY_COUPLE_ASK, MY_COUPLE_END, MY_COUPLE_KEEP
from bot.context import WijkContext
from bot.domain import my_actions
from bot.domain.coupling import couples
from bot.domain.errors import MessagesStopped, NotAllowed, NotFound, NotSignedUp
from bot.domain.vocabulary import Role
from bot.handlers.common import (
    answer_query,
    button,
    edit_or_send,
    reply,
    stale_button,
    translator_for,
)
from bot.handlers.rsvp import answer_line, refusal_text
from bot.i18n import Translator
from bot.views import my_couples as couple_views
from bot.views.action import action_summary, rsvp_keyboard
from bot.views.lists import name_html


def partner_text(t: Translator) -> str:
    """/mijnacties from partner staff: they are not called as volunteers; what reaches their
    organisation comes as a message (README, roles), and /help lists their commands."""
    return t.gettext(
        "You take part for a partner organisation, so you get no calls to help at actions "
        "as a volunteer. What the neighbourhood network hands over to your organisation "
        "comes to you as a message. Send /help to see what you can do."
    )


def nothing_yet_text(t: Translator, role: str) -> str:
    """/mijnacties with no upcoming answers and no couples, in words that fit the role:
    coordinators plan actions (they are not called), residents ask for help (they are not
    called either); volunteers hear how a call reaches them."""
    if role == Role.COORDINATOR:
        return t.gettext(
            "You plan actions, so you get no calls to help as a volunteer. Send /actions to "
            "see your actions and who is coming."
        )
    if role == Role.RESIDENT:
        return t.gettext(
            "You have no couple yet. Send /helprequest to ask for help or to see where your "
            "request stands."
        )
    return t.gettext(
        "You have not answered any upcoming action yet. When an action needs help, "
        "you get a message with Yes, Maybe and No."
    )


async def my_actions_command(update: Update, context: WijkContext) -> None:
    """/mijnacties: list what I answered, with buttons to change it."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        found = await my_actions.upcoming(
            session=context.session, person=person, now=context.clock.now()
        )
    except (NotSignedUp, MessagesStopped) as exc:
        await reply(update, refusal_text(t, exc))
        return
    assert person is not None  # upcoming() refused anyone else
    if person.role == Role.PARTNER:  # partner staff get no calls and have no couples
        await reply(update, partner_text(t))
        return
    mine = await couples.my_couples(session=context.session, person_id=person.id)
    if not found.items:
        if not mine:
            await reply(update, nothing_yet_text(t, person.role))
        else:
            await _couples(update, t, mine)
        return
    await reply(
        update,
        t.ngettext(
            "Your upcoming action ({n}). Tap another answer to change it.",
            "Your upcoming actions ({n}). Tap another answer to change one.",
            len(found.items) + found.more,
        ),
    )
    for item in found.items:
        text = f"{action_summary(t, item.action, item.area_name)}\n\n{answer_line(t, item)}"
        await reply(update, text, rsvp_keyboard(t, item.action.id))
    if found.more:
        await reply(
            update,
            t.ngettext(
                "+{n} more later action: it shows here when the first ones are over.",
                "+{n} more later actions: they show here when the first ones are over.",
                found.more,
            ),
        )
    if mine:
        await _couples(update, t, mine)


async def _couples(update: Update, t: Any, mine: list[couples.MyCouple]) -> None:
    await reply(update, couple_views.couples_text(t, mine), couple_views.couples_keyboard(t, mine))


async def _own_couple(
    update: Update, context: WijkContext, couple_id: int
) -> couples.MyCouple | None:
    """The person's running couple with this id, or None (ended, not theirs, forged)."""
    person = await context.person()
    if person is None or person.onboarded_at is None:
        return None
    mine = await couples.my_couples(session=context.session, person_id=person.id)
    return next((c for c in mine if c.couple_id == couple_id), None)


async def on_end_ask(update: Update, context: WijkContext, *, couple_id: int) -> None:
    """`mc:a:<id>`: ask before ending the couple (in place of the list)."""
    couple = await _own_couple(update, context, couple_id)
    if couple is None:
        await stale_button(update, context)
        return
    t = translator_for(update, context, await context.person())
    query = update.callback_query
    assert query is not None
    await answer_query(query)
    await edit_or_send(query, *couple_views.end_question(t, couple))


async def on_end(update: Update, context: WijkContext, *, couple_id: int) -> None:
    """`mc:e:<id>`: end the couple (the other side and the coordinator are told)."""
    couple = await _own_couple(update, context, couple_id)
    person = await context.person()
    if couple is None or person is None:
        await stale_button(update, context)
        return
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await couples.end_own_couple(
                session=session, couple_id=couple_id, person=person, now=context.clock.now()
            )
    except (NotFound, NotAllowed):
        await stale_button(update, context)
        return
    query = update.callback_query
    assert query is not None
    await answer_query(query)
    await edit_or_send(
        query,
        t.gettext("The couple with {name} has ended.", name=name_html(couple.other_name, None)),
    )


async def on_keep(update: Update, context: WijkContext) -> None:
    """`mc:k`: nothing changes."""
    t = translator_for(update, context, await context.person())
    query = update.callback_query
    assert query is not None
    await answer_query(query)
    await edit_or_send(query, t.gettext("Okay, nothing changed."))


def register(application: Any) -> None:
    """Add /mijnacties and /myactions (group 0)."""
    application.add_handler(CommandHandler(["mijnacties", "myactions"], my_actions_command))
    application.add_handler(button(MY_COUPLE_ASK, on_end_ask))
    application.add_handler(button(MY_COUPLE_END, on_end))
    application.add_handler(button(MY_COUPLE_KEEP, on_keep))
