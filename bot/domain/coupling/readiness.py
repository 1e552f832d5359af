"""The coordinator's "klaar voor koppelen" list: volunteers of their area and whether they
are ready for one-to-one coupling (issue 6 §0: only after a kennismaking)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.actions import require_coordinator
from bot.domain.vocabulary import Role
from storage.models import CouplingProfile, Person


@dataclass(frozen=True)
class VolunteerReadiness:
    """A volunteer's id, first name, whether a coordinator marked them ready, and the day
    a coordinator saw their VOG (None: not noted)."""

    id: int
    name: str
    ready: bool
    vog_date: dt.date | None = None


@dataclass(frozen=True)
class ReadinessPage:
    """One page of volunteers (by name), the total and the first index."""

    items: list[VolunteerReadiness]
    total: int
    offset: int


async def readiness_page(
    *, session: AsyncSession, coordinator: Person, offset: int = 0, limit: int = 8
) -> ReadinessPage:
    """Signed-up, not stopped volunteers living in the coordinator's area (their home
    area lies in it), by first name. Raises `NotAllowed` for anyone but a coordinator."""
    require_coordinator(coordinator)
    ids = (await areas.tree(session)).descendant_ids(coordinator.area_id)
    home = func.coalesce(Person.buurt_id, Person.area_id)
    where = (
        Person.role == Role.VOLUNTEER,
        Person.onboarded_at.is_not(None),
        Person.stopped_at.is_(None),
        home.in_(ids),
    )
    total = await session.scalar(select(func.count()).select_from(Person).where(*where))
    rows = await session.execute(
        select(Person.id, Person.display_name, CouplingProfile.ready_at, CouplingProfile.vog_date)
        .outerjoin(CouplingProfile, CouplingProfile.person_id == Person.id)
        .where(*where)
        .order_by(Person.display_name, Person.id)
        .offset(max(0, offset))
        .limit(limit)
    )
    items = [
        VolunteerReadiness(i, name, ready is not None, vog) for i, name, ready, vog in rows.all()
    ]
    return ReadinessPage(items=items, total=total or 0, offset=max(0, offset))
