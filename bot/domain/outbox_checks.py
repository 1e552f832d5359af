"""The "still true?" checks of the outbox kinds (`bot.domain.outbox.RULES`), and what they
read of a recipient and an action. Moved out of `bot.domain.outbox` to keep it small; the
registry there names which check each kind uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from bot.domain.vocabulary import ActionStatus, OutboxStatus

__all__ = [
    "CALL_DROPPED_FULL",
    "ActionFacts",
    "PersonFacts",
    "Verdict",
    "_always",
    "_call_still_true",
    "_not_cancelled",
    "_open_and_not_started",
]


class PersonFacts(Protocol):
    """What the checks read of a recipient (a `Person` row or any object with these)."""

    stopped_at: dt.datetime | None
    unreachable_at: dt.datetime | None


class ActionFacts(Protocol):
    """What the checks read of an action (an `Action` row or any object with these)."""

    status: str
    starts_at: dt.datetime
    confirmed_count: int
    volunteers_needed: int


#: A verdict: None = send; `(status, reason)` = record this instead of sending. Status is
#: 'cancelled' (no longer true), 'expired' (past `not_after`) or 'failed' (cannot render).
Verdict = tuple[str, str] | None


def _open_and_not_started(action: ActionFacts, now: dt.datetime) -> Verdict:
    """Messages that invite or remind: only while the action goes ahead and has not begun."""
    if action.status == ActionStatus.CANCELLED:
        return OutboxStatus.CANCELLED, "action cancelled"
    if now >= action.starts_at:
        return OutboxStatus.CANCELLED, "started"
    return None


def _not_cancelled(action: ActionFacts, now: dt.datetime) -> Verdict:
    """Messages after an action (attendance): only when it went ahead."""
    del now
    if action.status == "cancelled":
        return "cancelled", "action cancelled"
    return None


#: The reason recorded on a call dropped because the places were full when it was due;
#: "Roep opnieuw op" (`bot.domain.notices.call_again`) sends those after all.
CALL_DROPPED_FULL = "full"


def _call_still_true(action: ActionFacts, now: dt.datetime) -> Verdict:
    """A call: as above, and only while places are open."""
    verdict = _open_and_not_started(action, now)
    if verdict is None and action.confirmed_count >= action.volunteers_needed:
        return OutboxStatus.CANCELLED, CALL_DROPPED_FULL
    return verdict


def _always(action: ActionFacts, now: dt.datetime) -> Verdict:
    """Notices that stay true (a cancellation stays a cancellation); expiry still applies."""
    del action, now
    return None
