"""Partner organisations as data: loaded from a TOML file (like the areas) or added by a
coordinator; their staff (partner role) are linked with `PartnerMember`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.domain.coupling.requests import ancestor_ids
from bot.domain.coupling.vocabulary import OrganisationKind
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import Role
from storage.models import Area, Organisation, PartnerMember, Person

FIELDS_MAX = {"name": 120, "description": 300, "phone": 32, "walk_in_hours": 200}


class OrganisationFileError(ValueError):
    """The organisations file is malformed (missing field, unknown kind or area key)."""


def read_organisation_file(path: Path) -> list[dict[str, str]]:
    """Parse and check an organisations file (list `organisation` of tables with key, kind,
    name, area and optional description, phone, walk_in_hours). Raises
    `OrganisationFileError`, `OSError`."""
    with path.open("rb") as fh:
        try:
            entries = tomllib.load(fh).get("organisation", [])
        except tomllib.TOMLDecodeError as exc:
            raise OrganisationFileError(f"{path}: {exc}") from exc
    seen: set[str] = set()
    for entry in entries:
        key = entry.get("key")
        if not key or not entry.get("name") or not entry.get("area"):
            raise OrganisationFileError(f"{path}: every organisation needs key, name, area")
        if entry.get("kind") not in set(OrganisationKind):
            raise OrganisationFileError(f"{path}: {key!r} has unknown kind {entry.get('kind')!r}")
        if key in seen:
            raise OrganisationFileError(f"{path}: key {key!r} appears twice")
        for field, limit in FIELDS_MAX.items():
            if len(str(entry.get(field, ""))) > limit:
                raise OrganisationFileError(f"{path}: {key!r}: {field} longer than {limit}")
        seen.add(key)
    return entries


def load_organisations(session: Session, path: Path) -> int:
    """Upsert the file's organisations by key (sync session, after the areas are loaded).
    Returns their number. Raises `OrganisationFileError` for an unknown area key."""
    entries = read_organisation_file(path)
    areas = {a.key: a.id for a in session.scalars(select(Area))}
    existing = {o.key: o for o in session.scalars(select(Organisation)) if o.key}
    for entry in entries:
        if entry["area"] not in areas:
            raise OrganisationFileError(f"{path}: unknown area {entry['area']!r}")
        org = existing.get(entry["key"]) or Organisation(key=entry["key"])
        session.add(org)
        org.kind = entry["kind"]
        org.name = entry["name"]
        org.area_id = areas[entry["area"]]
        org.description = entry.get("description")
        org.phone = entry.get("phone")
        org.walk_in_hours = entry.get("walk_in_hours")
    session.flush()
    return len(entries)


@dataclass(frozen=True)
class SocialMapEntry:
    """One line of the sociale kaart: organisation id, kind, name, description, phone and
    walk-in hours (None where unknown)."""

    id: int
    kind: OrganisationKind
    name: str
    description: str | None
    phone: str | None
    walk_in_hours: str | None


async def social_map(*, session: AsyncSession, area_id: int) -> list[SocialMapEntry]:
    """Organisations serving an area (theirs or an area above it), by kind then name."""
    ids = await ancestor_ids(session, area_id)
    rows = await session.scalars(select(Organisation).where(Organisation.area_id.in_(ids)))
    orgs = sorted(rows, key=lambda o: (list(OrganisationKind).index(o.kind), o.name))
    return [
        SocialMapEntry(
            o.id, OrganisationKind(o.kind), o.name, o.description, o.phone, o.walk_in_hours
        )
        for o in orgs
    ]


async def add_organisation(
    *,
    session: AsyncSession,
    coordinator: Person,
    kind: OrganisationKind,
    name: str,
    area_id: int,
    description: str | None = None,
    phone: str | None = None,
    walk_in_hours: str | None = None,
) -> Organisation:
    """A coordinator adds an organisation in their area. Raises `NotAllowed`,
    `InvalidInput(field)` for an empty name or a field that is too long."""
    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        raise NotAllowed()
    if coordinator.area_id not in await ancestor_ids(session, area_id):
        raise NotAllowed()
    values = {
        "name": " ".join(name.split()),
        "description": description,
        "phone": phone,
        "walk_in_hours": walk_in_hours,
    }
    if not values["name"]:
        raise InvalidInput("name")
    for field, limit in FIELDS_MAX.items():
        if values[field] is not None and len(values[field]) > limit:
            raise InvalidInput(field)
    org = Organisation(kind=OrganisationKind(kind), area_id=area_id, **values)
    session.add(org)
    await session.flush()
    return org


async def link_partner(*, session: AsyncSession, person: Person, organisation_id: int) -> None:
    """Make a person staff of an organisation (from a partner invite that names it).
    Raises `NotFound` for an unknown organisation."""
    if await session.get(Organisation, organisation_id) is None:
        raise NotFound()
    member = await session.get(PartnerMember, person.id)
    if member is None:
        session.add(PartnerMember(person_id=person.id, organisation_id=organisation_id))
    else:
        member.organisation_id = organisation_id
    await session.flush()


async def organisation_of(*, session: AsyncSession, person_id: int) -> int | None:
    """The organisation id a partner belongs to, or None."""
    return await session.scalar(
        select(PartnerMember.organisation_id).where(PartnerMember.person_id == person_id)
    )
