"""Who answers for a resident without Telegram (`offline_resident.contact_id`), and what
happens to the messages meant for them when that changes (issue 6 §0).

- Their contact is erased (`hand_over_contacts`, from `bot.domain.erasure`): another
  active coordinator of the resident's area becomes contact and owner. The messages for
  the resident that were on their way to the erased contact (pending, or a question sent
  but still unanswered) go to the new contact. With no other coordinator they wait on the
  resident (`bot.domain.outbox.WAITS_FOR_CONTACT`), and the request is left unowned, so
  it shows as such in /hulpvragen and is raised again (`requests.reraise_unowned`).
- A coordinator takes the request on ("Ik pak dit op", `take_contact`) or signs up in the
  resident's area while nobody is their contact (`adopt_orphans`): they become the
  contact and get the messages that waited.

Rows are moved, never copied: each keeps its dedup key (the resident's), so nothing is
sent twice and a question's answer is checked against the row as before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.outbox import FOR_RESIDENT, WAITS_FOR_CONTACT
from bot.domain.vocabulary import CouplingMessageKind, OutboxStatus, Role
from storage.models import CheckIn, Couple, HelpRequest, OfflineResident, OutboxMessage, Person
from storage.outbox import WAKE_FLAG

#: Kinds that ask the resident something. One already sent to a contact who was erased is
#: sent again to the next contact while it is unanswered (a proposal no longer waiting is
#: skipped at send time: `bot.domain.coupling.messages`).
QUESTION_KINDS = (
    CouplingMessageKind.PROPOSAL_RESIDENT,
    CouplingMessageKind.HAND_OVER_CONSENT,
    CouplingMessageKind.CHECK_IN,
)


async def _still_asks(session: AsyncSession, row: OutboxMessage) -> bool:
    """False for a question that was answered meanwhile (a check-in also when its couple
    ended); True for anything else."""
    args = row.args or {}
    if row.message_key == CouplingMessageKind.HAND_OVER_CONSENT:
        return not args.get("answered")
    if row.message_key == CouplingMessageKind.CHECK_IN:
        check_in = await session.get(CheckIn, int(args.get("check_in_id") or 0))
        couple = await session.get(Couple, check_in.couple_id) if check_in is not None else None
        return (
            check_in is not None
            and check_in.answer is None
            and couple is not None
            and (couple.ended_at is None)
        )
    return True


async def reroute(
    *,
    session: AsyncSession,
    resident_id: int,
    from_id: int | None,
    to: Person | None,
    now: dt.datetime,
) -> int:
    """Move the messages meant for the offline resident `resident_id` to `to`, their new
    contact (None: nobody, they wait on the resident). `from_id` is the contact they were
    for (their pending rows and unanswered questions move), or None for the rows that
    waited for a contact. Moved rows are due at once (or later, if they were due later).
    Returns how many rows moved."""
    if from_id is None:
        stmt = select(OutboxMessage).where(
            OutboxMessage.person_id == resident_id,
            OutboxMessage.status == OutboxStatus.CANCELLED,
            OutboxMessage.last_error == WAITS_FOR_CONTACT,
        )
    else:
        stmt = select(OutboxMessage).where(
            OutboxMessage.person_id == from_id,
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENT)),
        )
    moved = 0
    for row in (await session.scalars(stmt.order_by(OutboxMessage.id))).all():
        if (row.args or {}).get(FOR_RESIDENT) != resident_id:
            continue
        if row.status == OutboxStatus.SENT and row.message_key not in QUESTION_KINDS:
            continue
        if not await _still_asks(session, row):
            if row.status != OutboxStatus.SENT:  # nothing left to ask: it will not be sent
                row.status, row.last_error = OutboxStatus.CANCELLED, "no longer true"
            continue
        if to is None or to.chat_id is None:
            row.person_id, row.chat_id = resident_id, 0
            row.status, row.last_error = OutboxStatus.CANCELLED, WAITS_FOR_CONTACT
        else:
            row.person_id, row.chat_id = to.id, to.chat_id
            row.status, row.last_error = OutboxStatus.PENDING, None
            row.due_at = max(row.due_at, now)
            session.info[WAKE_FLAG] = True
        row.attempts, row.sent_at, row.claimed_until, row.claimed_by = 0, None, None, None
        moved += 1
    await session.flush()
    return moved


async def hand_over_contacts(
    *, session: AsyncSession, coordinator: Person, now: dt.datetime
) -> int:
    """Before a coordinator is erased: every offline resident they are the contact of gets
    another active coordinator of the resident's area (the first by id) as contact, and
    that coordinator also becomes the owner of the resident's requests the erased one
    owned; the messages for the resident move with it (`reroute`). With nobody, contact
    and owner are left empty and the messages wait. Returns how many residents got
    another contact."""
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
        new = others[0] if others else None
        row.contact_id = new.id if new is not None else None
        requests = await session.scalars(
            select(HelpRequest).where(
                HelpRequest.person_id == resident.id, HelpRequest.owner_id == coordinator.id
            )
        )
        for request in requests.all():
            request.owner_id = row.contact_id
        await reroute(
            session=session, resident_id=resident.id, from_id=coordinator.id, to=new, now=now
        )
        handed += 1 if new is not None else 0
    await session.flush()
    return handed


async def take_contact(
    *, session: AsyncSession, request: HelpRequest, coordinator: Person, now: dt.datetime
) -> None:
    """A coordinator took on ("Ik pak dit op") the request of an offline resident: they
    become the resident's contact too, so questions for the resident reach the owner; the
    messages that waited for a contact come to them now."""
    row = await session.get(OfflineResident, request.person_id)
    if row is None or row.contact_id == coordinator.id:
        return
    had_none = row.contact_id is None
    row.contact_id = coordinator.id
    await session.flush()
    if had_none:
        await reroute(
            session=session, resident_id=row.person_id, from_id=None, to=coordinator, now=now
        )


async def adopt_orphans(*, session: AsyncSession, coordinator: Person, now: dt.datetime) -> int:
    """A coordinator has just signed up: offline residents of their area without a
    contact (theirs was erased when nobody else served the area) get them as contact,
    and the messages that waited come to them. Their requests stay unowned (they show so
    in /hulpvragen) until someone takes them on. Returns how many residents they got."""
    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        return 0
    tree = await areas.tree(session)
    scope = tree.descendant_ids(coordinator.area_id)
    rows = await session.scalars(
        select(OfflineResident)
        .join(Person, Person.id == OfflineResident.person_id)
        .where(OfflineResident.contact_id.is_(None))
        .order_by(OfflineResident.person_id)
    )
    adopted = 0
    for row in rows.all():
        resident = await session.get(Person, row.person_id)
        if resident is None or resident.home_area_id not in scope:
            continue
        row.contact_id = coordinator.id
        await reroute(
            session=session, resident_id=resident.id, from_id=None, to=coordinator, now=now
        )
        adopted += 1
    await session.flush()
    return adopted
