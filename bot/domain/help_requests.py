"""The notice to coordinators when a resident asks for help in sign-up (the list and the
rest of the coupling loop are in `bot.domain.coupling`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, consent, outbox
from bot.domain.vocabulary import Role
from storage.models import Area, HelpRequest, Person


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
        select(HelpRequest).where(HelpRequest.person_id == resident.id).limit(1)
    )
    if wants is None:
        return 0
    # told now: /hulpvraag's "Done" does not tell them twice, and the request is raised
    # again 2 working days from now if nobody takes it on
    wants.raised_at = wants.raised_at or now
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
