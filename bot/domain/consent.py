"""Consent per purpose, versioned (AVG/GDPR art. 6(1)(a) and 7: consent is specific per
purpose and must be demonstrable).

Each purpose has a version number. When the text of a purpose changes in substance, or a
purpose is added, its version goes up; people whose stored consent is older (or missing)
are asked once at their next interaction (`missing_purposes`, `mark_asked`, then `record`
with their answer), and nothing new is used for them before: the domain chooses
recipients only among people who agreed to the current version (`agreed_clause` in SQL,
`has_consent` in Python): calls, coupling proposals, attendance. The texts themselves
live in `bot.views.consent` (domain code builds no user-facing text).

A row's `answer` is a `ConsentAnswer`: asked (shown, not answered: not asked again),
agreed or refused (both remembered until the purpose's version goes up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.vocabulary import ConsentAnswer, Role
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
    # Place signals a volunteer sends after an action, kept with their name so they hear
    # the answer (issue 10 §3; bot.domain.signals). Without it a signal is sent unlinked.
    Purpose("signals", 1, (Role.VOLUNTEER,)),
)
PURPOSE_KEYS = tuple(p.key for p in PURPOSES)


def purposes_for(role: str) -> list[Purpose]:
    """The current purposes that apply to a role, in PURPOSES order."""
    return [p for p in PURPOSES if role in p.roles]


async def consents_of(*, session: AsyncSession, person_id: int) -> dict[str, PersonConsent]:
    """The person's stored consents by purpose key."""
    rows = await session.scalars(select(PersonConsent).where(PersonConsent.person_id == person_id))
    return {row.purpose: row for row in rows.all()}


def current_version(key: str) -> int:
    """The current version of purpose `key`; raises `InvalidInput('purpose')` if unknown."""
    for p in PURPOSES:
        if p.key == key:
            return p.version
    raise InvalidInput("purpose")


def agreed_clause(key: str) -> ColumnElement[bool]:
    """SQL: `Person` agreed to the current version of purpose `key` (for the queries that
    choose recipients; correlates with `Person.id`). Raises `InvalidInput` if unknown."""
    return exists().where(
        PersonConsent.person_id == Person.id,
        PersonConsent.purpose == key,
        PersonConsent.version >= current_version(key),
        PersonConsent.answer == ConsentAnswer.AGREED,
    )


async def missing_purposes(*, session: AsyncSession, person: Person) -> list[Purpose]:
    """Purposes for the person's role they were never asked about at the current version
    (no row, or a row for an older version): what to ask at the person's next interaction.
    A purpose asked and not yet answered, agreed or refused at the current version is not
    missing (people are asked once)."""
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
    return (
        row is not None and row.version >= current[purpose] and row.answer == ConsentAnswer.AGREED
    )


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
        await _set(session, person.id, key, current[key], ConsentAnswer.AGREED, now)
    await session.flush()


async def _set(
    session: AsyncSession, person_id: int, key: str, version: int, answer: str, now: dt.datetime
) -> None:
    row = await session.get(PersonConsent, (person_id, key))
    if row is None:
        session.add(
            PersonConsent(
                person_id=person_id, purpose=key, version=version, given_at=now, answer=answer
            )
        )
    else:
        row.version, row.given_at, row.answer = version, now, answer


async def mark_asked(
    *, session: AsyncSession, person: Person, purposes: Iterable[Purpose], now: dt.datetime
) -> None:
    """Remember that the person was shown the question for these purposes (current
    versions), so they are asked once; their data is not used for them until they agree."""
    for p in purposes:
        await _set(session, person.id, p.key, p.version, ConsentAnswer.ASKED, now)
    await session.flush()


async def asked_purposes(*, session: AsyncSession, person: Person) -> list[Purpose]:
    """The person's purposes (PURPOSES order) whose question at the current version is
    still unanswered."""
    given = await consents_of(session=session, person_id=person.id)
    return [
        p
        for p in purposes_for(person.role)
        if p.key in given
        and given[p.key].version == p.version
        and given[p.key].answer == ConsentAnswer.ASKED
    ]


async def record(
    *,
    session: AsyncSession,
    person: Person,
    purpose: str,
    version: int,
    agreed: bool,
    now: dt.datetime,
) -> None:
    """The person's answer to the question about `purpose` at `version` (from a button).

    Only an open question is answered: the purpose must apply to their role, be at that
    version now, and have been asked (`mark_asked`) and not answered; otherwise (a forged,
    old or repeated press) raises `NotFound` and nothing changes.
    """
    row = await session.get(PersonConsent, (person.id, purpose))
    applies = any(p.key == purpose and p.version == version for p in purposes_for(person.role))
    if not applies or row is None or row.version != version or row.answer != ConsentAnswer.ASKED:
        raise NotFound()
    row.answer = ConsentAnswer.AGREED if agreed else ConsentAnswer.REFUSED
    row.given_at = now
    await session.flush()


async def withdraw(*, session: AsyncSession, person: Person, purpose: str) -> None:
    """Forget the consent to one purpose (it is then missing again)."""
    row = await session.get(PersonConsent, (person.id, purpose))
    if row is not None:
        await session.delete(row)
        await session.flush()
