"""Signals over time (`bot.domain.signals`): brought to the coordinators again when nobody
picked them up, what their messages show at send time, retention, export and counts.

- Re-raise: a signal still open (nobody answered) `RERAISE_WORKING_DAYS` working days after
  it was sent, or after it was last raised, is brought to the area's coordinators
  (`signal_raised`), once per signal per period (`raised_at`). Working days: Monday-Friday
  except Dutch public holidays, on the Europe/Amsterdam wall clock (`bot.domain.workdays`);
  the 5 working days are issue 10's rule.
- Retention: `SIGNAL_KEEP_DAYS` (90, the same period as answers and results, README
  "Privacy") after a signal was closed (done / not for us), its text, the typed reason and
  the links to sender and answerer are removed (`purged_at` set); a signal never closed is
  purged `SIGNAL_MAX_DAYS` (365) after it was sent. Organisation, area, status and dates
  stay, so the overview keeps its counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, outbox
from bot.domain.coupling.requests import coordinators_of
from bot.domain.vocabulary import SignalStatus
from bot.domain.workdays import add_working_days
from storage.models import Action, Organisation, Signal

RERAISE_WORKING_DAYS = 5
SIGNAL_KEEP_DAYS = 90
SIGNAL_MAX_DAYS = 365
#: Outbox kinds whose text loads the signal at send time (`signal_facts`).
SIGNAL_KINDS = frozenset(
    {
        outbox.MessageKind.SIGNAL_NEW,
        outbox.MessageKind.SIGNAL_ANSWERED,
        outbox.MessageKind.SIGNAL_RAISED,
    }
)


async def reraise_unpicked(
    *, session: AsyncSession, now: dt.datetime, holiday_country: str = "NL"
) -> list[int]:
    """Queue `signal_raised` {"signal_id"} to the area's coordinators for every open signal
    whose last raise (or sending) is `RERAISE_WORKING_DAYS` working days ago or more, and
    set its `raised_at` to `now` (aware UTC). Returns the ids raised, ascending. Run from a
    periodic job (`bot.coupling_job`); a second run at the same moment raises nothing."""
    rows = await session.scalars(
        select(Signal)
        .where(Signal.status == SignalStatus.OPEN, Signal.purged_at.is_(None))
        .order_by(Signal.id)
    )
    raised = []
    for signal in rows.all():
        since = signal.raised_at or signal.created_at
        if add_working_days(since, RERAISE_WORKING_DAYS, country=holiday_country) > now:
            continue
        for coordinator in await coordinators_of(session=session, area_id=signal.area_id):
            await outbox.enqueue(
                session=session,
                person=coordinator,
                message_key=outbox.MessageKind.SIGNAL_RAISED,
                due_at=now,
                dedup_key=(
                    f"{outbox.MessageKind.SIGNAL_RAISED}:{signal.id}:{coordinator.id}"
                    f":{now:%Y%m%d%H%M}"
                ),
                args={"signal_id": signal.id},
                now=now,
            )
        signal.raised_at = now
        raised.append(signal.id)
    await session.flush()
    return raised


async def signal_facts(
    *, session: AsyncSession, kind: str, args: dict[str, Any]
) -> dict[str, Any] | None:
    """What a signal message shows, loaded when it is sent: "organisation", "place",
    "text" (None once purged), "status", "reason", "action". None when the message is no
    longer true: a new signal someone already answered, a raise of a signal answered
    meanwhile, or a signal that is gone."""
    signal = await session.get(Signal, int(args.get("signal_id") or 0))
    if signal is None:
        return None
    if kind in (outbox.MessageKind.SIGNAL_NEW, outbox.MessageKind.SIGNAL_RAISED) and (
        signal.status != SignalStatus.OPEN or signal.text is None
    ):
        return None
    org = await session.get(Organisation, signal.organisation_id)
    action = await session.get(Action, signal.action_id) if signal.action_id else None
    return {
        "organisation": org.name if org else "?",
        "place": (await areas.tree(session)).name(signal.area_id),
        "text": signal.text,
        "status": signal.status,
        "reason": signal.reason,
        "action": action.title if action else None,
    }


async def purge(
    *, session: AsyncSession, now: dt.datetime, keep_days: int = SIGNAL_KEEP_DAYS
) -> int:
    """Remove text, reason and person links of signals past retention (module docstring);
    returns how many were purged. `now` aware UTC. Does not commit; idempotent."""
    closed_before = now - dt.timedelta(days=keep_days)
    sent_before = now - dt.timedelta(days=SIGNAL_MAX_DAYS)
    result = await session.execute(
        update(Signal)
        .where(
            Signal.purged_at.is_(None),
            or_(Signal.closed_at < closed_before, Signal.created_at < sent_before),
        )
        .values(text=None, reason=None, sender_id=None, answered_by_id=None, purged_at=now)
    )
    return result.rowcount or 0


async def sent_by(*, session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """The signals that still name `person_id`, as sender or as the partner who answered,
    oldest first, for `/mijngegevens`: [{as ("sender" | "answered"), organisation, place,
    text, status, reason, sent_at}]."""
    rows = await session.execute(
        select(Signal, Organisation.name)
        .join(Organisation, Organisation.id == Signal.organisation_id)
        .where(or_(Signal.sender_id == person_id, Signal.answered_by_id == person_id))
        .order_by(Signal.created_at, Signal.id)
    )
    tree = await areas.tree(session)
    return [
        {
            "as": "sender" if signal.sender_id == person_id else "answered",
            "organisation": name,
            "place": tree.name(signal.area_id),
            "text": signal.text,
            "status": signal.status,
            "reason": signal.reason,
            "sent_at": signal.created_at,
        }
        for signal, name in rows.all()
    ]


#: How the overview groups statuses: "niet voor ons" counts as done (closed) there.
OVERVIEW_STATUS = {
    SignalStatus.OPEN: "open",
    SignalStatus.PICKED_UP: "picked_up",
    SignalStatus.DONE: "done",
    SignalStatus.NOT_FOR_US: "done",
}


async def overview_counts(
    *,
    session: AsyncSession,
    area_ids: set[int],
    since: dt.datetime,
    until: dt.datetime,
    organisation_id: int | None = None,
) -> list[tuple[int, str, str, int]]:
    """Signals sent in [since, until) in `area_ids` (optionally one organisation's), as
    (area id, organisation name, "open" | "picked_up" | "done", count); done includes
    "niet voor ons". Status as it is now."""
    query = (
        select(Signal.area_id, Organisation.name, Signal.status)
        .join(Organisation, Organisation.id == Signal.organisation_id)
        .where(Signal.area_id.in_(area_ids), Signal.created_at >= since, Signal.created_at < until)
    )
    if organisation_id is not None:
        query = query.where(Signal.organisation_id == organisation_id)
    counts: Counter[tuple[int, str, str]] = Counter()
    for area_id, name, status in await session.execute(query):
        counts[(area_id, name, OVERVIEW_STATUS[SignalStatus(status)])] += 1
    return [(a, n, s, c) for (a, n, s), c in sorted(counts.items())]
