"""/hulpvragen (/helprequests): coordinators see the help requests of their area, take one
on ("Ik pak dit op"), see the top 5 volunteers with reasons and propose one; /ready
(/klaarvoorkoppelen) marks volunteers "klaar voor koppelen".

Buttons (`bot.callbacks`): `hr:p:<page>`, `cr:o:<request>`, `cr:t:<request>`,
`cr:s:<request>`, `cr:v:<request>:<volunteer>`, `rd:p:<page>`, `rd:s:<volunteer>:<page>`
(marks ready, then asks the day the VOG was seen: the registered conversation "vog"),
`rd:nv:<page>`.
Every press is checked again by the coupling domain: a coordinator of the request's area,
the request still open, the volunteer still passing every hard filter.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.callbacks import (
    HELP_REQUESTS,
    READY_LIST,
    READY_NO_VOG,
    READY_SET,
    REQUEST_OPEN,
    REQUEST_PROPOSE,
    REQUEST_SUGGEST,
    REQUEST_TAKE,
)
from bot.context import WijkContext
from bot.domain.coupling import matching, on_behalf, proposals, readiness, summaries, volunteers
from bot.domain.coupling import requests as requests_
from bot.domain.coupling.errors import NotEligible, RequestNotOpen
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.handlers.common import answer_query, button, coordinators_only_text, translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.handlers.proposals import awake_clock
from bot.i18n import Translator
from bot.views.lists import name_html
from bot.views.requests_list import (
    READY_PAGE_SIZE,
    REQUEST_PAGE_SIZE,
    readiness_view,
    request_list_view,
    request_view,
    suggestions_view,
    vog_question,
)

VOG_KEY = "vog"
VOG_DATE = "date"
END = ConversationHandler.END

_REFUSED = (NotAllowed, NotFound, RequestNotOpen, NotEligible, InvalidInput)


async def _refuse(update: Update, t: Translator, exc: Exception) -> None:
    if isinstance(exc, NotAllowed):
        text = coordinators_only_text(t)
    elif isinstance(exc, RequestNotOpen):
        text = t.gettext("Someone has already been asked for this request, or it is closed.")
    elif isinstance(exc, NotEligible):
        text = t.gettext("This volunteer can't be asked now. See the new suggestions.")
    else:
        text = t.gettext("This button no longer works.")
    if update.callback_query is not None:
        await answer_query(update.callback_query, text)
    else:
        await say(update, text, t=t)


async def list_help_requests(update: Update, context: WijkContext, page: int = 0) -> None:
    """The command (page 0) and `hr:p:<page>`: the requests of the coordinator's area."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await summaries.area_requests(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                offset=page * REQUEST_PAGE_SIZE,
                limit=REQUEST_PAGE_SIZE,
            )
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    if not found.total:
        await say(update, t.gettext("No open help requests in your area."), t=t)
        return
    await say(update, *request_list_view(t, found, page), t=t)


async def on_page(update: Update, context: WijkContext, *, page: int) -> None:
    """`hr:p:<page>`: another page of the list."""
    await list_help_requests(update, context, page)


async def _show(update: Update, context: WijkContext, request_id: int, take: bool) -> None:
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            request = await requests_.get_request(session=session, request_id=request_id)
            await requests_.require_area_coordinator(
                session=session, person=person, request=request
            )
            if take:
                await requests_.take_ownership(
                    session=session,
                    request_id=request_id,
                    coordinator=person,  # type: ignore[arg-type]
                    now=context.clock.now(),
                )
            found = await summaries.request_summary(session=session, request_id=request_id)
            offline = await on_behalf.facts(session=session, person_id=request.person_id)
    except _REFUSED as exc:
        await _refuse(update, t, exc)
        return
    assert person is not None
    await say(update, *request_view(t, found, person.id, offline), t=t)


async def on_open(update: Update, context: WijkContext, *, request_id: int) -> None:
    """`cr:o:<request>`: one request with its buttons."""
    await _show(update, context, request_id, take=False)


async def on_take(update: Update, context: WijkContext, *, request_id: int) -> None:
    """`cr:t:<request>`: "Ik pak dit op" (a double press changes nothing)."""
    await _show(update, context, request_id, take=True)


async def on_suggest(update: Update, context: WijkContext, *, request_id: int) -> None:
    """`cr:s:<request>`: the top 5 volunteers with their reasons."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            request = await requests_.get_request(session=session, request_id=request_id)
            await requests_.require_area_coordinator(
                session=session, person=person, request=request
            )
            if request.status != "open":
                raise RequestNotOpen()
            found = await summaries.request_summary(session=session, request_id=request_id)
            top = await matching.top_suggestions(
                session=session, request_id=request_id, now=context.clock.now()
            )
    except _REFUSED as exc:
        await _refuse(update, t, exc)
        return
    await say(update, *suggestions_view(t, found, top), t=t)


async def on_propose(
    update: Update, context: WijkContext, *, request_id: int, volunteer_id: int
) -> None:
    """`cr:v:<request>:<volunteer>`: send the volunteer a proposal (checked again)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            state = await proposals.propose(
                session=session,
                request_id=request_id,
                volunteer_id=volunteer_id,
                coordinator=person,  # type: ignore[arg-type]
                now=context.clock.now(),
                window=context.services.settings.proposal_answer_window,
                awake_after=awake_clock(context),
            )
            facts = await summaries.proposal_facts(session=session, proposal_id=state.proposal_id)
            offline = await on_behalf.facts(session=session, person_id=facts.request.resident_id)
    except _REFUSED as exc:
        await _refuse(update, t, exc)
        return
    assert person is not None
    text, markup = request_view(t, facts.request, person.id, offline)
    asked = t.gettext(
        "We asked {name}. You will hear when they answer.",
        name=name_html(facts.volunteer_name, None),
    )
    await say(update, f"{asked}\n\n{text}", markup, t=t)


