"""Queueing outbox rows (domain side).

Every proactive message is an outbox row first (written in the transaction of the change
that causes it): recipient, `message_key` (a `MessageKind`), JSON `args`, when it is due
(aware UTC), an optional `not_after` (aware UTC; past it the row expires unsent) and a
unique `dedup_key`, so the same message is never queued twice.

The kinds, their args and the domain's rules for each (`RULES`, `verdict`) live in
`bot.domain.outbox_kinds`; the names are re-exported here, so callers keep
`from bot.domain.outbox import MessageKind, RULES, ...`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Integer, String, cast, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.outbox_checks import (  # the "still true?" checks, re-exported
    ActionFacts as ActionFacts,
)
from bot.domain.outbox_checks import (
    PersonFacts as PersonFacts,
)
from bot.domain.outbox_checks import (
    Verdict as Verdict,
)
from bot.domain.outbox_kinds import (  # the registry of kinds, re-exported
    COUPLING_KEYS as COUPLING_KEYS,
)
from bot.domain.outbox_kinds import (
    EDIT_KINDS as EDIT_KINDS,
)
from bot.domain.outbox_kinds import (
    MESSAGE_KEYS as MESSAGE_KEYS,
)
from bot.domain.outbox_kinds import (
    PLACE_KINDS as PLACE_KINDS,
)
from bot.domain.outbox_kinds import (
    RULES as RULES,
)
from bot.domain.outbox_kinds import (
    KindRule as KindRule,
)
from bot.domain.outbox_kinds import (
    MessageKind as MessageKind,
)
from bot.domain.outbox_kinds import (
    verdict as verdict,
)
from bot.domain.vocabulary import OutboxStatus
from storage.models import OfflineResident, OutboxMessage, Person, UtcDateTime
from storage.outbox import WAKE_FLAG  # set on queueing: wakes this process's dispatcher

#: Args key of a row meant for a resident without Telegram, sent to their contact instead
#: (the same string as `bot.domain.coupling.on_behalf.FOR_RESIDENT`).
FOR_RESIDENT = "for_resident"
#: `last_error` of a row for a resident without Telegram who has no contact at the moment
#: (their contact was erased and no other coordinator serves their area): the row is kept
#: cancelled on the resident (`chat_id` 0, never claimed) until a coordinator becomes
#: their contact (`bot.domain.coupling.on_behalf.reroute`), then it is sent to them.
WAITS_FOR_CONTACT = "waits for a contact"


async def enqueue(
    *,
    session: AsyncSession,
    person: Person,
    message_key: str,
    due_at: dt.datetime,
    dedup_key: str,
    now: dt.datetime,
    not_after: dt.datetime | None = None,
    action_id: int | None = None,
    args: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    """Queue one message, or re-arm the existing row with the same `dedup_key`.

    A row that was already sent, blocked or failed is left as it is (never sent twice); a
    cancelled or expired one is made pending again with the new times.
    A resident without Telegram (no chat id) is not sent anything: the row goes to their
    contact coordinator with `args["for_resident"]` set to the resident's id
    (`bot.domain.coupling.on_behalf`). With no contact at the moment the row waits on the
    resident, cancelled with `last_error` `WAITS_FOR_CONTACT`, for the next contact
    (`on_behalf.reroute`); it is returned all the same. Returns None only for a person
    who can never be reached (no chat and not a resident without Telegram).
    Raises `ValueError` for an unknown message key.
    """
    if message_key not in COUPLING_KEYS:
        MessageKind(message_key)  # ValueError for an unknown kind
    waits = False
    if person.chat_id is None:
        offline = await session.get(OfflineResident, person.id)
        if offline is None:
            return None
        contact = await session.get(Person, offline.contact_id) if offline.contact_id else None
        args = {**(args or {}), FOR_RESIDENT: person.id}
        if contact is not None and contact.chat_id is not None:
            person = contact
        else:
            waits = True
    status = OutboxStatus.CANCELLED if waits else OutboxStatus.PENDING
    if not waits:
        session.info[WAKE_FLAG] = True
    row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key))
    if row is None:
        row = OutboxMessage(
            person_id=person.id,
            chat_id=0 if waits else person.chat_id,
            message_key=str(message_key),
            args=args or {},
            action_id=action_id,
            due_at=due_at,
            not_after=not_after,
            dedup_key=dedup_key,
            status=status,
            attempts=0,
            last_error=WAITS_FOR_CONTACT if waits else None,
            created_at=now,
        )
        session.add(row)
    elif row.status in (OutboxStatus.CANCELLED, OutboxStatus.EXPIRED):
        row.person_id = person.id
        row.chat_id = 0 if waits else person.chat_id  # type: ignore[assignment]
        row.status = status
        row.last_error = WAITS_FOR_CONTACT if waits else None
        row.due_at = due_at
        row.not_after = not_after
        row.args = args or {}
    await session.flush()
    return row


@dataclass(frozen=True)
class NewRow:
    """One row for `enqueue_many`: recipient ids and when it is due (aware UTC)."""

    person_id: int
    chat_id: int
    due_at: dt.datetime


async def enqueue_many(
    *,
    session: AsyncSession,
    kind: MessageKind,
    rows: Sequence[NewRow],
    action_id: int | None,
    not_after: dt.datetime | None,
    now: dt.datetime,
    args: dict[str, Any] | None = None,
) -> int:
    """Bulk-queue rows of one kind for an action: per run of rows with the same `due_at`,
    ONE `INSERT INTO outbox_message SELECT ... FROM person WHERE id IN (...)
    ON CONFLICT (dedup_key) DO NOTHING` (SQLite and PostgreSQL). The dedup key
    `<kind>:<action id>:<person id>` (`RULES[kind].dedup`) is built in SQL; a row whose
    key exists already is left as it is (not re-armed: use `enqueue` for that). Rows keep
    their order (ids ascend in the order given within one due time).

    `action_id` is required (keys without an action need `enqueue`). Returns the number of
    rows inserted. Callers chunk large lists (`bot.domain.actions.CALL_CHUNK`), so one
    statement stays short. Raises `ValueError` without `action_id`.
    """
    if action_id is None:
        raise ValueError("enqueue_many needs an action_id")
    if not rows:
        return 0
    session.info[WAKE_FLAG] = True
    inserted = 0
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end].due_at == rows[start].due_at:
            end += 1
        inserted += await _insert_select(
            session,
            kind=kind,
            person_ids=[r.person_id for r in rows[start:end]],
            due_at=rows[start].due_at,
            action_id=action_id,
            not_after=not_after,
            now=now,
            args=args or {},
        )
        start = end
    return inserted


async def _insert_select(
    session: AsyncSession,
    *,
    kind: MessageKind,
    person_ids: list[int],
    due_at: dt.datetime,
    action_id: int,
    not_after: dt.datetime | None,
    now: dt.datetime,
    args: dict[str, Any],
) -> int:
    table = OutboxMessage.__table__
    prefix = RULES[kind].dedup(action_id, 0, "").removesuffix("0")  # '<kind>:<action>:'
    source = (
        select(
            Person.id,
            Person.chat_id,
            literal(kind.value, String),
            literal(args, JSON),
            literal(action_id, Integer),
            literal(due_at, UtcDateTime),
            literal(not_after, UtcDateTime),
            literal(prefix, String) + cast(Person.id, String),
            literal(OutboxStatus.PENDING.value, String),
            literal(0, Integer),
            literal(now, UtcDateTime),
        )
        .where(Person.id.in_(person_ids))
        .order_by(Person.id)
    )
    columns = [
        "person_id",
        "chat_id",
        "message_key",
        "args",
        "action_id",
        "due_at",
        "not_after",
        "dedup_key",
        "status",
        "attempts",
        "created_at",
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .from_select(columns, source)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
    )
    connection = await session.connection()  # Core: no ORM objects
    result = await connection.execute(stmt)
    return max(result.rowcount or 0, 0)


async def cancel_pending(
    *,
    session: AsyncSession,
    action_id: int | None = None,
    person_id: int | None = None,
    message_keys: Sequence[str] | None = None,
    dedup_prefix: str | None = None,
) -> int:
    """Cancel pending rows for an action and/or person and/or whose dedup key starts with
    `dedup_prefix` (optionally only some kinds). The prefix is how rows about one object
    are found whoever received them (e.g. a couple's kennismaking reminders, also the one
    routed to the contact of a resident without Telegram).

    Returns the number of rows cancelled. At least one of action_id/person_id/dedup_prefix
    is required (`ValueError` otherwise).
    """
    if action_id is None and person_id is None and not dedup_prefix:
        raise ValueError("give action_id, person_id or dedup_prefix")
    stmt = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    if dedup_prefix:
        stmt = stmt.where(OutboxMessage.dedup_key.startswith(dedup_prefix, autoescape=True))
    if action_id is not None:
        stmt = stmt.where(OutboxMessage.action_id == action_id)
    if person_id is not None:
        stmt = stmt.where(OutboxMessage.person_id == person_id)
    if message_keys is not None:
        stmt = stmt.where(OutboxMessage.message_key.in_([str(k) for k in message_keys]))
    result = await session.execute(stmt.values(status=OutboxStatus.CANCELLED))
    return result.rowcount or 0
