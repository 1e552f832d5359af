"""Hand-over in chat (issue 6 §4): the owner picks a request and an organisation of its
area, the resident is asked first, and only their "Ja" hands it over (`handover.hand_over`).
The organisation's staff (linked in `partner_member`) see what they need to act and answer
"Opgepakt" or "Niet voor ons" with a reason; the owner is told (`handover.answer`).

Messages queued: coupling_hand_over_consent {"request_id", "organisation_id",
"organisation", "asked_by"} to the resident (the question; its row is also the server's
record that it was asked); coupling_hand_over_consent_answer {"organisation", "agreed"} to
the coordinator who asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, outbox
from bot.domain.coupling import handover, on_behalf
from bot.domain.coupling import requests as requests_
from bot.domain.coupling.organisations import organisation_of
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.vocabulary import (
    CouplingMessageKind,
    HandOverAnswer,
    OutboxStatus,
    RequestStatus,
    Role,
)
from storage.models import (
    HandOver,
    HelpRequest,
    HelpRequestLanguage,
    Organisation,
    OutboxMessage,
    Person,
)

#: Requests that can be handed over: waiting for a volunteer, or coupled (help a volunteer
#: should not give, e.g. money trouble).
HANDABLE = (RequestStatus.OPEN, RequestStatus.COUPLED)
#: Reasons a partner gives for "Niet voor ons" (stored as the code; shown translated).
NOT_FOR_US_REASONS = ("not_our_work", "no_capacity", "outside_area")


@dataclass(frozen=True)
class RequestItem:
    """A request a coordinator may hand over: id, resident's first name, area name, tasks."""

    request_id: int
    resident_name: str
    place: str
    tasks: list[str]


async def handable_requests(*, session: AsyncSession, coordinator: Person) -> list[RequestItem]:
    """Open and coupled requests in the coordinator's area, oldest first (at most 20).
    Raises `NotAllowed` for anyone but an onboarded coordinator."""
    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        raise NotAllowed()
    tree = await areas.tree(session)
    scope = tree.descendant_ids(coordinator.area_id)
    rows = await session.scalars(
        select(HelpRequest)
        .where(HelpRequest.area_id.in_(scope), HelpRequest.status.in_(HANDABLE))
        .order_by(HelpRequest.created_at, HelpRequest.id)
        .limit(20)
    )
    result = []
    for request in rows.all():
        resident = await session.get(Person, request.person_id)
        tasks = await requests_.tasks_of(session=session, request_id=request.id)
        result.append(
            RequestItem(
                request.id,
                resident.display_name if resident else "?",
                tree.name(request.area_id),
                sorted(tasks),
            )
        )
    return result


async def organisations_for(
    *, session: AsyncSession, coordinator: Person, request_id: int
) -> list[tuple[int, str]]:
    """(id, name) of the organisations serving the request's area, by name.
    Raises `NotFound`, `NotAllowed`."""
    request = await requests_.get_request(session=session, request_id=request_id)
    await requests_.require_area_coordinator(session=session, person=coordinator, request=request)
    ids = await requests_.ancestor_ids(session, request.area_id)
    rows = await session.scalars(
        select(Organisation).where(Organisation.area_id.in_(ids)).order_by(Organisation.name)
    )
    return [(o.id, o.name) for o in rows.all()]


def _consent_key(request_id: int, organisation_id: int, resident_id: int) -> str:
    return f"{CouplingMessageKind.HAND_OVER_CONSENT}:{request_id}:{organisation_id}:{resident_id}"


async def ask_consent(
    *,
    session: AsyncSession,
    coordinator: Person,
    request_id: int,
    organisation_id: int,
    now: dt.datetime,
) -> str:
    """Ask the resident whether the request may go to the organisation. Returns the
    resident's first name. Raises `NotFound`, `NotAllowed` (not their area, or the
    organisation does not serve it), `RequestNotOpen` (not open or coupled)."""
    from bot.domain.coupling.errors import RequestNotOpen

    request = await requests_.get_request(session=session, request_id=request_id)
    await requests_.require_area_coordinator(session=session, person=coordinator, request=request)
    org = await session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound()
    if org.area_id not in await requests_.ancestor_ids(session, request.area_id):
        raise NotAllowed()
    if request.status not in HANDABLE:
        raise RequestNotOpen()
    resident = await session.get(Person, request.person_id)
    if resident is None:
        raise NotFound()
    await outbox.enqueue(
        session=session,
        person=resident,
        message_key=CouplingMessageKind.HAND_OVER_CONSENT,
        due_at=now,
        dedup_key=_consent_key(request.id, org.id, resident.id),
        args={
            "request_id": request.id,
            "organisation_id": org.id,
            "organisation": org.name,
            "asked_by": coordinator.id,
        },
        now=now,
    )
    return resident.display_name


