"""Proposals (koppelvoorstel): the volunteer answers first, then the resident; both yes ->
a couple. Any no, or no answer before the deadline, returns the request to open and tells
the owner (or, without owner, the area's coordinators) in one message.

Deadlines: 48 hours of "awake" time by default (issue 6 §2, settable). Hours in the quiet
hours should not count; the quiet-hours rule belongs to the outbox, so callers pass
`awake_after(start, duration) -> deadline` (default: plain addition, no quiet hours).

Messages queued (outbox kinds, args):
- coupling_proposal_volunteer {"proposal_id"} to the volunteer (not_after = deadline)
- coupling_proposal_resident  {"proposal_id"} to the resident (not_after = deadline)
- coupling_proposal_declined  {"proposal_id", "request_id", "by": "volunteer"|"resident",
                               "answer": "no"|"not_now"} to the owner/coordinators
- coupling_proposal_expired   {"proposal_id", "request_id", "by": ...} to the same
- coupling_coupled            {"couple_id"} to volunteer, resident and owner/coordinators
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import consent, outbox
from bot.domain.coupling import on_behalf
from bot.domain.coupling import requests as requests_
from bot.domain.coupling.couples import start_couple
from bot.domain.coupling.errors import AnswerClosed, NotEligible, RequestNotOpen
from bot.domain.coupling.matching import AMSTERDAM, is_eligible
from bot.domain.coupling.vocabulary import (
    PENDING_PROPOSAL_STATUSES,
    MessageKind,
    ProposalAnswer,
    ProposalStatus,
    RequestStatus,
)
from bot.domain.coupling.volunteers import set_not_now
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import OutboxStatus, Role
from storage.models import HelpRequest, Person, Proposal

#: Time each side has to answer (issue 6 §2: 48 hours, settable).
ANSWER_WINDOW = dt.timedelta(hours=48)

AwakeAfter = Callable[[dt.datetime, dt.timedelta], dt.datetime]


def plain_after(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """`start + duration`: the deadline when no quiet hours are known."""
    return start + duration


@dataclass(frozen=True)
class ProposalState:
    """Where a proposal stands after a step: its id and status, the request's id and
    status, and the couple's id once both said yes."""

    proposal_id: int
    status: ProposalStatus
    request_id: int
    request_status: RequestStatus
    couple_id: int | None = None


async def tell_owner(
    *,
    session: AsyncSession,
    request: HelpRequest,
    kind: MessageKind,
    args: dict[str, Any],
    dedup: str,
    now: dt.datetime,
) -> int:
    """Queue one message to the request's owner, or without owner to every coordinator of
    its area. Returns how many were queued."""
    owner = await session.get(Person, request.owner_id) if request.owner_id else None
    people = (
        [owner]
        if owner is not None
        else await requests_.coordinators_of(session=session, area_id=request.area_id)
    )
    for person in people:
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=kind,
            due_at=now,
            dedup_key=f"{kind}:{dedup}:{person.id}",
            args=args,
            now=now,
        )
    return len(people)


def _state(proposal: Proposal, request: HelpRequest, couple_id: int | None = None) -> ProposalState:
    return ProposalState(
        proposal_id=proposal.id,
        status=ProposalStatus(proposal.status),
        request_id=request.id,
        request_status=RequestStatus(request.status),
        couple_id=couple_id,
    )


