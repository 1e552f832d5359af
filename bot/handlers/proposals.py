"""Answers to proposals: the volunteer's Ja / Nee / Liever niet nu (`pv:<id>:<y|n|l>`),
then the resident's Ja / Nee (`pr:<id>:<y|n>`). Checked again by
`bot.domain.coupling.proposals` (their proposal, still waiting, before its deadline); the
same answer twice counts once; a press on a proposal that is no longer open gets a polite
answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import PROPOSAL_RESIDENT, PROPOSAL_VOLUNTEER
from bot.context import WijkContext
from bot.domain.coupling import proposals
from bot.domain.coupling.deadlines import awake_clock as _awake_clock
from bot.domain.coupling.errors import AnswerClosed
from bot.domain.coupling.proposals import AwakeAfter
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import ProposalAnswer
from bot.handlers.common import answer_query, button, translator_for
from bot.handlers.keyboards import say
from bot.i18n import Translator


def awake_clock(context: WijkContext) -> AwakeAfter:
    """Deadlines that skip the night's quiet hours (settings QUIET_HOURS, TIMEZONE; the one
    rule in `bot.domain.quiet_hours`). With quiet hours off, hours count as they come."""
    quiet = context.services.settings.quiet
    if quiet is None:
        return lambda start, duration: start + duration
    return _awake_clock(quiet)


def closed_text(t: Translator) -> str:
    """A press on a proposal that is answered, expired, withdrawn or gone."""
    return t.gettext("This proposal is no longer open. Thank you anyway!")


async def on_volunteer(
    update: Update, context: WijkContext, *, proposal_id: int, answer: ProposalAnswer
) -> None:
    """`pv:<proposal>:<y|n|l>`."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            if person is None:
                raise NotAllowed()
            await proposals.answer_volunteer(
                session=session,
                proposal_id=proposal_id,
                volunteer=person,
                answer=answer,
                now=context.clock.now(),
                window=context.services.settings.proposal_answer_window,
                awake_after=awake_clock(context),
            )
    except (AnswerClosed, NotFound, NotAllowed, InvalidInput):
        await answer_query(update.callback_query, closed_text(t))  # type: ignore[arg-type]
        return
    if answer == ProposalAnswer.YES:
        text = t.gettext("Thank you! We now ask the resident. You will hear from us.")
    elif answer == ProposalAnswer.NOT_NOW:
        text = t.gettext("Okay. We will not send you proposals for 4 weeks.")
    else:
        text = t.gettext("Okay, thank you for letting us know.")
    await say(update, text, t=t)


async def on_resident(
    update: Update, context: WijkContext, *, proposal_id: int, answer: ProposalAnswer
) -> None:
    """`pr:<proposal>:<y|n>`."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            if person is None:
                raise NotAllowed()
            await proposals.answer_resident(
                session=session,
                proposal_id=proposal_id,
                resident=person,
                answer=answer,
                now=context.clock.now(),
            )
    except (AnswerClosed, NotFound, NotAllowed, InvalidInput):
        await answer_query(update.callback_query, closed_text(t))  # type: ignore[arg-type]
        return
    if answer == ProposalAnswer.YES:
        text = t.gettext("Thank you! You will get an introduction in a moment.")
    else:
        text = t.gettext("Okay, thank you. We will look for someone else.")
    await say(update, text, t=t)


def register(application: Any) -> None:
    """Add the proposal answer buttons (group 0)."""
    application.add_handler(button(PROPOSAL_VOLUNTEER, on_volunteer))
    application.add_handler(button(PROPOSAL_RESIDENT, on_resident))