async def answer_consent(
    *,
    session: AsyncSession,
    person: Person,
    request_id: int,
    organisation_id: int,
    agreed: bool,
    now: dt.datetime,
) -> HandOver | None:
    """The resident's answer, given by the resident or, for a resident without Telegram,
    by their contact coordinator (`on_behalf.acts_for`, checked now). Only a question the
    bot really sent to whoever answers counts (its outbox row, addressed to them), once.
    "Ja" hands the request over (`handover.hand_over`, consent now); either way the
    coordinator who asked is told (when they have left: the request's owner, or the
    contact who answers). Returns the hand-over (None for "Nee").
    Raises `NotFound` (no such request, never asked, answered already, or the request
    changed meanwhile), `NotAllowed` (not the resident nor their contact)."""
    request = await session.get(HelpRequest, request_id)
    if request is None:
        raise NotFound()
    resident = await on_behalf.resident_for(
        session=session, person=person, resident_id=request.person_id
    )
    row = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.dedup_key == _consent_key(request_id, organisation_id, resident.id),
            OutboxMessage.person_id == person.id,
            OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.PENDING)),
        )
    )
    if row is None or row.args.get("answered"):
        raise NotFound()
    coordinator = await session.get(Person, int(row.args.get("asked_by", 0)))
    if coordinator is None and request.owner_id is not None:  # the asker has left
        coordinator = await session.get(Person, request.owner_id)
    if coordinator is None and person.id != resident.id:  # the contact answering
        coordinator = person
    if coordinator is None:
        raise NotFound()
    result: HandOver | None = None
    if agreed:
        try:
            result = await handover.hand_over(
                session=session,
                request_id=request_id,
                organisation_id=organisation_id,
                coordinator=coordinator,
                consent_at=now,
                now=now,
            )
        except Exception as exc:  # the request changed meanwhile: a stale question
            raise NotFound() from exc
    row.args = {**row.args, "answered": True}
    await outbox.enqueue(
        session=session,
        person=coordinator,
        message_key=CouplingMessageKind.HAND_OVER_CONSENT_ANSWER,
        due_at=now,
        dedup_key=f"{CouplingMessageKind.HAND_OVER_CONSENT_ANSWER}:{row.id}:{coordinator.id}",
        args={"organisation": row.args.get("organisation", ""), "agreed": agreed},
        now=now,
    )
    await session.flush()
    return result


@dataclass(frozen=True)
class HandOverDetails:
    """What a partner's staff member needs to act: the resident's first name, their area,
    the tasks, languages, the resident's own note, the coordinator to contact, the
    answer so far (None: waiting)."""

    hand_over_id: int
    resident_name: str
    place: str
    tasks: list[str]
    languages: list[str]
    note: str | None
    coordinator_name: str
    answer: HandOverAnswer | None


async def details(*, session: AsyncSession, hand_over_id: int, partner: Person) -> HandOverDetails:
    """A hand-over addressed to the partner's own organisation (anyone else: `NotAllowed`;
    unknown: `NotFound`)."""
    found = await session.get(HandOver, hand_over_id)
    if found is None:
        raise NotFound()
    if await organisation_of(session=session, person_id=partner.id) != found.organisation_id:
        raise NotAllowed()
    request = await requests_.get_request(session=session, request_id=found.request_id)
    resident = await session.get(Person, request.person_id)
    owner_id = request.owner_id or found.handed_by_id
    owner = await session.get(Person, owner_id) if owner_id else None
    languages = sorted(
        await session.scalars(
            select(HelpRequestLanguage.language).where(HelpRequestLanguage.request_id == request.id)
        )
    )
    tree = await areas.tree(session)
    return HandOverDetails(
        found.id,
        resident.display_name if resident else "?",
        tree.name(request.area_id),
        sorted(await requests_.tasks_of(session=session, request_id=request.id)),
        languages,
        request.note,
        owner.display_name if owner else "?",
        HandOverAnswer(found.answer) if found.answer else None,
    )


async def partner_answer(
    *,
    session: AsyncSession,
    hand_over_id: int,
    partner: Person,
    answer: str,
    now: dt.datetime,
) -> HandOver:
    """ "Opgepakt" (`answer` = picked_up) or "Niet voor ons" with a reason code
    (`NOT_FOR_US_REASONS`). Raises as `handover.answer` does."""
    if answer == HandOverAnswer.PICKED_UP:
        return await handover.answer(
            session=session,
            hand_over_id=hand_over_id,
            partner=partner,
            answer=HandOverAnswer.PICKED_UP,
            now=now,
        )
    if answer not in NOT_FOR_US_REASONS:
        raise NotAllowed()
    return await handover.answer(
        session=session,
        hand_over_id=hand_over_id,
        partner=partner,
        answer=HandOverAnswer.NOT_FOR_US,
        reason=answer,
        now=now,
    )