async def propose(
    *,
    session: AsyncSession,
    request_id: int,
    volunteer_id: int,
    coordinator: Person,
    now: dt.datetime,
    window: dt.timedelta = ANSWER_WINDOW,
    awake_after: AwakeAfter = plain_after,
    tz: ZoneInfo = AMSTERDAM,
) -> ProposalState:
    """A coordinator of the request's area proposes a volunteer. The request must be open and the
    volunteer must pass every hard filter now (checked on the server: a forged or stale
    button is refused), and the resident must have agreed to 'coupling'. The proposing
    coordinator becomes the owner if there is none.

    Raises `NotFound`, `NotAllowed`, `RequestNotOpen`, `NotEligible`.
    """
    request = await requests_.get_request(session=session, request_id=request_id, lock=True)
    await requests_.require_area_coordinator(session=session, person=coordinator, request=request)
    if request.status != RequestStatus.OPEN:
        raise RequestNotOpen()
    volunteer = await session.get(Person, volunteer_id)
    if volunteer is None:
        raise NotFound()
    if not await is_eligible(
        session=session, request_id=request.id, volunteer_id=volunteer_id, now=now, tz=tz
    ):
        raise NotEligible()
    resident = await session.get(Person, request.person_id)
    if resident is None or not await consent.has_consent(
        session=session, person=resident, purpose="coupling"
    ):
        raise NotEligible()  # the resident has not agreed to coupling (bot.domain.consent)
    proposal = Proposal(
        request_id=request.id,
        volunteer_id=volunteer_id,
        proposed_by_id=coordinator.id,
        status=ProposalStatus.VOLUNTEER,
        created_at=now,
        deadline_at=awake_after(now, window),
    )
    session.add(proposal)
    if request.owner_id is None:
        request.owner_id = coordinator.id
    await requests_.set_status(
        session=session, request=request, to=RequestStatus.PROPOSED, by=coordinator, now=now
    )
    await outbox.enqueue(
        session=session,
        person=volunteer,
        message_key=MessageKind.PROPOSAL_VOLUNTEER,
        due_at=now,
        not_after=proposal.deadline_at,
        dedup_key=f"{MessageKind.PROPOSAL_VOLUNTEER}:{proposal.id}",
        args={"proposal_id": proposal.id},
        now=now,
    )
    return _state(proposal, request)


async def _load(
    session: AsyncSession, proposal_id: int, expected: ProposalStatus, person: Person, side: str
) -> tuple[Proposal, HelpRequest]:
    proposal = await session.scalar(
        select(Proposal).where(Proposal.id == proposal_id).with_for_update()
    )
    if proposal is None:
        raise NotFound()
    request = await requests_.get_request(
        session=session, request_id=proposal.request_id, lock=True
    )
    if side == Role.VOLUNTEER:
        if person.id != proposal.volunteer_id:
            raise NotAllowed()
    elif not await on_behalf.acts_for(
        session=session, person=person, resident_id=request.person_id
    ):
        raise NotAllowed()  # neither the resident nor the contact of one without Telegram
    return proposal, request


async def _close(
    *,
    session: AsyncSession,
    proposal: Proposal,
    request: HelpRequest,
    status: ProposalStatus,
    by: Person | None,
    side: str,
    answer: str | None,
    now: dt.datetime,
) -> None:
    proposal.status = status
    if request.status == RequestStatus.PROPOSED:
        await requests_.set_status(
            session=session, request=request, to=RequestStatus.OPEN, by=by, now=now
        )
    kind = (
        MessageKind.PROPOSAL_EXPIRED
        if status == ProposalStatus.EXPIRED
        else (MessageKind.PROPOSAL_DECLINED)
    )
    args: dict[str, Any] = {"proposal_id": proposal.id, "request_id": request.id, "by": side}
    if answer is not None:
        args["answer"] = answer
    await tell_owner(
        session=session, request=request, kind=kind, args=args, dedup=str(proposal.id), now=now
    )
    await session.flush()