async def ready_list(update: Update, context: WijkContext, page: int = 0) -> None:
    """/ready, /klaarvoorkoppelen and `rd:p:<page>`: the volunteers of the area."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await readiness.readiness_page(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                offset=page * READY_PAGE_SIZE,
                limit=READY_PAGE_SIZE,
            )
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    await say(update, *readiness_view(t, found, page), t=t)


async def on_ready_page(update: Update, context: WijkContext, *, page: int) -> None:
    """`rd:p:<page>`."""
    await ready_list(update, context, page)


async def on_ready(update: Update, context: WijkContext, *, volunteer_id: int, page: int) -> object:
    """`rd:s:<volunteer>:<page>`: mark ready after a kennismaking (again: no change), then
    ask for the day their VOG was seen (the "vog" conversation, state `VOG_DATE`)."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await volunteers.mark_ready(
                session=session,
                volunteer_id=volunteer_id,
                coordinator=person,  # type: ignore[arg-type]
                now=context.clock.now(),
            )
            name = await volunteers.first_name(session=session, volunteer_id=volunteer_id)
    except _REFUSED as exc:
        await _refuse(update, t, exc)
        return END
    context.user_data[VOG_KEY] = {"volunteer_id": volunteer_id, "page": page}  # type: ignore[index]
    async with context.atomic() as session:
        found = await readiness.readiness_page(
            session=session,
            coordinator=person,  # type: ignore[arg-type]
            offset=page * READY_PAGE_SIZE,
            limit=READY_PAGE_SIZE,
        )
    await say(update, *vog_question(t, name, page, readiness_view(t, found, page)), t=t)
    return VOG_DATE


async def on_vog_date(update: Update, context: WijkContext) -> object:
    """The typed VOG date (not in the future): noted, then the list again."""
    person = await context.person()
    t = translator_for(update, context, person)
    data = context.user_data.get(VOG_KEY) if context.user_data is not None else None
    if not isinstance(data, dict):
        return END
    now = context.clock.now()
    try:
        day = volunteers.parse_vog_date(
            update.message.text or "",  # type: ignore[union-attr]
            now.astimezone(t.tz).date(),
        )
        async with context.atomic() as session:
            await volunteers.mark_ready(
                session=session,
                volunteer_id=int(data["volunteer_id"]),
                coordinator=person,  # type: ignore[arg-type]
                now=now,
                vog_date=day,
            )
    except InvalidInput:
        await say(
            update,
            t.gettext(
                "Type the date as day-month-year, e.g. 28-11-2026 (not in the future, at most "
                "10 years ago)."
            ),
            t=t,
        )
        return None
    except (NotAllowed, NotFound) as exc:
        context.user_data.pop(VOG_KEY, None)  # type: ignore[union-attr]
        await _refuse(update, t, exc)
        return END
    context.user_data.pop(VOG_KEY, None)  # type: ignore[union-attr]
    await ready_list(update, context, int(data["page"]))
    return END


async def on_no_vog(update: Update, context: WijkContext, *, page: int) -> object:
    """`rd:nv:<page>`: no VOG date; the list again."""
    context.user_data.pop(VOG_KEY, None)  # type: ignore[union-attr]
    await ready_list(update, context, page)
    return END


async def on_vog_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer or another command while the VOG date is asked: the volunteer stays
    ready, no date noted."""
    context.user_data.pop(VOG_KEY, None)  # type: ignore[union-attr]
    return t.gettext("OK, the volunteer is ready for coupling; no VOG date was noted.")


def vog_conversation() -> ConversationHandler[Any]:
    """Marking a volunteer ready, then the optional VOG date (registered conversation)."""
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[button(READY_SET, on_ready)],
        states={
            VOG_DATE: [MessageHandler(text, on_vog_date), button(READY_NO_VOG, on_no_vog)],
        },
        fallbacks=[],
        name="vog",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add /hulpvragen, /helprequests, /ready, /klaarvoorkoppelen and their buttons."""
    application.add_handler(CommandHandler(["hulpvragen", "helprequests"], list_help_requests))
    application.add_handler(CommandHandler(["klaarvoorkoppelen", "ready"], ready_list))
    application.add_handler(button(HELP_REQUESTS, on_page))
    application.add_handler(button(REQUEST_OPEN, on_open))
    application.add_handler(button(REQUEST_TAKE, on_take))
    application.add_handler(button(REQUEST_SUGGEST, on_suggest))
    application.add_handler(button(REQUEST_PROPOSE, on_propose))
    application.add_handler(button(READY_LIST, on_ready_page))
    add_conversation(application, vog_conversation(), on_vog_exit)
