"""Read queries shared by several domain modules."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.areas import descendant_ids
from storage.models import Area


async def ancestor_ids(session: AsyncSession, area_id: int) -> set[int]:
    """Ids of the area and every area above it."""
    rows = dict((await session.execute(select(Area.id, Area.parent_id))).all())
    found: set[int] = set()
    current: int | None = area_id
    while current is not None and current not in found:
        found.add(current)
        current = rows.get(current)
    return found


async def related_area_ids(session: AsyncSession, area_id: int) -> set[int]:
    """The area, everything below it and everything above it.

    A person whose home area is in this set is 'in' an action's area: a volunteer of the
    whole wijk is asked for an action in one of its buurten, and a volunteer of a buurt for
    an action of the whole wijk.
    """
    return await descendant_ids(session, area_id) | await ancestor_ids(session, area_id)