async def answer_volunteer(
    *,
    session: AsyncSession,
    proposal_id: int,
    volunteer: Person,
    answer: ProposalAnswer,
    now: dt.datetime,
    window: dt.timedelta = ANSWER_WINDOW,
    awake_after: AwakeAfter = plain_after,
) -> ProposalState:
    """The volunteer answers Ja / Nee / Liever niet nu.

    Ja: the resident is asked next (new deadline). Nee: the request reopens, the owner is
    told. Liever niet nu: as Nee, and no proposals for 4 weeks. Pressing the same answer
    again changes nothing. Raises `NotFound`, `NotAllowed` (not their proposal),
    `AnswerClosed` (answered otherwise, expired or withdrawn).
    """
    proposal, request = await _load(
        session, proposal_id, ProposalStatus.VOLUNTEER, volunteer, Role.VOLUNTEER
    )
    if proposal.volunteer_answer == answer:
        return _state(proposal, request)
    if proposal.status != ProposalStatus.VOLUNTEER:
        raise AnswerClosed()
    await _refuse_if_expired(session, proposal, request, Role.VOLUNTEER, now)
    proposal.volunteer_answer = answer
    proposal.volunteer_answered_at = now
    if answer == ProposalAnswer.YES:
        proposal.status = ProposalStatus.RESIDENT
        proposal.deadline_at = awake_after(now, window)
        resident = await session.get(Person, request.person_id)
        assert resident is not None  # the request cascades away with its resident
        await outbox.enqueue(
            session=session,
            person=resident,
            message_key=MessageKind.PROPOSAL_RESIDENT,
            due_at=now,
            not_after=proposal.deadline_at,
            dedup_key=f"{MessageKind.PROPOSAL_RESIDENT}:{proposal.id}",
            args={"proposal_id": proposal.id},
            now=now,
        )
        await session.flush()
        return _state(proposal, request)
    if answer == ProposalAnswer.NOT_NOW:
        await set_not_now(session=session, volunteer_id=volunteer.id, now=now)
    await _close(
        session=session,
        proposal=proposal,
        request=request,
        status=ProposalStatus.DECLINED,
        by=volunteer,
        side=Role.VOLUNTEER,
        answer=str(answer),
        now=now,
    )
    return _state(proposal, request)


async def answer_resident(
    *,
    session: AsyncSession,
    proposal_id: int,
    resident: Person,
    answer: ProposalAnswer,
    now: dt.datetime,
) -> ProposalState:
    """The resident answers Ja / Nee to being introduced to the volunteer. `resident` may
    also be the contact coordinator of a resident without Telegram, answering for them
    (`bot.domain.coupling.on_behalf.acts_for`); the couple is the resident's.

    Ja: a couple starts (request coupled; volunteer, resident and owner get
    `coupling_coupled`). Nee: the request reopens and the owner is told. Same answer again:
    no change. Raises `NotFound`, `NotAllowed`, `AnswerClosed`, `InvalidInput("answer")`
    for "not now" (volunteers only).
    """
    if answer == ProposalAnswer.NOT_NOW:
        raise InvalidInput("answer")
    proposal, request = await _load(
        session, proposal_id, ProposalStatus.RESIDENT, resident, Role.RESIDENT
    )
    answered_by = resident
    if resident.id != request.person_id:  # a coordinator answering for them
        resident = await on_behalf.resident_for(
            session=session, person=resident, resident_id=request.person_id
        )
    if proposal.resident_answer == answer:
        return _state(proposal, request, await _couple_id(session, proposal))
    if proposal.status != ProposalStatus.RESIDENT:
        raise AnswerClosed()
    await _refuse_if_expired(session, proposal, request, Role.RESIDENT, now)
    proposal.resident_answer = answer
    proposal.resident_answered_at = now
    if answer == ProposalAnswer.NO:
        await _close(
            session=session,
            proposal=proposal,
            request=request,
            status=ProposalStatus.DECLINED,
            by=answered_by,
            side=Role.RESIDENT,
            answer=str(answer),
            now=now,
        )
        return _state(proposal, request)
    proposal.status = ProposalStatus.ACCEPTED
    couple = await start_couple(
        session=session, request=request, volunteer_id=proposal.volunteer_id, now=now
    )
    await requests_.set_status(
        session=session, request=request, to=RequestStatus.COUPLED, by=answered_by, now=now
    )
    volunteer = await session.get(Person, proposal.volunteer_id)
    for person in (volunteer, resident):
        if person is not None:
            await outbox.enqueue(
                session=session,
                person=person,
                message_key=MessageKind.COUPLED,
                due_at=now,
                dedup_key=f"{MessageKind.COUPLED}:{couple.id}:{person.id}",
                args={"couple_id": couple.id},
                now=now,
            )
    await tell_owner(
        session=session,
        request=request,
        kind=MessageKind.COUPLED,
        args={"couple_id": couple.id},
        dedup=f"{couple.id}:owner",
        now=now,
    )
    return _state(proposal, request, couple.id)


