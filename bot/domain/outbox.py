"""Writing proactive messages to the outbox (in the caller's transaction).

A row holds the recipient, a `message_key` (what kind of message; rendered in the
recipient's language at send time by `bot.delivery.render`), JSON `args`, when it is due
(UTC), an optional `not_after` (UTC; past it the row expires unsent) and a unique
`dedup_key` so the same message is never queued twice.

Message keys and their args:
- "action_call"        {} (action_id column set): the call with Ja/Misschien/Nee buttons
- "reminder_24h"       {} (action_id set): reminder the day before (wall clock)
- "reminder_2h"        {} (action_id set): reminder two hours before
- "action_cancelled"   {} (action_id set): the action does not go ahead
- "waitlist_promoted"  {} (action_id set): a place came free; you are now on the list
- "help_request_new"   {"place": buurt name} (no action): to coordinators, a resident of
                       their area signed up and would like help (no personal details)
- "coordinator_left"   {"actions": n, "invites": n} (no action): to coordinators, the open
                       actions / invites of a coordinator who erased their data now belong
                       to them (see bot.domain.erasure; no name of who left)
- "attendance_ask"     {} (action_id set): to coordinators at the action's end, "Who came?"
- "attendance_thanks"  {} (action_id set): thank-you to a volunteer who came
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.coupling.vocabulary import MessageKind
from storage.models import OutboxMessage, Person

MESSAGE_KEYS = (
    "action_call",
    "reminder_24h",
    "reminder_2h",
    "action_cancelled",
    "waitlist_promoted",
    "help_request_new",
    "coordinator_left",
    "attendance_ask",
    "attendance_thanks",
)

#: Coupling kinds (issue 6, bot.domain.coupling.vocabulary.MessageKind). They may be queued,
#: but have no renderer yet (the outbox registry brings them): until then the dispatcher
#: records them as failed ("unknown message key"). No handler queues them yet.
COUPLING_KEYS = tuple(kind.value for kind in MessageKind)

#: Message keys that are not about an action.
ACTIONLESS_KEYS = ("help_request_new", "coordinator_left")


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
) -> OutboxMessage:
    """Queue one message, or re-arm the existing row with the same `dedup_key`.

    A row that was already sent, blocked or failed is left as it is (never sent twice); a
    cancelled or expired one is made pending again with the new times.
    Raises `ValueError` for an unknown message key.
    """
    if message_key not in MESSAGE_KEYS and message_key not in COUPLING_KEYS:
        raise ValueError(f"unknown message key {message_key!r}")
    row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key))
    if row is None:
        row = OutboxMessage(
            person_id=person.id,
            chat_id=person.chat_id,
            message_key=message_key,
            args=args or {},
            action_id=action_id,
            due_at=due_at,
            not_after=not_after,
            dedup_key=dedup_key,
            status="pending",
            attempts=0,
            created_at=now,
        )
        session.add(row)
    elif row.status in ("cancelled", "expired"):
        row.status = "pending"
        row.due_at = due_at
        row.not_after = not_after
        row.args = args or {}
    await session.flush()
    return row


async def cancel_pending(
    *,
    session: AsyncSession,
    action_id: int | None = None,
    person_id: int | None = None,
    message_keys: tuple[str, ...] | None = None,
) -> int:
    """Cancel pending rows for an action and/or person (optionally only some keys).

    Returns the number of rows cancelled. At least one of action_id/person_id is required.
    """
    if action_id is None and person_id is None:
        raise ValueError("give action_id or person_id")
    stmt = update(OutboxMessage).where(OutboxMessage.status == "pending")
    if action_id is not None:
        stmt = stmt.where(OutboxMessage.action_id == action_id)
    if person_id is not None:
        stmt = stmt.where(OutboxMessage.person_id == person_id)
    if message_keys is not None:
        stmt = stmt.where(OutboxMessage.message_key.in_(message_keys))
    result = await session.execute(stmt.values(status="cancelled"))
    return result.rowcount or 0
