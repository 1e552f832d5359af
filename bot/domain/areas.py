"""Scope questions about the area tree: within, siblings, path, related.

The tree (stadsdeel > gebied > wijk > buurt, from the area file) changes only at
`wijkbot migrate`, so it is read once per database engine and kept in memory. Each use checks
a fingerprint (row count and highest id, one indexed query) so a tree loaded by a migration in
another process, or by a test, is picked up without a restart.

Every "is this area within the coordinator's area?" question in the bot goes through here.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.vocabulary import AreaLevel
from storage.models import Area


@dataclass(frozen=True)
class AreaNode:
    """One area as the views need it: id, name, level, parent id."""

    id: int
    name: str
    level: str
    parent_id: int | None
    key: str


@dataclass
class AreaTree:
    """The whole tree in memory: nodes by id and children by parent id (sorted by name)."""

    nodes: dict[int, AreaNode]
    children: dict[int | None, list[int]] = field(default_factory=dict)
    fingerprint: tuple[int, int] = (0, 0)

    def get(self, area_id: int | None) -> AreaNode | None:
        """The area with this id, or None."""
        return self.nodes.get(area_id) if area_id is not None else None

    def name(self, area_id: int | None) -> str:
        """The area's name, or '?' for an unknown id (an area removed from the file)."""
        node = self.get(area_id)
        return node.name if node else "?"

    def path(self, area_id: int) -> list[AreaNode]:
        """From the root down to the area (empty for an unknown id)."""
        found: list[AreaNode] = []
        current = self.get(area_id)
        while current is not None and current not in found:
            found.append(current)
            current = self.get(current.parent_id)
        return list(reversed(found))

    def ancestor_ids(self, area_id: int) -> set[int]:
        """The area and every area above it."""
        return {node.id for node in self.path(area_id)}

    def descendant_ids(self, area_id: int) -> set[int]:
        """The area and every area below it."""
        if area_id not in self.nodes:
            return set()
        found, todo = {area_id}, [area_id]
        while todo:
            for child in self.children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def within(self, area_id: int | None, scope_id: int | None) -> bool:
        """True when `area_id` is `scope_id` or lies below it."""
        if area_id is None or scope_id is None:
            return False
        return scope_id in self.ancestor_ids(area_id)

    def related_ids(self, area_id: int) -> set[int]:
        """The area, everything below it and everything above it.

        A volunteer whose home area is in this set is 'in' an action's area: a volunteer of the
        whole wijk is asked for an action in one of its buurten, and a volunteer of a buurt for
        an action of the whole wijk.
        """
        return self.descendant_ids(area_id) | self.ancestor_ids(area_id)

    def children_of(self, area_id: int | None) -> list[AreaNode]:
        """Direct children, by name."""
        return [self.nodes[i] for i in self.children.get(area_id, [])]

    def siblings(self, area_id: int) -> list[AreaNode]:
        """The other children of the area's parent (e.g. the other buurten of its wijk)."""
        node = self.get(area_id)
        if node is None:
            return []
        return [n for n in self.children_of(node.parent_id) if n.id != area_id]

    def buurten_within(self, area_id: int) -> list[AreaNode]:
        """Every buurt at or below the area (the area itself when it is a buurt), by name."""
        ids = self.descendant_ids(area_id)
        found = [n for n in self.nodes.values() if n.id in ids and n.level == AreaLevel.BUURT]
        return sorted(found, key=lambda n: n.name)

    def nearest(self, area_id: int, level: AreaLevel) -> AreaNode | None:
        """The area itself or its closest ancestor at `level` (e.g. the wijk of a buurt)."""
        for node in reversed(self.path(area_id)):
            if node.level == level:
                return node
        return None


_cache: weakref.WeakKeyDictionary[Any, AreaTree] = weakref.WeakKeyDictionary()


async def tree(session: AsyncSession) -> AreaTree:
    """The area tree of the session's database (cached per engine, see the module docstring)."""
    engine = session.bind.engine if hasattr(session.bind, "engine") else session.bind
    row = (await session.execute(select(func.count(Area.id), func.max(Area.id)))).one()
    fingerprint = (int(row[0] or 0), int(row[1] or 0))
    cached = _cache.get(engine)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    rows = (await session.scalars(select(Area).order_by(Area.id))).all()
    nodes = {
        a.id: AreaNode(id=a.id, name=a.name, level=a.level, parent_id=a.parent_id, key=a.key)
        for a in rows
    }
    children: dict[int | None, list[int]] = {}
    for node in sorted(nodes.values(), key=lambda n: n.name):
        children.setdefault(node.parent_id, []).append(node.id)
    built = AreaTree(nodes=nodes, children=children, fingerprint=fingerprint)
    _cache[engine] = built
    return built
