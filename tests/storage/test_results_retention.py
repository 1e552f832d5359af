"""Retention of action results (issue 10): 90 days after the action, the link to the person
who recorded them is removed; the counts, street and themes stay for the overview."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain import results, retention
from storage.db import Database
from storage.models import ActionResult, ActionResultTheme
from tests.storage.test_results import ENDS, add_action, add_person

AMS = ZoneInfo("Europe/Amsterdam")


async def test_the_recorder_is_unlinked_after_the_answers_period(db: Database) -> None:
    async with db.begin() as session:
        fatima = await add_person(session, "Fatima")
        action = await add_action(session, volunteers=(fatima,))
        await results.record_result(
            session=session,
            person=fatima,
            action_id=action.id,
            conversations=4,
            themes=["loneliness"],
            street="Haarlemmerstraat",
            now=ENDS,
        )
    periods = retention.RetentionPeriods()
    async with db.begin() as session:  # 89 days later: still linked
        report = await retention.purge(
            session=session, now=ENDS + dt.timedelta(days=89), tz=AMS, periods=periods
        )
        assert report.results_unlinked == 0
    async with db.begin() as session:
        report = await retention.purge(
            session=session, now=ENDS + dt.timedelta(days=91), tz=AMS, periods=periods
        )
        assert report.results_unlinked == 1
        row = await session.scalar(select(ActionResult))
        assert row is not None
        assert (row.person_id, row.conversations, row.street) == (None, 4, "Haarlemmerstraat")
        assert list(await session.scalars(select(ActionResultTheme.theme))) == ["loneliness"]
