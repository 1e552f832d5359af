"""Consent per purpose, versioned (AVG/GDPR art. 6(1)(a) and 7: consent is specific per
purpose and must be demonstrable).

Each purpose has a version number. When the text of a purpose changes in substance, or a
purpose is added, its version goes up; people whose stored consent is older (or missing)
are asked again at their next interaction (`missing_purposes`), and nothing new is used
for them before (`has_consent`). The texts themselves live in `bot.views.consent`
(domain code builds no user-facing text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput
from bot.domain.vocabulary import Role
from storage.models import Person, PersonConsent


@dataclass(frozen=True)
class Purpose:
    """A reason to use someone's data; `roles` are the roles it applies to."""

    key: str
    version: int
    roles: tuple[str, ...]


#: The current purposes. Add one (or raise a version) and people are asked at their next
#: interaction. Keys are stored in person_consent.purpose.
PURPOSES: tuple[Purpose, ...] = (
    # Calls for actions that fit where and when you can help (volunteers).
    Purpose("calls", 1, (Role.VOLUNTEER,)),
    # Coupling a volunteer and a resident who asked for help (buddy matches).
    # v2: names what matching uses (buurt, languages, tasks, times, maximum, readiness).
    Purpose("coupling", 2, (Role.VOLUNTEER, Role.RESIDENT)),
    # Relaying messages between people through the bot (coordinators, couples).
    Purpose("relaying", 1, (Role.COORDINATOR, Role.VOLUNTEER, Role.RESIDENT)),
    # Recording who answered and who came to an action (attendance).
    Purpose("attendance", 1, (Role.VOLUNTEER,)),
    # What a volunteer records after an action, linked to them for a while (issue 10).
    Purpose("results", 1, (Role.VOLUNTEER,)),
    # Which invite, flyer or action someone signed up through (issue 10, overview).
    Purpose("sign_up_source", 1, (Role.VOLUNTEER, Role.RESIDENT)),
)
PURPOSE_KEYS = tuple(p.key for p in PURPOSES)


def purposes_for(role: str) -> list[Purpose]:
    """The current purposes that apply to a role, in PURPOSES order."""
    return [p for p in PURPOSES if role in p.roles]


async def consents_of(*, session: AsyncSession, person_id: int) -> dict[str, PersonConsent]:
    """The person's stored consents by purpose key."""
    rows = await session.scalars(select(PersonConsent).where(PersonConsent.person_id == person_id))
    return {row.purpose: row for row in rows.all()}


async def missing_purposes(*, session: AsyncSession, person: Person) -> list[Purpose]:
    """Purposes for the person's role with no consent, or consent to an older version:
    what a handler should ask at the person's next interaction."""
    given = await consents_of(session=session, person_id=person.id)
    return [
        p
        for p in purposes_for(person.role)
        if p.key not in given or given[p.key].version < p.version
    ]


async def has_consent(*, session: AsyncSession, person: Person, purpose: str) -> bool:
    """True when the person agreed to the current version of `purpose`."""
    current = {p.key: p.version for p in PURPOSES}
    if purpose not in current:
        raise InvalidInput("purpose")
    row = await session.get(PersonConsent, (person.id, purpose))
    return row is not None and row.version >= current[purpose]


async def give(
    *, session: AsyncSession, person: Person, purposes: Iterable[str], now: dt.datetime
) -> None:
    """Record consent to the current version of each purpose (now, aware UTC).

    Raises `InvalidInput('purpose')` for an unknown purpose key.
    """
    current = {p.key: p.version for p in PURPOSES}
    for key in dict.fromkeys(purposes):
        if key not in current:
            raise InvalidInput("purpose")
        row = await session.get(PersonConsent, (person.id, key))
        if row is None:
            session.add(
                PersonConsent(person_id=person.id, purpose=key, version=current[key], given_at=now)
            )
        else:
            row.version, row.given_at = current[key], now
    await session.flush()


async def withdraw(*, session: AsyncSession, person: Person, purpose: str) -> None:
    """Forget the consent to one purpose (it is then missing again)."""
    row = await session.get(PersonConsent, (person.id, purpose))
    if row is not None:
        await session.delete(row)
        await session.flush()
