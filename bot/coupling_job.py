"""The coupling jobs (PTB JobQueue).

- Every COUPLING_JOB_MINUTES: proposals nobody answered before their deadline expire (the
  request reopens, the owner is told once), and open requests nobody took on are brought to
  the area's coordinators again after 2 working days (`bot.domain.workdays`:
  weekends and Dutch public holidays excluded), and place signals nobody picked up are
  brought to them after 5 working days (`bot.domain.signal_jobs.reraise_unpicked`).
- Every quarter of an hour: the check-ins that are due ("Hoe gaat het?" after 1 week, 4
  weeks, then every 3 months) and owners told about unanswered ones
  (`bot.domain.coupling.checkins.send_due`).

Everything they decide is in the database (deadlines, `raised_at`, the outbox), each run in
one transaction, so a restart loses nothing and a second run sends nothing twice; tests call
`run_coupling_tick` / `run_checkins` after moving the clock."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.context import Services
from bot.domain.coupling import checkins
from bot.domain.coupling.proposals import expire_due
from bot.domain.coupling.requests import reraise_unowned
from bot.domain.signal_jobs import reraise_unpicked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CouplingTick:
    """What one run did: proposals expired, requests and signals raised again (their ids)."""

    expired: list[int]
    raised: list[int]
    signals_raised: list[int] = field(default_factory=list)


async def run_coupling_tick(services: Services) -> CouplingTick:
    """One run in one transaction. Logs counts only (no ids or names)."""
    async with services.db.begin() as session:
        now = services.clock.now()
        expired = await expire_due(session=session, now=now)
        raised = await reraise_unowned(session=session, now=now)
        signals_raised = await reraise_unpicked(session=session, now=now)
    if expired or raised or signals_raised:
        log.info(
            "coupling: %d proposals expired, %d requests and %d signals raised again",
            len(expired),
            len(raised),
            len(signals_raised),
        )
    return CouplingTick(expired, raised, signals_raised)


async def coupling_job(context: Any) -> None:
    """JobQueue callback."""
    await run_coupling_tick(context.application.bot_data["services"])


#: How often the job looks for due check-ins (seconds). Check-ins are due by the day, so
#: a quarter of an hour is prompt enough and cheap (one indexed query).
CHECKIN_INTERVAL_SECONDS = 900


async def run_checkins(services: Services) -> int:
    """One run in one transaction; returns the number of rounds sent (counts logged only)."""
    async with services.db.begin() as session:
        rounds = await checkins.send_due(session=session, now=services.clock.now())
    if rounds:
        log.info("coupling: %d check-in rounds queued", len(rounds))
    return len(rounds)


async def checkin_job(context: Any) -> None:
    """JobQueue callback; errors are logged by type only."""
    try:
        await run_checkins(context.application.bot_data["services"])
    except Exception as exc:  # a failed run is retried at the next interval
        log.error("coupling: check-in run failed: %s", type(exc).__name__)


def schedule(application: Any, settings: Settings) -> None:
    """Register both repeating jobs on the application's JobQueue."""
    application.job_queue.run_repeating(
        coupling_job,
        interval=dt.timedelta(minutes=settings.coupling_job_minutes),
        first=dt.timedelta(seconds=30),
        name="coupling",
    )
    application.job_queue.run_repeating(
        checkin_job, interval=CHECKIN_INTERVAL_SECONDS, first=60, name="coupling-checkins"
    )
