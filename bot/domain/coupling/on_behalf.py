"""Residents without Telegram, registered on their behalf by a coordinator (issue 6 §0).

A network coordinator (never a partner) registers the resident and one help request in a
short dialogue (/namens): first name, buurt (within the coordinator's area), languages,
tasks, times, an optional note and a phone number to call back. The resident gave consent
orally; what is stored is to whom and on which day (`offline_resident.consent_by_id`,
`consent_on`), rendered as "mondeling, aan <first name>, <date>".

The resident is a `person` row without Telegram ids. Their request goes through the same
loop (suggestions, proposal to the volunteer). Wherever the resident would get a message
(proposal Ja/Nee, introduction, check-ins, hand-over question, kennismaking) the outbox
sends it to their **contact** instead (the coordinator who registered them and owns their
request; `bot.domain.outbox.enqueue` routes it and marks it with `FOR_RESIDENT`), who
answers for them (`acts_for`) and relays by phone.

Who sees the phone number: coordinators of the resident's area (`require_area_coordinator`)
and the contact. Never partner staff or volunteers (they get the request's facts without
it; the introduction names the coordinator as the contact).

Privacy: the phone number and the consent record are erased with the person (a
coordinator of the area can erase them: `erase_resident`), and by retention
`OFFLINE_KEEP` (90 days) after their last request closed (`purge_closed`), the same 90 days
as answers and relay ids (AVG art. 5(1)(e), issue 9's default). When their contact is
erased, another coordinator of the area becomes their contact (`hand_over_contacts`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, consent
from bot.domain.actions import require_coordinator
from bot.domain.coupling import requests as requests_
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.outbox import FOR_RESIDENT  # re-exported: the outbox routes by it
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES
from bot.domain.vocabulary import ACTIVE_REQUEST_STATUSES, Role
from storage.models import HelpRequest, OfflineResident, Person, PersonLanguage

#: A first name as typed: 1..40 characters after trimming.
NAME_MAX = 40
#: Retention after the resident's last request closed (see the module docstring).
OFFLINE_KEEP = dt.timedelta(days=90)
#: The consent purposes the resident agreed to orally: coupling and relaying through
#: their contact (bot.domain.consent.PURPOSES).
ORAL_PURPOSES = ("coupling", "relaying")
__all__ = ["FOR_RESIDENT", "OfflineFacts"]
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{7,19}")


@dataclass(frozen=True)
class OfflineFacts:
    """What the area's coordinators see of a resident without Telegram: person id, first
    name, phone, the first name of the coordinator consent was given to (None when erased)
    and the local date, and the contact's person id (None: nobody at the moment)."""

    person_id: int
    name: str
    phone: str
    consent_to: str | None
    consent_on: dt.date
    contact_id: int | None


def clean_phone(text: str) -> str:
    """A phone number as typed, trimmed: 8 to 15 digits, optionally a leading +, spaces
    or dashes between. Raises `InvalidInput("phone")` otherwise."""
    phone = " ".join(text.split())
    digits = re.sub(r"\D", "", phone)
    if not _PHONE.fullmatch(phone) or not 8 <= len(digits) <= 15:
        raise InvalidInput("phone")
    return phone


def clean_name(text: str) -> str:
    """A first name: whitespace collapsed, 1..`NAME_MAX` characters, not a command.
    Raises `InvalidInput("name")` otherwise."""
    name = " ".join(text.split())
    if not name or len(name) > NAME_MAX or name.startswith("/"):
        raise InvalidInput("name")
    return name


async def buurt_choices(
    *, session: AsyncSession, coordinator: Person | None
) -> list[tuple[int, str]]:
    """The buurten within the coordinator's area, by name: (area id, name). Raises
    `NotAllowed` for anyone but a signed-up coordinator (partners included)."""
    require_coordinator(coordinator)
    assert coordinator is not None
    tree = await areas.tree(session)
    return [(n.id, n.name) for n in tree.buurten_within(coordinator.area_id)]


