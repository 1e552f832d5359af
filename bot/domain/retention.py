"""Retention: how long data is kept, and the purge the daily job runs (issue 9).

Periods (settings in `.env.example`, defaults in brackets; README "Privacy"):
- answers to an action [90 days after it ended]: deleted, after their anonymous counts are
  kept in `action_tally` (yes / maybe / no / had a place) for overviews;
- who recorded an action's results (`action_result.person_id`) [the same 90 days]: the link
  to the person is removed, the counts, streets and themes stay for the overview;
- which invite (flyer, action) someone signed up with (`sign_up`): as long as the person's
  data (deleted with it, so also after 12 months of /stop or blocking);
- outbox rows that are done (sent, blocked, failed, expired, cancelled) [90 days after the
  send, or after they were queued when never sent];
- per-chat pacing rows of the shared send budget (PostgreSQL senders; a chat id and the
  time of its next turn) [1 day after that turn; senders delete them after a minute];
- people who stopped (/stop) or are unreachable (blocked the bot) [12 months after that]:
  erased completely (`bot.domain.erasure`), without a message;
- invites [30 days after they expired, or after creation once used up];
- relay ids (which copy in whose chat came from whom; never the text) [90 days,
  `bot.domain.relay.RELAY_KEEP_DAYS`]: after that a reply to the copy follows the usual
  rule instead of its thread;
- residents without Telegram, registered on their behalf (phone number, oral consent
  record, their requests) [90 days after their last request closed or changed]: erased
  completely (`bot.domain.coupling.on_behalf.purge_closed`);
- place signals (`bot.domain.signal_jobs`) [90 days after done / "niet voor ons", else 365
  days after they were sent]: text, typed reason and the links to sender and answerer are
  removed; organisation, area, status and dates stay for the overview's counts;
- unfinished sign-up state of people who never agreed (PTB `ptb_state` rows) [24 hours].
  Someone who agreed and stopped halfway is a person and continues with /start.

The 12 months and the 90 days follow the AVG/GDPR storage-limitation principle (art.
5(1)(e)); the numbers are the product owner's defaults from issue 9.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import erasure, signal_jobs
from bot.domain.vocabulary import Answer, OutboxStatus, PlaceStatus
from storage.models import (
    Action,
    ActionResult,
    ActionTally,
    Invite,
    OutboxChatPace,
    OutboxMessage,
    PersistedState,
    Person,
    Rsvp,
)

DONE_STATUSES = (
    OutboxStatus.SENT,
    OutboxStatus.BLOCKED,
    OutboxStatus.FAILED,
    OutboxStatus.EXPIRED,
    OutboxStatus.CANCELLED,
)


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each kind of data is kept (timedeltas)."""

    answers: dt.timedelta = dt.timedelta(days=90)
    outbox: dt.timedelta = dt.timedelta(days=90)
    inactive: dt.timedelta = dt.timedelta(days=365)
    invites: dt.timedelta = dt.timedelta(days=30)
    signup: dt.timedelta = dt.timedelta(hours=24)
    #: Place signals: text, reason and person links after they were closed (done / not for
    #: us); `bot.domain.signal_jobs.SIGNAL_KEEP_DAYS`.
    signals: dt.timedelta = dt.timedelta(days=90)
    #: Per-chat pacing rows of the shared send budget: useless once their second passed
    #: (senders delete them after a minute themselves; this catches stopped senders).
    pacing: dt.timedelta = dt.timedelta(days=1)
    #: Residents without Telegram after their last request closed (bot.domain.coupling.
    #: on_behalf.OFFLINE_KEEP).
    offline: dt.timedelta = dt.timedelta(days=90)


@dataclass
class RetentionReport:
    """What one purge removed (counts), and the Telegram user ids whose in-memory PTB state
    must be dropped too (erased people and purged sign-ups)."""

    answers: int = 0
    actions_tallied: int = 0
    results_unlinked: int = 0
    outbox_rows: int = 0
    pacing_rows: int = 0
    people_erased: int = 0
    invites: int = 0
    signup_states: int = 0
    relay_ids: int = 0
    offline_residents: int = 0
    signals_purged: int = 0
    forget_user_ids: list[int] = field(default_factory=list)


def signup_expired(started_at: object, now: dt.datetime, max_age: dt.timedelta) -> bool:
    """True when an unfinished sign-up that started at `started_at` (ISO 8601 text with
    offset, as kept in user_data) is older than `max_age`; also for a missing or malformed
    start (state from before this rule)."""
    if not isinstance(started_at, str):
        return True
    try:
        started = dt.datetime.fromisoformat(started_at)
    except ValueError:
        return True
    if started.tzinfo is None:
        return True
    return now - started > max_age


