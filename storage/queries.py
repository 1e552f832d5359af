"""Read queries shared by several domain modules."""

from __future__ import annotations

from sqlalchemy import select, text
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


async def without_jit(session: AsyncSession) -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction (`SET LOCAL jit =
    off`; a no-op on SQLite).

    For big set queries (a call's recipients): their cost estimate crosses
    `jit_above_cost` and PostgreSQL then spent 2.8 of 4.8 s compiling the recipient query
    of a 50,000-person call (EXPLAIN ANALYZE "JIT: Timing ... Total 2843 ms", issue 11);
    the query itself runs in well under the compile time.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))
