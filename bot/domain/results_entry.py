"""Recording results in a few taps (`/opbrengst`): which actions a person can record for
now, and what they recorded so far for one action and street.

The rules (who, when, limits) are those of `bot.domain.results`; this module only reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas as area_scope
from bot.domain.errors import ActionCancelled, NotAllowed, NotFound
from bot.domain.results import (
    RESULTS_WINDOW,
    ActionSummary,
    ResultsClosed,
    Theme,
    action_summary,
    may_record,
    record_result,
    themes_for_area,
)
from bot.domain.vocabulary import ActionStatus, PlaceStatus, Role
from storage.models import Action, ActionResult, ActionResultTheme, Person, Rsvp

MAX_LISTED = 10  # actions offered at once (the most recent first); more are unlikely


@dataclass(frozen=True)
class MyResult:
    """What one person recorded for one action and street: conversations and theme keys."""

    conversations: int
    themes: frozenset[str]


async def recordable_actions(
    *, session: AsyncSession, person: Person, now: dt.datetime
) -> list[Action]:
    """Actions `person` can record results for at `now` (aware UTC): started, not cancelled,
    ended at most `RESULTS_WINDOW` ago; volunteers with a confirmed place, coordinators
    in their area. Most recent start first, at most `MAX_LISTED`.
    """
    if person.onboarded_at is None or person.role not in (Role.VOLUNTEER, Role.COORDINATOR):
        return []
    query = select(Action).where(
        Action.status != ActionStatus.CANCELLED,
        Action.starts_at <= now,
        Action.ends_at >= now - RESULTS_WINDOW,
    )
    if person.role == Role.COORDINATOR:
        ids = (await area_scope.tree(session)).descendant_ids(person.area_id)
        query = query.where(Action.area_id.in_(ids))
    else:
        query = query.join(Rsvp, Rsvp.action_id == Action.id).where(
            Rsvp.person_id == person.id, Rsvp.status == PlaceStatus.CONFIRMED
        )
    query = query.order_by(Action.starts_at.desc(), Action.id.desc()).limit(MAX_LISTED)
    return list((await session.scalars(query)).all())


async def my_result(
    *, session: AsyncSession, person: Person, action_id: int, street: str = ""
) -> MyResult | None:
    """This person's result for the action and street ('' = no street), or None."""
    row = await session.scalar(
        select(ActionResult).where(
            ActionResult.action_id == action_id,
            ActionResult.person_id == person.id,
            ActionResult.street == street,
        )
    )
    if row is None:
        return None
    themes = await session.scalars(
        select(ActionResultTheme.theme).where(ActionResultTheme.result_id == row.id)
    )
    return MyResult(conversations=row.conversations, themes=frozenset(themes))


@dataclass(frozen=True)
class ResultsScreen:
    """What the results screen of one action shows to one person: the action, its area's
    name, the themes offered (in order; buttons carry the index) and what this person
    recorded for `street` so far."""

    action: Action
    area_name: str
    street: str
    themes: list[Theme]
    mine: MyResult | None


async def results_screen(
    *, session: AsyncSession, person: Person, action_id: int, street: str, now: dt.datetime
) -> ResultsScreen:
    """The screen for `person` (checked like `record_result`: may record, now open).

    Raises `NotFound`, `NotAllowed`, `ActionCancelled`, `ResultsClosed`.
    """
    action = await session.get(Action, action_id)
    if action is None:
        raise NotFound()
    if not await may_record(session=session, person=person, action=action):
        raise NotAllowed()
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if not action.starts_at <= now <= action.ends_at + RESULTS_WINDOW:
        raise ResultsClosed()
    return ResultsScreen(
        action=action,
        area_name=(await area_scope.tree(session)).name(action.area_id),
        street=street,
        themes=await themes_for_area(session=session, area_id=action.area_id),
        mine=await my_result(session=session, person=person, action_id=action_id, street=street),
    )


async def tap_result(
    *,
    session: AsyncSession,
    person: Person,
    action_id: int,
    street: str,
    now: dt.datetime,
    count: int | None = None,
    theme: tuple[int, bool] | None = None,
) -> None:
    """One tap on the screen: set the number of conversations (`count`) or tick / untick
    the theme at index `theme[0]` of `themes_for_area` (`theme[1]`: on). The rest of this
    person's result for the action and street stays as it was (0 conversations if new).

    Raises `NotFound` (no such action or theme index), and as `record_result`.
    """
    action = await session.get(Action, action_id)
    if action is None:
        raise NotFound()
    mine = await my_result(session=session, person=person, action_id=action_id, street=street)
    chosen = set(mine.themes) if mine else set()
    if theme is not None:
        offered = await themes_for_area(session=session, area_id=action.area_id)
        index, on = theme
        if index >= len(offered):
            raise NotFound()
        if on:
            chosen.add(offered[index].key)
        else:
            chosen.discard(offered[index].key)
    if count is None:
        count = mine.conversations if mine else 0
    await record_result(
        session=session,
        person=person,
        action_id=action_id,
        conversations=count,
        themes=chosen,
        street=street or None,
        now=now,
    )


async def finish(
    *, session: AsyncSession, person: Person, action_id: int
) -> tuple[Action, ActionSummary]:
    """The action and the totals of its results, for the closing line of the screen.

    Raises `NotFound`, `NotAllowed` (as `action_summary`)."""
    summary = await action_summary(session=session, viewer=person, action_id=action_id)
    action = await session.get(Action, action_id)
    assert action is not None
    return action, summary
