"""Residents' help requests as coordinators see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, consent, outbox
from bot.domain.actions import require_coordinator
from bot.domain.tasks import TASKS
from bot.domain.vocabulary import HelpRequestStatus, Role
from storage.models import Area, HelpRequest, HelpRequestTask, Offer, Person


@dataclass(frozen=True)
class ResidentNeeds:
    """One resident with open help requests: first name, buurt (or area) name, language,
    the task codes they would like help with and can offer (in list order), and when they
    signed up (aware UTC)."""

    name: str
    place: str
    language: str
    wants: list[str]
    offers: list[str]
    since: dt.datetime


@dataclass(frozen=True)
class NeedsPage:
    """One page of `open_help_requests`: the residents shown, how many there are in all, and
    the index of the first one shown (0-based)."""

    items: list[ResidentNeeds]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.offset - len(self.items))


async def help_request_page(
    *, session: AsyncSession, coordinator: Person, offset: int = 0, limit: int = 8
) -> NeedsPage:
    """`limit` residents with open help requests in the coordinator's area from `offset`
    (newest first), with the total. Raises `NotAllowed` for anyone but a coordinator."""
    require_coordinator(coordinator)
    ids = (await areas.tree(session)).descendant_ids(coordinator.area_id)
    total = await session.scalar(
        select(func.count()).select_from(Person).where(*_with_open_requests(ids))
    )
    items = await open_help_requests(
        session=session, coordinator=coordinator, offset=offset, limit=limit
    )
    return NeedsPage(items=items, total=total or 0, offset=max(0, offset))


def _with_open_requests(area_ids: set[int]) -> tuple[Any, ...]:
    """Residents with an open request whose home area (the request's area: the resident's
    buurt, else the invite's area) lies in `area_ids`: the rule the notice uses too."""
    return (
        Person.role == Role.RESIDENT,
        Person.id.in_(
            select(HelpRequest.person_id).where(
                HelpRequest.status == HelpRequestStatus.OPEN, HelpRequest.area_id.in_(area_ids)
            )
        ),
    )


async def open_help_requests(
    *, session: AsyncSession, coordinator: Person, limit: int = 30, offset: int = 0
) -> list[ResidentNeeds]:
    """Residents in the coordinator's area with open help requests, newest first (`limit`
    of them from `offset`).

    "In the area" is the request's home area (the resident's buurt, else the invite's
    area), the same rule as the notice in `tell_coordinators`.
    Raises `NotAllowed` for anyone but a coordinator.
    """
    require_coordinator(coordinator)
    ids = (await areas.tree(session)).descendant_ids(coordinator.area_id)
    residents = await session.scalars(
        select(Person)
        .where(*_with_open_requests(ids))
        .order_by(Person.created_at.desc(), Person.id.desc())
        .offset(max(0, offset))
        .limit(limit)
    )
    result = []
    for person in residents.all():
        place = await session.get(Area, person.home_area_id)
        wants = set(
            await session.scalars(
                select(HelpRequestTask.task)
                .join(HelpRequest, HelpRequest.id == HelpRequestTask.request_id)
                .where(
                    HelpRequest.person_id == person.id, HelpRequest.status == HelpRequestStatus.OPEN
                )
            )
        )
        offers = set(await session.scalars(select(Offer.task).where(Offer.person_id == person.id)))
        result.append(
            ResidentNeeds(
                name=person.display_name,
                place=place.name if place else "?",
                language=person.language,
                wants=[t for t in TASKS if t in wants],
                offers=[t for t in TASKS if t in offers],
                since=person.created_at,
            )
        )
    return result


async def tell_coordinators(*, session: AsyncSession, resident: Person, now: dt.datetime) -> int:
    """Queue a short notice to every active coordinator whose area holds the resident's home
    (buurt, else the invite's area), when the resident asked for help. The notice carries
    only the buurt name, no personal details; `/hulpvragen` shows the rest to coordinators.
    Only coordinators who agreed to 'relaying' (passing on messages) are told.
    Returns the number of coordinators told.
    """
    if resident.role != Role.RESIDENT:
        return 0
    wants = await session.scalar(
        select(HelpRequest.id).where(HelpRequest.person_id == resident.id).limit(1)
    )
    if wants is None:
        return 0
    home = resident.home_area_id
    place = await session.get(Area, home)
    coordinators = await session.scalars(
        select(Person).where(
            Person.role == Role.COORDINATOR,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            consent.agreed_clause("relaying"),  # passing on messages (bot.domain.consent)
        )
    )
    told = 0
    tree = await areas.tree(session)
    for coordinator in coordinators.all():
        if home not in tree.descendant_ids(coordinator.area_id):
            continue
        await outbox.enqueue(
            session=session,
            person=coordinator,
            message_key="help_request_new",
            due_at=now,
            dedup_key=f"help_request_new:{resident.id}:{coordinator.id}",
            args={"place": place.name if place else ""},
            now=now,
        )
        told += 1
    return told