async def register(
    *,
    session: AsyncSession,
    coordinator: Person | None,
    first_name: str,
    buurt_id: int,
    languages: Iterable[str],
    tasks: Iterable[str],
    slots: Iterable[tuple[int, str]],
    note: str | None,
    phone: str,
    now: dt.datetime,
    tz: ZoneInfo,
) -> HelpRequest:
    """Register a resident without Telegram and their open help request, owned by the
    coordinator, who is also their contact. Consent (purposes `ORAL_PURPOSES`) is recorded
    as given orally to the coordinator today (`tz` wall clock).

    Raises `NotAllowed` (not a signed-up coordinator), `NotFound` (a buurt outside their
    area: one answer for a forged id), `InvalidInput` ("name", "phone", "tasks" when none
    or unknown, "languages" when none or unknown, "slot", "note")."""
    coordinator = require_coordinator(coordinator)
    name = clean_name(first_name)
    number = clean_phone(phone)
    tasks = sorted(set(tasks))
    languages = sorted(set(languages))
    if not tasks or any(t not in HELP_REQUEST_TASKS for t in tasks):
        raise InvalidInput("tasks")
    if not languages or any(code not in SPOKEN_LANGUAGES for code in languages):
        raise InvalidInput("languages")
    if buurt_id not in {
        i for i, _ in await buurt_choices(session=session, coordinator=coordinator)
    }:
        raise NotFound()
    resident = Person(
        telegram_user_id=None,
        chat_id=None,
        display_name=name,
        role=Role.RESIDENT,
        area_id=coordinator.area_id,
        buurt_id=buurt_id,
        language=coordinator.language,
        consent_at=now,
        onboarded_at=now,
        created_at=now,
        language_rows=[PersonLanguage(language=code) for code in languages],
    )
    session.add(resident)
    await session.flush()
    session.add(
        OfflineResident(
            person_id=resident.id,
            phone=number,
            consent_by_id=coordinator.id,
            consent_on=now.astimezone(tz).date(),
            contact_id=coordinator.id,
            created_at=now,
        )
    )
    await consent.give(session=session, person=resident, purposes=ORAL_PURPOSES, now=now)
    request = await requests_.create_request(
        session=session,
        resident=resident,
        tasks=tasks,
        now=now,
        languages=languages,
        slots=slots,
        note=note,
        by=coordinator,
    )
    request.owner_id = coordinator.id
    await session.flush()
    return request


async def offline_row(*, session: AsyncSession, person_id: int) -> OfflineResident | None:
    """The resident's `offline_resident` row, or None (they use Telegram themselves)."""
    return await session.get(OfflineResident, person_id)


async def facts(*, session: AsyncSession, person_id: int) -> OfflineFacts | None:
    """The offline facts of a resident (see `OfflineFacts`), or None for anyone else.
    Callers show them only to the area's coordinators."""
    row = await session.get(OfflineResident, person_id)
    resident = await session.get(Person, person_id)
    if row is None or resident is None:
        return None
    given_to = (
        await session.scalar(select(Person.display_name).where(Person.id == row.consent_by_id))
        if row.consent_by_id is not None
        else None
    )
    return OfflineFacts(
        person_id=person_id,
        name=resident.display_name,
        phone=row.phone,
        consent_to=given_to,
        consent_on=row.consent_on,
        contact_id=row.contact_id,
    )


async def may_see(*, session: AsyncSession, person: Person | None, resident_id: int) -> bool:
    """True when `person` may see an offline resident's phone number and consent record:
    a signed-up coordinator whose area holds the resident's home area (never a partner or
    a volunteer), or their contact."""
    resident = await session.get(Person, resident_id)
    if person is None or resident is None or person.role != Role.COORDINATOR:
        return False
    if person.onboarded_at is None:
        return False
    row = await session.get(OfflineResident, resident_id)
    if row is not None and row.contact_id == person.id:
        return True
    return person.area_id in await requests_.ancestor_ids(session, resident.home_area_id)


async def acts_for(*, session: AsyncSession, person: Person, resident_id: int) -> bool:
    """True when `person` may answer as the resident: it is the resident, or the resident
    has no Telegram and `person` is their contact coordinator."""
    if person.id == resident_id:
        return True
    if person.role != Role.COORDINATOR:
        return False
    row = await session.get(OfflineResident, resident_id)
    return row is not None and row.contact_id == person.id


async def resident_for(*, session: AsyncSession, person: Person, resident_id: int) -> Person:
    """The resident `person` answers for (themselves, or an offline resident they are the
    contact of). Raises `NotAllowed` otherwise, `NotFound` when the resident is gone."""
    if not await acts_for(session=session, person=person, resident_id=resident_id):
        raise NotAllowed()
    resident = person if person.id == resident_id else await session.get(Person, resident_id)
    if resident is None:
        raise NotFound()
    return resident


async def contact_of(*, session: AsyncSession, resident_id: int) -> Person | None:
    """The coordinator who answers for an offline resident (None: not offline, or nobody
    at the moment)."""
    row = await session.get(OfflineResident, resident_id)
    if row is None or row.contact_id is None:
        return None
    return await session.get(Person, row.contact_id)