async def purge(
    *, session: AsyncSession, now: dt.datetime, tz: ZoneInfo, periods: RetentionPeriods
) -> RetentionReport:
    """Remove everything past its retention period (see the module docstring). `now` is
    aware UTC. Does not commit; safe to run twice (a second run finds nothing)."""
    report = RetentionReport()
    await _answers(session, now - periods.answers, now, report)
    result = await session.execute(
        update(ActionResult)
        .where(
            ActionResult.person_id.is_not(None),
            ActionResult.action_id.in_(
                select(Action.id).where(Action.ends_at < now - periods.answers)
            ),
        )
        .values(person_id=None)
    )
    report.results_unlinked = result.rowcount or 0
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(DONE_STATUSES),
            func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < now - periods.outbox,
        )
    )
    report.outbox_rows = result.rowcount or 0
    result = await session.execute(
        delete(OutboxChatPace).where(OutboxChatPace.next_send_at < now - periods.pacing)
    )
    report.pacing_rows = result.rowcount or 0
    from bot.domain import relay  # local import: relay reaches coupling, which reaches us

    report.relay_ids = await relay.delete_old(session=session, now=now)
    report.signals_purged = await signal_jobs.purge(
        session=session, now=now, keep_days=periods.signals.days
    )
    cutoff = now - periods.inactive
    inactive = await session.scalars(
        select(Person).where(or_(Person.stopped_at < cutoff, Person.unreachable_at < cutoff))
    )
    for person in inactive.all():
        done = await erasure.erase(session=session, person=person, now=now, tz=tz)
        report.people_erased += 1
        if done.telegram_user_id is not None:
            report.forget_user_ids.append(done.telegram_user_id)
    from bot.domain.coupling import on_behalf  # local import: coupling reaches us

    report.offline_residents = await on_behalf.purge_closed(
        session=session, now=now, tz=tz, keep=periods.offline
    )
    cutoff = now - periods.invites
    result = await session.execute(
        delete(Invite).where(
            or_(
                Invite.expires_at < cutoff,
                (Invite.max_uses.is_not(None))
                & (Invite.uses >= Invite.max_uses)
                & (Invite.created_at < cutoff),
            )
        )
    )
    report.invites = result.rowcount or 0
    await _signups(session, now - periods.signup, report)
    await session.flush()
    return report


async def _answers(
    session: AsyncSession, cutoff: dt.datetime, now: dt.datetime, report: RetentionReport
) -> None:
    ended = select(Action.id).where(Action.ends_at < cutoff)
    counts = await session.execute(
        select(Rsvp.action_id, Rsvp.answer, Rsvp.status, func.count())
        .where(Rsvp.action_id.in_(ended))
        .group_by(Rsvp.action_id, Rsvp.answer, Rsvp.status)
    )
    tallies: dict[int, ActionTally] = {}
    for action_id, answer, status, count in counts.all():
        tally = tallies.get(action_id)
        if tally is None:
            tally = await session.get(ActionTally, action_id)
            if tally is None:
                tally = ActionTally(
                    action_id=action_id,
                    yes_count=0,
                    maybe_count=0,
                    no_count=0,
                    confirmed_count=0,
                    counted_at=now,
                )
                session.add(tally)
            tallies[action_id] = tally
        if answer == Answer.YES:
            tally.yes_count += count
        elif answer == Answer.MAYBE:
            tally.maybe_count += count
        else:
            tally.no_count += count
        if status == PlaceStatus.CONFIRMED:
            tally.confirmed_count += count
        tally.counted_at = now
    await session.flush()
    result = await session.execute(delete(Rsvp).where(Rsvp.action_id.in_(ended)))
    report.answers = result.rowcount or 0
    report.actions_tallied = len(tallies)


async def _signups(session: AsyncSession, cutoff: dt.datetime, report: RetentionReport) -> None:
    """Delete old PTB state of Telegram users who are not a person (never agreed)."""
    people = set(
        await session.scalars(
            select(Person.telegram_user_id).where(Person.telegram_user_id.is_not(None))
        )
    )
    rows = await session.scalars(select(PersistedState).where(PersistedState.updated_at < cutoff))
    for row in rows.all():
        if row.kind == "user_data":
            user_ids = {int(row.key)} if row.key.lstrip("-").isdigit() else set()
        elif row.kind.startswith("conversation:"):
            try:
                user_ids = {k for k in json.loads(row.key) if isinstance(k, int)}
            except ValueError:
                user_ids = set()
        else:
            continue
        if user_ids and not user_ids & people:
            await session.delete(row)
            report.signup_states += 1
            report.forget_user_ids.extend(sorted(user_ids))
