"""The periodic coupling job (PTB JobQueue): sends the check-ins that are due ("Hoe gaat
het?" after 1 week, 4 weeks, then every 3 months) and tells owners about unanswered ones
(`bot.domain.coupling.checkins.send_due`). Everything it decides is written to the outbox
in one transaction, so a restart loses nothing and a second run sends nothing twice."""

from __future__ import annotations

import logging
from typing import Any

from bot.context import Services
from bot.domain.coupling import checkins

log = logging.getLogger(__name__)

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


def schedule(application: Any) -> None:
    """Register the repeating check-in job on the application's JobQueue."""
    application.job_queue.run_repeating(
        checkin_job, interval=CHECKIN_INTERVAL_SECONDS, first=60, name="coupling-checkins"
    )