async def erase_resident(
    *,
    session: AsyncSession,
    coordinator: Person | None,
    resident_id: int,
    now: dt.datetime,
    tz: ZoneInfo,
) -> str:
    """ "Verwijder gegevens van ...": a coordinator of the resident's area erases a
    resident without Telegram completely (`bot.domain.erasure.erase`: requests, proposals,
    couples end kindly, phone and consent record). Returns the first name (for the
    confirmation). Raises `NotAllowed` (not a coordinator of their area), `NotFound` (no
    such offline resident: a forged or stale id)."""
    from bot.domain import erasure  # local: erasure reaches the coupling package

    coordinator = require_coordinator(coordinator)
    row = await session.get(OfflineResident, resident_id)
    resident = await session.get(Person, resident_id)
    if row is None or resident is None:
        raise NotFound()
    if coordinator.area_id not in await requests_.ancestor_ids(session, resident.home_area_id):
        raise NotAllowed()
    name = resident.display_name
    await erasure.erase(session=session, person=resident, now=now, tz=tz)
    return name


async def hand_over_contacts(*, session: AsyncSession, coordinator: Person) -> int:
    """Before a coordinator is erased: every offline resident they are the contact of gets
    another active coordinator of the resident's area (the first by id) as contact, and
    that coordinator also becomes the owner of the resident's requests the erased one
    owned. With nobody, the contact is left empty (messages for the resident wait for a
    coordinator to take the request on). Returns how many residents were handed over."""
    from bot.domain.erasure import other_coordinators  # local: erasure imports us lazily

    rows = await session.scalars(
        select(OfflineResident).where(OfflineResident.contact_id == coordinator.id)
    )
    handed = 0
    for row in rows.all():
        resident = await session.get(Person, row.person_id)
        if resident is None:
            continue
        others = await other_coordinators(
            session=session, area_id=resident.home_area_id, besides=coordinator.id
        )
        row.contact_id = others[0].id if others else None
        requests = await session.scalars(
            select(HelpRequest).where(
                HelpRequest.person_id == resident.id, HelpRequest.owner_id == coordinator.id
            )
        )
        for request in requests.all():
            request.owner_id = row.contact_id
        handed += 1 if others else 0
    await session.flush()
    return handed


async def take_contact(*, session: AsyncSession, request: HelpRequest, coordinator: Person) -> None:
    """A coordinator took on ("Ik pak dit op") the request of an offline resident: they
    become the resident's contact too, so questions for the resident reach the owner."""
    row = await session.get(OfflineResident, request.person_id)
    if row is not None and row.contact_id != coordinator.id:
        row.contact_id = coordinator.id
        await session.flush()


async def registered_by(*, session: AsyncSession, coordinator_id: int) -> list[OfflineFacts]:
    """The offline residents a coordinator is the contact of (for their /mijngegevens
    export: the data they hold for others), by person id."""
    ids = await session.scalars(
        select(OfflineResident.person_id)
        .where(OfflineResident.contact_id == coordinator_id)
        .order_by(OfflineResident.person_id)
    )
    found = [await facts(session=session, person_id=i) for i in ids.all()]
    return [f for f in found if f is not None]


async def purge_closed(
    *, session: AsyncSession, now: dt.datetime, tz: ZoneInfo, keep: dt.timedelta = OFFLINE_KEEP
) -> int:
    """Retention: erase offline residents without an active request whose last request
    changed (or who were registered, without requests) more than `keep` ago. Returns how
    many were erased."""
    from bot.domain import erasure  # local: erasure reaches the coupling package

    last_change = (
        select(func.max(HelpRequest.updated_at))
        .where(HelpRequest.person_id == OfflineResident.person_id)
        .scalar_subquery()
    )
    active = (
        select(HelpRequest.id)
        .where(
            HelpRequest.person_id == OfflineResident.person_id,
            HelpRequest.status.in_([str(s) for s in ACTIVE_REQUEST_STATUSES]),
        )
        .exists()
    )
    ids = await session.scalars(
        select(OfflineResident.person_id).where(
            ~active, func.coalesce(last_change, OfflineResident.created_at) < now - keep
        )
    )
    erased = 0
    for person_id in ids.all():
        person = await session.get(Person, person_id)
        if person is not None:
            await erasure.erase(session=session, person=person, now=now, tz=tz)
            erased += 1
    return erased
