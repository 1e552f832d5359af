"""The coupling job (PTB JobQueue, every COUPLING_JOB_MINUTES): proposals nobody answered
before their deadline expire (the request reopens, the owner is told once), and open
requests nobody took on are brought to the area's coordinators again after 2 working days
(`bot.domain.coupling.workdays`: weekends and Dutch public holidays excluded).

Everything it does is in the database (deadlines, `raised_at`), so a restart loses nothing;
tests call `run_coupling_tick` after moving the clock."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.context import Services
from bot.domain.coupling.proposals import expire_due
from bot.domain.coupling.requests import reraise_unowned

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CouplingTick:
    """What one run did: proposals expired and requests raised again (their ids)."""

    expired: list[int]
    raised: list[int]


async def run_coupling_tick(services: Services) -> CouplingTick:
    """One run in one transaction. Logs counts only (no ids or names)."""
    async with services.db.begin() as session:
        now = services.clock.now()
        expired = await expire_due(session=session, now=now)
        raised = await reraise_unowned(session=session, now=now)
    if expired or raised:
        log.info(
            "coupling: %d proposals expired, %d requests raised again", len(expired), len(raised)
        )
    return CouplingTick(expired, raised)


async def coupling_job(context: Any) -> None:
    """JobQueue callback."""
    await run_coupling_tick(context.application.bot_data["services"])


def schedule(application: Any, settings: Settings) -> None:
    """Register the repeating job on the application's JobQueue."""
    application.job_queue.run_repeating(
        coupling_job,
        interval=dt.timedelta(minutes=settings.coupling_job_minutes),
        first=dt.timedelta(seconds=30),
        name="coupling",
    )
