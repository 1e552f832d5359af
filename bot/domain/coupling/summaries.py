"""What the chat shows of help requests and proposals: plain dataclasses for the views.

`request_summary` (one request), `my_request` (a resident's own), `area_requests` (a
coordinator's list, the same area rule as the notice: the request's home area lies in the
coordinator's area) and `proposal_facts` (what a proposal message shows each side).
No text is built here; names are first names only (no surname, no contact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.actions import require_coordinator
from bot.domain.coupling import requests as requests_
from bot.domain.errors import NotFound
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES
from bot.domain.vocabulary import (
    PENDING_PROPOSAL_STATUSES,
    ProposalStatus,
    RequestStatus,
)
from storage.models import (
    Couple,
    HelpRequest,
    HelpRequestLanguage,
    HelpRequestSlot,
    HelpRequestTask,
    Person,
    Proposal,
)

#: Statuses a coordinator's /hulpvragen shows (closed ones are done).
LISTED_STATUSES = (RequestStatus.OPEN, RequestStatus.PROPOSED, RequestStatus.COUPLED)


@dataclass(frozen=True)
class RequestSummary:
    """One help request as the chat shows it: id, status, the resident's first name and
    language, the name of its home area, task and language codes (list order), weekly
    slots, note, the owner's first name (None: nobody yet), the coupled volunteer's first
    name (None unless coupled), when it was asked (aware UTC)."""

    id: int
    status: RequestStatus
    resident_id: int
    resident_name: str
    resident_language: str
    place: str
    tasks: list[str]
    languages: list[str]
    slots: list[tuple[int, str]]
    note: str | None
    owner_id: int | None
    owner_name: str | None
    volunteer_name: str | None
    created_at: dt.datetime


async def request_summary(*, session: AsyncSession, request_id: int) -> RequestSummary:
    """The request as the views show it. Raises `NotFound`."""
    request = await session.get(HelpRequest, request_id)
    if request is None:
        raise NotFound()
    resident = await session.get(Person, request.person_id)
    assert resident is not None  # the request cascades away with its resident
    owner = await session.get(Person, request.owner_id) if request.owner_id else None
    tasks = set(
        await session.scalars(
            select(HelpRequestTask.task).where(HelpRequestTask.request_id == request.id)
        )
    )
    langs = set(
        await session.scalars(
            select(HelpRequestLanguage.language).where(HelpRequestLanguage.request_id == request.id)
        )
    )
    slots = await session.execute(
        select(HelpRequestSlot.weekday, HelpRequestSlot.day_part)
        .where(HelpRequestSlot.request_id == request.id)
        .order_by(HelpRequestSlot.weekday)
    )
    volunteer_name = None
    if request.status == RequestStatus.COUPLED:
        volunteer_name = await session.scalar(
            select(Person.display_name)
            .join(Couple, Couple.volunteer_id == Person.id)
            .where(Couple.request_id == request.id, Couple.ended_at.is_(None))
            .limit(1)
        )
    tree = await areas.tree(session)
    return RequestSummary(
        id=request.id,
        status=RequestStatus(request.status),
        resident_id=resident.id,
        resident_name=resident.display_name,
        resident_language=resident.language,
        place=tree.name(request.area_id),
        tasks=[t for t in HELP_REQUEST_TASKS if t in tasks],
        languages=[c for c in SPOKEN_LANGUAGES if c in langs],
        slots=[(w, p) for w, p in slots.all()],
        note=request.note,
        owner_id=request.owner_id,
        owner_name=owner.display_name if owner else None,
        volunteer_name=volunteer_name,
        created_at=request.created_at,
    )


async def my_request(*, session: AsyncSession, resident: Person) -> RequestSummary | None:
    """The resident's active (not closed) request, or None."""
    request = await requests_.active_request(session=session, resident_id=resident.id)
    if request is None:
        return None
    return await request_summary(session=session, request_id=request.id)


@dataclass(frozen=True)
class RequestPage:
    """One page of a coordinator's requests: the summaries, the total, the first index."""

    items: list[RequestSummary]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.offset - len(self.items))


async def area_requests(
    *, session: AsyncSession, coordinator: Person, offset: int = 0, limit: int = 5
) -> RequestPage:
    """Open, proposed and coupled requests whose home area lies in the coordinator's area
    (the notice's rule: a Centrum-wide resident in a Jordaan buurt is the Jordaan
    coordinator's too), open ones first, then newest first. Raises `NotAllowed`."""
    require_coordinator(coordinator)
    ids = (await areas.tree(session)).descendant_ids(coordinator.area_id)
    where = (
        HelpRequest.area_id.in_(ids),
        HelpRequest.status.in_([str(s) for s in LISTED_STATUSES]),
    )
    total = await session.scalar(select(func.count()).select_from(HelpRequest).where(*where))
    rows = await session.scalars(
        select(HelpRequest.id)
        .where(*where)
        .order_by(
            (HelpRequest.status != RequestStatus.OPEN),
            HelpRequest.created_at.desc(),
            HelpRequest.id.desc(),
        )
        .offset(max(0, offset))
        .limit(limit)
    )
    items = [await request_summary(session=session, request_id=i) for i in rows.all()]
    return RequestPage(items=items, total=total or 0, offset=max(0, offset))


@dataclass(frozen=True)
class ProposalFacts:
    """What a proposal message shows: the proposal's id and status, the request, the
    volunteer's first name and home area name."""

    proposal_id: int
    status: ProposalStatus
    request: RequestSummary
    volunteer_id: int
    volunteer_name: str
    volunteer_place: str

    @property
    def pending(self) -> bool:
        """True while an answer is still awaited."""
        return self.status in PENDING_PROPOSAL_STATUSES


async def proposal_facts(*, session: AsyncSession, proposal_id: int) -> ProposalFacts:
    """Load a proposal for its messages. Raises `NotFound` (erased or unknown)."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound()
    volunteer = await session.get(Person, proposal.volunteer_id)
    if volunteer is None:
        raise NotFound()
    tree = await areas.tree(session)
    return ProposalFacts(
        proposal_id=proposal.id,
        status=ProposalStatus(proposal.status),
        request=await request_summary(session=session, request_id=proposal.request_id),
        volunteer_id=volunteer.id,
        volunteer_name=volunteer.display_name,
        volunteer_place=tree.name(volunteer.home_area_id),
    )