async def _couple_id(session: AsyncSession, proposal: Proposal) -> int | None:
    from storage.models import Couple

    return await session.scalar(
        select(Couple.id).where(
            Couple.request_id == proposal.request_id, Couple.volunteer_id == proposal.volunteer_id
        )
    )


async def expire_due(*, session: AsyncSession, now: dt.datetime) -> list[int]:
    """Expire every waiting proposal whose deadline has passed: the request reopens and
    the owner is told (`coupling_proposal_expired`). Returns the proposal ids, ascending.
    Run it from a periodic job."""
    due = await session.scalars(
        select(Proposal)
        .where(
            Proposal.status.in_([str(s) for s in PENDING_PROPOSAL_STATUSES]),
            Proposal.deadline_at <= now,
        )
        .order_by(Proposal.id)
        .with_for_update(skip_locked=True)
    )
    expired = []
    for proposal in due.all():
        side = Role.VOLUNTEER if proposal.status == ProposalStatus.VOLUNTEER else Role.RESIDENT
        request = await requests_.get_request(session=session, request_id=proposal.request_id)
        await _close(
            session=session,
            proposal=proposal,
            request=request,
            status=ProposalStatus.EXPIRED,
            by=None,
            side=side,
            answer=None,
            now=now,
        )
        expired.append(proposal.id)
    return expired


async def withdraw_pending(*, session: AsyncSession, request_id: int, now: dt.datetime) -> int:
    """Withdraw the request's waiting proposals (request withdrawn, handed over or erased),
    and cancel their unsent questions. Returns how many."""
    rows = await session.scalars(
        select(Proposal).where(
            Proposal.request_id == request_id,
            Proposal.status.in_([str(s) for s in PENDING_PROPOSAL_STATUSES]),
        )
    )
    count = 0
    for proposal in rows.all():
        proposal.status = ProposalStatus.WITHDRAWN
        for kind, person_id in (
            (MessageKind.PROPOSAL_VOLUNTEER, proposal.volunteer_id),
            (MessageKind.PROPOSAL_RESIDENT, None),
        ):
            await _cancel(session, f"{kind}:{proposal.id}", person_id)
        count += 1
    await session.flush()
    return count


async def _cancel(session: AsyncSession, dedup_key: str, _person_id: int | None) -> None:
    from sqlalchemy import update

    from storage.models import OutboxMessage

    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedup_key == dedup_key, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
    )


async def _refuse_if_expired(
    session: AsyncSession, proposal: Proposal, request: HelpRequest, side: Role, now: dt.datetime
) -> None:
    """A late answer (at or after `deadline_at`, aware UTC): the proposal expires now and
    `AnswerClosed` is raised; otherwise nothing happens."""
    if now >= proposal.deadline_at:
        await _close(
            session=session,
            proposal=proposal,
            request=request,
            status=ProposalStatus.EXPIRED,
            by=None,
            side=side,
            answer=None,
            now=now,
        )
        raise AnswerClosed()


async def release_volunteer(*, session: AsyncSession, volunteer_id: int, now: dt.datetime) -> int:
    """Before a volunteer is erased: their waiting proposals are withdrawn and the requests
    reopen (by the bot), so no request stays "someone asked" for a person who is gone; the
    unsent questions are cancelled. Returns how many proposals were withdrawn."""
    rows = await session.scalars(
        select(Proposal).where(
            Proposal.volunteer_id == volunteer_id,
            Proposal.status.in_([str(s) for s in PENDING_PROPOSAL_STATUSES]),
        )
    )
    count = 0
    for proposal in rows.all():
        proposal.status = ProposalStatus.WITHDRAWN
        await _cancel(session, f"{MessageKind.PROPOSAL_VOLUNTEER}:{proposal.id}", volunteer_id)
        await _cancel(session, f"{MessageKind.PROPOSAL_RESIDENT}:{proposal.id}", None)
        request = await requests_.get_request(session=session, request_id=proposal.request_id)
        if request.status == RequestStatus.PROPOSED:
            await requests_.set_status(
                session=session, request=request, to=RequestStatus.OPEN, by=None, now=now
            )
        count += 1
    await session.flush()
    return count
