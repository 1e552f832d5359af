"""Test data, made one way for every test: areas, invites, people, actions, outbox rows.

Use it as `from tests import factories as make`, then `await make.person(session, "Anna")`.

- People are made the way the bot makes them: an invite for their role and area,
  `people.register` (consent at `now`), optionally a buurt, availability and offers, then
  `people.finish_onboarding`. A change to the sign-up rules shows up here once.
- Functions that touch the database take an open `session` (the caller's transaction; they
  flush, never commit). `unsaved_action` and `unsaved_outbox_row` build rows without a
  session (unit tests; or `session.add` them yourself).
- Areas are named as in `storage/data/areas-amsterdam-centrum.toml` (the test databases
  are seeded with it): "Centrum", "Haarlemmerbuurt", "Planciusbuurt Noord", ...
- Times are aware UTC datetimes. `NOW` (Monday 3 May 2027 10:00 in Amsterdam) is the
  default moment; pass `now=` where a test has its own.
- Telegram ids come from one counter starting at 900 000, far from the ids tests give
  their `FakeUser`s (they are below 100 000); pass `telegram_user_id` / `chat_id` to choose.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import actions, availability, invites, people
from bot.domain.actions import CallPlan
from bot.domain.invites import NewInvite
from storage.areas import find_area
from storage.models import Action, Area, OutboxMessage, Person

UTC = dt.UTC
AMS = ZoneInfo("Europe/Amsterdam")
#: Monday 3 May 2027, 10:00 in Amsterdam (CEST).
NOW = dt.datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
#: Saturday 8 May 2027, 14:00-17:00 in Amsterdam: the default action's time.
STARTS = dt.datetime(2027, 5, 8, 12, 0, tzinfo=UTC)
ENDS = STARTS + dt.timedelta(hours=3)

_telegram_ids = itertools.count(900_000)
_dedup_keys = itertools.count(1)


async def area(session: AsyncSession, name: str) -> Area:
    """The seeded area called `name` (any level). Fails the test if there is none."""
    found = await find_area(session, name)
    assert found is not None, f"no area {name!r} in the seeded area file"
    return found


async def area_id(session: AsyncSession, name: str) -> int:
    """The id of the seeded area called `name`."""
    return (await area(session, name)).id


async def invite(
    session: AsyncSession,
    *,
    role: str = "volunteer",
    area: str = "Haarlemmerbuurt",
    now: dt.datetime = NOW,
    max_uses: int | None = None,
    valid_for: dt.timedelta | None = None,
) -> NewInvite:
    """An invite made with `bot.domain.invites.create_invite`; `.token` is the raw token
    (only its hash is stored), `.invite` the row."""
    return await invites.create_invite(
        session=session,
        role=role,
        area=await _area(session, area),
        now=now,
        max_uses=max_uses,
        valid_for=valid_for,
    )


async def person(
    session: AsyncSession,
    name: str = "Vrijwilliger",
    *,
    role: str = "volunteer",
    area: str = "Haarlemmerbuurt",
    buurt: str | None = None,
    language: str = "nl",
    telegram_user_id: int | None = None,
    chat_id: int | None = None,
    slots: Iterable[tuple[int, str]] = (),
    offers: Iterable[str] = (),
    onboarded: bool = True,
    stopped: bool = False,
    unreachable: bool = False,
    paused_until: dt.date | None = None,
    now: dt.datetime = NOW,
    **fields: Any,
) -> Person:
    """A person signed up through an invite (role and area from it), flushed.

    `slots`: availability as (weekday 0=Monday, day part) pairs; `offers`: task keys;
    `stopped` / `unreachable` set at `now`; `chat_id` defaults to the Telegram user id;
    `fields`: any other `Person` column, set last (e.g. `stopped_at=...`).
    """
    new = await invite(session, role=role, area=area, now=now)
    user_id = next(_telegram_ids) if telegram_user_id is None else telegram_user_id
    made = await people.register(
        session=session,
        token=new.token,
        telegram_user_id=user_id,
        chat_id=user_id if chat_id is None else chat_id,
        first_name=name,
        language=language,
        now=now,
    )
    if buurt is not None:
        await people.set_buurt(session=session, person=made, buurt_id=await area_id(session, buurt))
    await availability.set_slots(session=session, person_id=made.id, slots=set(slots))
    if offers:
        await people.set_offers(session=session, person=made, tasks=offers)
    if onboarded:
        people.finish_onboarding(person=made, now=now)
    if stopped:
        people.stop(person=made, now=now)
    if unreachable:
        made.unreachable_at = now
    made.paused_until = paused_until
    for column, value in fields.items():
        setattr(made, column, value)
    await session.flush()
    return made


def unsaved_action(**fields: Any) -> Action:
    """An `Action` row not added to any session: a doorstep action on Saturday 8 May 2027
    14:00-17:00 (Amsterdam) needing 4 volunteers, open; `fields` override any column
    (`area_id` defaults to 1)."""
    values: dict[str, Any] = {
        "kind": "doorstep",
        "title": "Portiekgesprekken",
        "area_id": 1,
        "meeting_place": "Buurthuis De Bolder",
        "starts_at": STARTS,
        "ends_at": ENDS,
        "volunteers_needed": 4,
        "confirmed_count": 0,
        "status": "open",
        "created_at": NOW,
    }
    values.update(fields)
    return Action(**values)


async def action(session: AsyncSession, *, area: str = "Haarlemmerbuurt", **fields: Any) -> Action:
    """An action row in `area` (see `unsaved_action` for the defaults), added and flushed.

    Made directly, not through `bot.domain.actions.create_action`: no calls are queued.
    With `starts_at` but no `ends_at`, it lasts three hours.
    """
    if "starts_at" in fields and "ends_at" not in fields:
        fields["ends_at"] = fields["starts_at"] + dt.timedelta(hours=3)
    made = unsaved_action(area_id=await area_id(session, area), **fields)
    session.add(made)
    await session.flush()
    return made


async def planned_action(
    session: AsyncSession,
    *,
    coordinator: Person,
    area: str = "Haarlemmerbuurt",
    kind: str = "doorstep",
    title: str = "Portiekgesprekken",
    meeting_place: str = "Buurthuis De Bolder",
    starts_at: dt.datetime = STARTS,
    ends_at: dt.datetime | None = None,
    needed: int = 4,
    now: dt.datetime = NOW,
    second_wave_delay: dt.timedelta = dt.timedelta(hours=2),
) -> tuple[Action, CallPlan]:
    """An action planned the way the chat plans it (`validate_draft`, then `create_action`:
    its calls are queued in the outbox). `ends_at` defaults to three hours after the start;
    wall-clock rules use Europe/Amsterdam. Raises what those domain functions raise."""
    draft = actions.validate_draft(
        kind=kind,
        title=title,
        area_id=await area_id(session, area),
        meeting_place=meeting_place,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + dt.timedelta(hours=3),
        volunteers_needed=needed,
        now=now,
    )
    return await actions.create_action(
        session=session,
        coordinator=coordinator,
        draft=draft,
        now=now,
        tz=AMS,
        second_wave_delay=second_wave_delay,
    )


def unsaved_outbox_row(
    person: Person,
    *,
    due_at: dt.datetime,
    key: str = "action_call",
    action_id: int | None = None,
    **fields: Any,
) -> OutboxMessage:
    """A pending outbox row to `person`'s chat, due at `due_at`, with a unique dedup key;
    `fields` override any column (status, attempts, claimed_until, ...)."""
    row = OutboxMessage(
        person_id=person.id,
        chat_id=person.chat_id,
        message_key=key,
        args={},
        action_id=action_id,
        due_at=due_at,
        dedup_key=f"test:{next(_dedup_keys)}",
        status="pending",
        attempts=0,
        created_at=due_at,
    )
    for column, value in fields.items():
        setattr(row, column, value)
    return row


async def outbox_row(
    session: AsyncSession,
    person: Person,
    *,
    due_at: dt.datetime,
    key: str = "action_call",
    action_id: int | None = None,
    **fields: Any,
) -> OutboxMessage:
    """`unsaved_outbox_row`, added and flushed (its `id` is set)."""
    row = unsaved_outbox_row(person, due_at=due_at, key=key, action_id=action_id, **fields)
    session.add(row)
    await session.flush()
    return row


_area = area  # `invite` and `person` take a parameter called `area`
