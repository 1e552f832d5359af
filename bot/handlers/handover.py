"""Hand-over in chat (issue 6 §4). Coordinators: /doorzetten (/handover) -> a request ->
an organisation of its area -> the resident is asked. The resident: Ja / Nee. The
organisation's staff (linked in `partner_member`): the notice -> "Bekijken" -> "Opgepakt" or
"Niet voor ons" with a reason; the owner hears the answer. Every press is checked again
(`bot.domain.coupling.handover_flow`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot import callbacks
from bot.context import WijkContext
from bot.domain.coupling import handover_flow
from bot.domain.coupling.errors import AnswerClosed, RequestNotOpen
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.handlers.common import button, coordinators_only_text, stale_button, translator_for
from bot.handlers.keyboards import say
from bot.views import handover as view

COMMANDS = ("doorzetten", "handover")
STALE = (NotAllowed, NotFound, RequestNotOpen, AnswerClosed, InvalidInput)


async def start(update: Update, context: WijkContext) -> None:
    """/doorzetten: the requests of the area that can be handed over."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        items = await handover_flow.handable_requests(
            session=context.session,
            coordinator=person,  # type: ignore[arg-type]
        )
    except NotAllowed:
        await say(update, coordinators_only_text(t), t=t)
        return
    await say(update, *view.pick_request(t, items), t=t)


async def on_request(update: Update, context: WijkContext, *, request_id: int) -> None:
    """`ho:r:<id>`: the organisations serving the request's area."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        orgs = await handover_flow.organisations_for(
            session=context.session,
            coordinator=person,  # type: ignore[arg-type]
            request_id=request_id,
        )
    except STALE:
        await stale_button(update, context)
        return
    await say(update, *view.pick_organisation(t, request_id, orgs), t=t)


async def on_organisation(
    update: Update, context: WijkContext, *, request_id: int, organisation_id: int
) -> None:
    """`ho:o:<request>:<organisation>`: ask the resident first."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            name = await handover_flow.ask_consent(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                request_id=request_id,
                organisation_id=organisation_id,
                now=context.clock.now(),
            )
    except STALE:
        await stale_button(update, context)
        return
    await say(update, view.asked(t, name), t=t)


async def on_consent(
    update: Update, context: WijkContext, *, request_id: int, organisation_id: int, agreed: bool
) -> None:
    """`ho:c:<request>:<organisation>:<y|n>`: the resident's answer (once), or their
    contact coordinator's for a resident without Telegram."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None:
        await stale_button(update, context)
        return
    try:
        async with context.atomic() as session:
            await handover_flow.answer_consent(
                session=session,
                person=person,
                request_id=request_id,
                organisation_id=organisation_id,
                agreed=agreed,
                now=context.clock.now(),
            )
    except STALE:
        await stale_button(update, context)
        return
    await say(update, view.consent_thanks(t, agreed), t=t)


async def _details_or_stale(
    update: Update, context: WijkContext, hand_over_id: int
) -> handover_flow.HandOverDetails | None:
    """The hand-over's details for the partner pressing (checked by `handover_flow.details`:
    staff of its organisation), or None after the stale answer."""
    person = await context.person()
    if person is None:
        await stale_button(update, context)
        return None
    try:
        return await handover_flow.details(
            session=context.session, hand_over_id=hand_over_id, partner=person
        )
    except STALE:
        await stale_button(update, context)
        return None


async def on_view(update: Update, context: WijkContext, *, hand_over_id: int) -> None:
    """`ho:v:<id>`: staff of the organisation see the details."""
    found = await _details_or_stale(update, context, hand_over_id)
    if found is None:
        return
    t = translator_for(update, context, await context.person())
    await say(update, *view.details_view(t, found), t=t)


async def on_not_for_us(update: Update, context: WijkContext, *, hand_over_id: int) -> None:
    """`ho:n:<id>`: why not? (checked: staff of the organisation, not answered yet)."""
    found = await _details_or_stale(update, context, hand_over_id)
    if found is None:
        return
    if found.answer is not None:
        await stale_button(update, context)
        return
    t = translator_for(update, context, await context.person())
    await say(update, *view.reasons_view(t, hand_over_id), t=t)


async def on_answer(
    update: Update, context: WijkContext, *, hand_over_id: int, answer: str
) -> None:
    """`ho:a:<id>:<code>`: Opgepakt, or Niet voor ons with its reason; the owner is told."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None:
        await stale_button(update, context)
        return
    try:
        async with context.atomic() as session:
            await handover_flow.partner_answer(
                session=session,
                hand_over_id=hand_over_id,
                partner=person,
                answer=answer,
                now=context.clock.now(),
            )
            found = await handover_flow.details(
                session=session, hand_over_id=hand_over_id, partner=person
            )
    except STALE:
        await stale_button(update, context)
        return
    await say(update, *view.details_view(t, found), t=t)


def register(application: Any) -> None:
    """Add /doorzetten, /handover and the hand-over buttons."""
    application.add_handler(CommandHandler(list(COMMANDS), start))
    application.add_handler(button(callbacks.HO_REQUEST, on_request))
    application.add_handler(button(callbacks.HO_ORGANISATION, on_organisation))
    application.add_handler(button(callbacks.HO_CONSENT, on_consent))
    application.add_handler(button(callbacks.HO_VIEW, on_view))
    application.add_handler(button(callbacks.HO_NOT_FOR_US, on_not_for_us))
    application.add_handler(button(callbacks.HO_ANSWER, on_answer))
