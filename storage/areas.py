"""Load the area division from a TOML file and query it.

File format: see `storage/data/areas-amsterdam-centrum.toml` (list `area` of tables with
key, name, level, optional parent, code, latitude, longitude). Loading is an upsert by key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import Area

LEVELS = ("stadsdeel", "gebied", "wijk", "buurt")


class AreaFileError(ValueError):
    """The area file is malformed (missing key, unknown parent, parent after child...)."""


def read_area_file(path: Path) -> list[dict[str, object]]:
    """Parse and check an area file; returns its entries in file order (parents first).

    Raises `AreaFileError` for a malformed file, `OSError` when it cannot be read.
    """
    with path.open("rb") as fh:
        try:
            entries = tomllib.load(fh).get("area", [])
        except tomllib.TOMLDecodeError as exc:
            raise AreaFileError(f"{path}: {exc}") from exc
    seen: set[str] = set()
    for entry in entries:
        key, level, parent = entry.get("key"), entry.get("level"), entry.get("parent")
        if not key or not entry.get("name"):
            raise AreaFileError(f"{path}: every area needs a key and a name ({entry!r})")
        if level not in LEVELS:
            raise AreaFileError(f"{path}: area {key!r} has unknown level {level!r}")
        if key in seen:
            raise AreaFileError(f"{path}: key {key!r} appears twice")
        if parent is not None and parent not in seen:
            raise AreaFileError(f"{path}: parent {parent!r} of {key!r} must come before it")
        seen.add(key)
    return entries


def load_areas(session: Session, path: Path) -> int:
    """Upsert every area of the file by key (sync session, used after migrations).

    Returns the number of areas in the file. Areas no longer in the file are kept (people and
    actions may refer to them).
    """
    entries = read_area_file(path)
    by_key = {a.key: a for a in session.scalars(select(Area))}
    for entry in entries:
        area = by_key.get(str(entry["key"]))
        if area is None:
            area = Area(key=str(entry["key"]))
            session.add(area)
            by_key[area.key] = area
        area.name = str(entry["name"])
        area.level = str(entry["level"])
        area.code = entry.get("code")  # type: ignore[assignment]
        area.latitude = entry.get("latitude")  # type: ignore[assignment]
        area.longitude = entry.get("longitude")  # type: ignore[assignment]
        parent_key = entry.get("parent")
        area.parent = by_key[str(parent_key)] if parent_key else None
        session.flush()
    return len(entries)


async def all_areas(session: AsyncSession) -> Sequence[Area]:
    """Every area, ordered by level then name."""
    rows = await session.scalars(select(Area))
    return sorted(rows, key=lambda a: (LEVELS.index(a.level), a.name))


async def find_area(session: AsyncSession, name_or_code: str) -> Area | None:
    """The area whose key, code or name equals `name_or_code` (case-insensitive)."""
    needle = name_or_code.strip().casefold()
    for area in await all_areas(session):
        if needle in (area.key.casefold(), (area.code or "").casefold(), area.name.casefold()):
            return area
    return None


async def descendant_ids(session: AsyncSession, area_id: int) -> set[int]:
    """Ids of the area and all areas below it (the tree is small: a few hundred rows)."""
    rows = (await session.execute(select(Area.id, Area.parent_id))).all()
    children: dict[int | None, list[int]] = {}
    for child, parent in rows:
        children.setdefault(parent, []).append(child)
    found, todo = {area_id}, [area_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


async def children(session: AsyncSession, area_id: int) -> Sequence[Area]:
    """Direct children of an area, by name."""
    rows = await session.scalars(select(Area).where(Area.parent_id == area_id).order_by(Area.name))
    return rows.all()


async def buurten_within(session: AsyncSession, area_id: int) -> Sequence[Area]:
    """All buurten at or below an area (the area itself when it is a buurt), by name."""
    ids = await descendant_ids(session, area_id)
    rows = await session.scalars(
        select(Area).where(Area.id.in_(ids), Area.level == "buurt").order_by(Area.name)
    )
    return rows.all()
