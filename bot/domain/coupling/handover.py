"""Hand-over (doorzetten) of a help request to a partner organisation of its area, after
the resident's consent. The organisation's staff answer "Opgepakt" / "Niet voor ons" (with
a reason); the owner is told. Partners see only what was handed to their organisation.

Messages queued: coupling_hand_over {"hand_over_id"} to each staff member;
coupling_hand_over_answered {"hand_over_id", "answer", "reason", "organisation"} to the
owner (or coordinators).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.coupling import requests as requests_
from bot.domain.coupling.errors import AnswerClosed, RequestNotOpen
from bot.domain.coupling.organisations import organisation_of
from bot.domain.coupling.proposals import tell_owner, withdraw_pending
from bot.domain.coupling.vocabulary import HandOverAnswer, MessageKind, RequestStatus
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from storage.models import HandOver, HelpRequestTask, Organisation, PartnerMember, Person

REASON_MAX = 200


async def hand_over(
    *,
    session: AsyncSession,
    request_id: int,
    organisation_id: int,
    coordinator: Person,
    consent_at: dt.datetime,
    now: dt.datetime,
) -> HandOver:
    """The owner (or another coordinator of the area) hands an open or coupled request to
    an organisation serving its area; `consent_at` is when the resident agreed (aware UTC,
    not in the future). Waiting proposals are withdrawn. The request becomes handed_over.
    Raises `NotFound`, `NotAllowed` (not their area, or the organisation does not serve
    it), `RequestNotOpen` (closed or already handed over), `InvalidInput("consent_at")`."""
    request = await requests_.get_request(session=session, request_id=request_id, lock=True)
    await requests_.require_area_coordinator(session=session, person=coordinator, request=request)
    org = await session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound()
    if org.area_id not in await requests_.ancestor_ids(session, request.area_id):
        raise NotAllowed()
    if consent_at > now:
        raise InvalidInput("consent_at")
    if request.status in (RequestStatus.CLOSED, RequestStatus.HANDED_OVER):
        raise RequestNotOpen()
    if request.status == RequestStatus.PROPOSED:
        await withdraw_pending(session=session, request_id=request.id, now=now)
        await requests_.set_status(
            session=session, request=request, to=RequestStatus.OPEN, by=coordinator, now=now
        )
    handover = HandOver(
        request_id=request.id,
        organisation_id=org.id,
        handed_by_id=coordinator.id,
        consent_at=consent_at,
        created_at=now,
    )
    session.add(handover)
    if request.owner_id is None:
        request.owner_id = coordinator.id
    await requests_.set_status(
        session=session, request=request, to=RequestStatus.HANDED_OVER, by=coordinator, now=now
    )
    staff = await session.scalars(
        select(Person)
        .join(PartnerMember, PartnerMember.person_id == Person.id)
        .where(PartnerMember.organisation_id == org.id, Person.stopped_at.is_(None))
        .order_by(Person.id)
    )
    for person in staff.all():
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=MessageKind.HAND_OVER,
            due_at=now,
            dedup_key=f"{MessageKind.HAND_OVER}:{handover.id}:{person.id}",
            args={"hand_over_id": handover.id},
            now=now,
        )
    return handover


async def answer(
    *,
    session: AsyncSession,
    hand_over_id: int,
    partner: Person,
    answer: HandOverAnswer,
    now: dt.datetime,
    reason: str | None = None,
) -> HandOver:
    """A partner's staff member answers. "Niet voor ons" needs a reason (<= 200 chars) and
    reopens the request; "Opgepakt" keeps it handed over. The owner is told. The same
    answer again changes nothing. Raises `NotFound`, `NotAllowed` (not their
    organisation), `AnswerClosed` (answered otherwise), `InvalidInput("reason")`."""
    handover = await session.scalar(
        select(HandOver).where(HandOver.id == hand_over_id).with_for_update()
    )
    if handover is None:
        raise NotFound()
    if await organisation_of(session=session, person_id=partner.id) != handover.organisation_id:
        raise NotAllowed()
    if handover.answer == answer:
        return handover
    if handover.answer is not None:
        raise AnswerClosed()
    clean = " ".join((reason or "").split()) or None
    if answer == HandOverAnswer.NOT_FOR_US and (clean is None or len(clean) > REASON_MAX):
        raise InvalidInput("reason")
    handover.answer = answer
    handover.reason = clean if answer == HandOverAnswer.NOT_FOR_US else None
    handover.answered_by_id = partner.id
    handover.answered_at = now
    request = await requests_.get_request(
        session=session, request_id=handover.request_id, lock=True
    )
    if answer == HandOverAnswer.NOT_FOR_US and request.status == RequestStatus.HANDED_OVER:
        await requests_.set_status(
            session=session, request=request, to=RequestStatus.OPEN, by=partner, now=now
        )
    org = await session.get(Organisation, handover.organisation_id)
    await tell_owner(
        session=session,
        request=request,
        kind=MessageKind.HAND_OVER_ANSWERED,
        args={
            "hand_over_id": handover.id,
            "answer": str(answer),
            "reason": handover.reason,
            "organisation": org.name if org is not None else "",
        },
        dedup=str(handover.id),
        now=now,
    )
    await session.flush()
    return handover


@dataclass(frozen=True)
class HandedOver:
    """What a partner sees of a hand-over: its id, when, the asked tasks, the answer so far
    (None: waiting). Contact details are added by the view from the request, only here."""

    hand_over_id: int
    request_id: int
    created_at: dt.datetime
    tasks: list[str]
    answer: HandOverAnswer | None


async def for_partner(*, session: AsyncSession, partner: Person) -> list[HandedOver]:
    """Hand-overs addressed to the partner's organisation, newest first. Anyone not linked
    to an organisation gets `NotAllowed` (partners see nothing else)."""
    org_id = await organisation_of(session=session, person_id=partner.id)
    if org_id is None:
        raise NotAllowed()
    rows = await session.scalars(
        select(HandOver)
        .where(HandOver.organisation_id == org_id)
        .order_by(HandOver.created_at.desc(), HandOver.id.desc())
    )
    result = []
    for h in rows.all():
        tasks = await session.scalars(
            select(HelpRequestTask.task).where(HelpRequestTask.request_id == h.request_id)
        )
        result.append(
            HandedOver(
                h.id,
                h.request_id,
                h.created_at,
                sorted(tasks),
                HandOverAnswer(h.answer) if h.answer else None,
            )
        )
    return result
