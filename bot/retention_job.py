"""The daily retention job (PTB JobQueue): purge what is past its period, drop the
in-memory state of the Telegram users concerned. Periods: settings RETENTION_* (see
`bot.domain.retention` and `.env.example`)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.config import Settings
from bot.context import Services
from bot.domain.retention import RetentionPeriods, RetentionReport, purge
from bot.persistence import forget_user

log = logging.getLogger(__name__)


def periods_from(settings: Settings) -> RetentionPeriods:
    """The retention periods of the settings (days / hours as configured)."""
    return RetentionPeriods(
        answers=dt.timedelta(days=settings.retention_answers_days),
        outbox=dt.timedelta(days=settings.retention_outbox_days),
        inactive=dt.timedelta(days=settings.retention_inactive_days),
        invites=dt.timedelta(days=settings.retention_invites_days),
        signup=dt.timedelta(hours=settings.retention_signup_hours),
    )


async def run_retention(services: Services, application: Any | None = None) -> RetentionReport:
    """One purge in one transaction; then drop in-memory state (when `application` given).
    Logs counts only (no ids or names)."""
    async with services.db.begin() as session:
        report = await purge(
            session=session,
            now=services.clock.now(),
            tz=services.settings.tz,
            periods=periods_from(services.settings),
        )
    if application is not None:
        for user_id in set(report.forget_user_ids):
            forget_user(application, user_id)
    log.info(
        "retention: %d answers (%d actions tallied), %d outbox rows, %d people erased, "
        "%d invites, %d sign-up states removed",
        report.answers,
        report.actions_tallied,
        report.outbox_rows,
        report.people_erased,
        report.invites,
        report.signup_states,
    )
    return report


async def retention_job(context: Any) -> None:
    """JobQueue callback (daily at RETENTION_RUN_AT, wall clock in TIMEZONE)."""
    await run_retention(context.application.bot_data["services"], context.application)


def schedule(application: Any, settings: Settings) -> None:
    """Register the daily job on the application's JobQueue."""
    hour, minute = (int(x) for x in settings.retention_run_at.split(":"))
    application.job_queue.run_daily(
        retention_job, time=dt.time(hour, minute, tzinfo=settings.tz), name="retention"
    )
