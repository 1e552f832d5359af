"""Results of an action (opbrengst): conversations held, themes heard, new residents met.

Each volunteer who has a confirmed place on the action, and each coordinator who manages
the action's area, records their own numbers, optionally per street. Recording again for
the same action and street replaces that person's earlier numbers (a correction, not a sum).
Results can be recorded from the action's start (at the door) until `RESULTS_WINDOW` after
its end.

Themes come from `storage/data/themes.toml` plus themes coordinators add for their area
(`add_area_theme`), which apply to that area and every area below it.

Privacy: a result row holds counts, a street name and the recorder's person id. When the
recorder is erased, the database sets `person_id` to NULL (ON DELETE SET NULL): the counts
stay in the overview, nothing points to the person any more.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

import storage
from bot.domain.actions import may_manage
from bot.domain.errors import ActionCancelled, DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import ActionStatus, PlaceStatus, Role
from storage.models import (
    Action,
    ActionResult,
    ActionResultTheme,
    Area,
    AreaTheme,
    Person,
    Rsvp,
)

THEMES_FILE = Path(storage.__file__).resolve().parent / "data" / "themes.toml"
#: How long after an action's end results can still be recorded (our choice: two weeks
#: covers "I'll fill it in at the weekend" without letting numbers drift for months).
RESULTS_WINDOW = dt.timedelta(days=14)
MAX_COUNT = 1000  # per person, per action, per street; also a CHECK in the database
STREET_MAX = 80
THEME_NAME_MIN, THEME_NAME_MAX = 2, 40
AREA_THEME_PREFIX = "area_"


class ResultsClosed(DomainError):
    """Results cannot be recorded now: the action has not started or the window has passed."""


@dataclass(frozen=True)
class Theme:
    """A theme that can be heard. `names` maps a language code ('nl', 'en') to its name;
    `area_id` is None for the themes of `themes.toml`, else the area a coordinator added it
    for."""

    key: str
    names: Mapping[str, str]
    area_id: int | None = None

    def name(self, language: str) -> str:
        """The theme's name in `language`, else in Dutch, else its key."""
        return self.names.get(language) or self.names.get("nl") or self.key


@dataclass(frozen=True)
class RecordedResult:
    """One person's result for one action and street ('' = no street given)."""

    action_id: int
    street: str
    conversations: int
    new_residents: int
    themes: tuple[str, ...]
    created: bool  # False when it replaced an earlier record


@dataclass(frozen=True)
class ActionSummary:
    """All results of one action: totals, conversations per street ('' = not given), how
    often each theme was named (once per recorded result), and how many records there are."""

    action_id: int
    conversations: int
    new_residents: int
    per_street: dict[str, int]
    themes: Counter[str] = field(default_factory=Counter)
    records: int = 0
    people: int = 0  # distinct people who recorded (erased ones not counted)


@cache
def default_themes(path: Path = THEMES_FILE) -> tuple[Theme, ...]:
    """The themes of the themes file, in file order.

    Raises `ValueError` for an entry without key/nl/en or a duplicate key, `OSError` when
    the file cannot be read.
    """
    with path.open("rb") as fh:
        entries = tomllib.load(fh).get("theme", [])
    themes, seen = [], set()
    for entry in entries:
        key, nl, en = entry.get("key"), entry.get("nl"), entry.get("en")
        if not (key and nl and en) or key in seen or key.startswith(AREA_THEME_PREFIX):
            raise ValueError(f"{path}: bad or duplicate theme entry {entry!r}")
        seen.add(key)
        themes.append(Theme(key=key, names={"nl": nl, "en": en}))
    return tuple(themes)


async def _ancestor_ids(session: AsyncSession, area_id: int) -> list[int]:
    ids, current = [], await session.get(Area, area_id)
    while current is not None:
        ids.append(current.id)
        current = await session.get(Area, current.parent_id) if current.parent_id else None
    return ids


async def themes_for_area(*, session: AsyncSession, area_id: int) -> list[Theme]:
    """The themes offered for an action in `area_id`: the file's themes, then the themes
    added for this area or any area above it (oldest first)."""
    rows = await session.scalars(
        select(AreaTheme)
        .where(AreaTheme.area_id.in_(await _ancestor_ids(session, area_id)))
        .order_by(AreaTheme.created_at, AreaTheme.id)
    )
    extra = [Theme(key=r.key, names={"nl": r.name, "en": r.name}, area_id=r.area_id) for r in rows]
    return [*default_themes(), *extra]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


async def add_area_theme(
    *, session: AsyncSession, coordinator: Person, area_id: int, name: str, now: dt.datetime
) -> Theme:
    """Add a theme for an area the coordinator manages; returns it.

    The name is kept as typed (trimmed, 2-40 characters) and shown in every language.
    When a theme with the same name already exists for this area (from the file, in Dutch
    or English, or added here or above), that theme is returned and nothing is added.
    Raises `NotAllowed` (not a coordinator of that area), `InvalidInput('theme')`.
    """
    if coordinator.onboarded_at is None or not await may_manage(
        session=session, person=coordinator, area_id=area_id
    ):
        raise NotAllowed()
    clean = " ".join(name.split())
    slug = _slug(clean)
    if not THEME_NAME_MIN <= len(clean) <= THEME_NAME_MAX or not slug:
        raise InvalidInput("theme", f"{THEME_NAME_MIN}-{THEME_NAME_MAX} characters")
    for theme in await themes_for_area(session=session, area_id=area_id):
        if slug in {_slug(n) for n in theme.names.values()}:
            return theme
    key = (AREA_THEME_PREFIX + slug)[:40]
    row = AreaTheme(
        area_id=area_id, key=key, name=clean, created_by_id=coordinator.id, created_at=now
    )
    session.add(row)
    await session.flush()
    return Theme(key=key, names={"nl": clean, "en": clean}, area_id=area_id)


async def may_record(*, session: AsyncSession, person: Person, action: Action) -> bool:
    """A volunteer with a confirmed place on the action, or a coordinator of its area."""
    if person.onboarded_at is None:
        return False
    if person.role == Role.COORDINATOR:
        return await may_manage(session=session, person=person, area_id=action.area_id)
    status = await session.scalar(
        select(Rsvp.status).where(Rsvp.action_id == action.id, Rsvp.person_id == person.id)
    )
    return person.role == Role.VOLUNTEER and status == PlaceStatus.CONFIRMED


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise InvalidInput(name, f"a whole number from 0 to {MAX_COUNT}")
    return value


async def record_result(
    *,
    session: AsyncSession,
    person: Person,
    action_id: int,
    conversations: int,
    now: dt.datetime,
    new_residents: int = 0,
    themes: Iterable[str] = (),
    street: str | None = None,
) -> RecordedResult:
    """Record (or correct) this person's result for the action and street.

    `conversations` and `new_residents` are whole numbers 0..1000; `themes` are theme keys
    offered for the action's area (`themes_for_area`); `street` is a street name (trimmed,
    at most 80 characters) or None. `now` is aware UTC.
    Raises `NotFound` (no such action), `ActionCancelled`, `ResultsClosed` (before the
    start or more than `RESULTS_WINDOW` after the end), `NotAllowed` (see `may_record`),
    `InvalidInput` with field 'conversations', 'new_residents', 'street' or 'theme'.
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
    _count(conversations, "conversations")
    _count(new_residents, "new_residents")
    clean_street = " ".join((street or "").split())
    if len(clean_street) > STREET_MAX:
        raise InvalidInput("street", f"at most {STREET_MAX} characters")
    offered = [t.key for t in await themes_for_area(session=session, area_id=action.area_id)]
    chosen = set(themes)
    if chosen - set(offered):
        raise InvalidInput("theme", "not offered for this area")
    row = await session.scalar(
        select(ActionResult).where(
            ActionResult.action_id == action.id,
            ActionResult.person_id == person.id,
            ActionResult.street == clean_street,
        )
    )
    created = row is None
    if row is None:
        row = ActionResult(
            action_id=action.id, person_id=person.id, street=clean_street, recorded_at=now
        )
        session.add(row)
    row.conversations, row.new_residents, row.updated_at = conversations, new_residents, now
    await session.flush()
    await session.execute(delete(ActionResultTheme).where(ActionResultTheme.result_id == row.id))
    ordered = tuple(key for key in offered if key in chosen)
    session.add_all(ActionResultTheme(result_id=row.id, theme=key) for key in ordered)
    await session.flush()
    return RecordedResult(
        action_id=action.id,
        street=clean_street,
        conversations=conversations,
        new_residents=new_residents,
        themes=ordered,
        created=created,
    )


async def action_summary(*, session: AsyncSession, viewer: Person, action_id: int) -> ActionSummary:
    """Totals of all results of an action, for a coordinator of its area or anyone who may
    record results for it. Raises `NotFound`, `NotAllowed`."""
    action = await session.get(Action, action_id)
    if action is None:
        raise NotFound()
    if not await may_record(session=session, person=viewer, action=action):
        raise NotAllowed()
    rows = (
        await session.scalars(select(ActionResult).where(ActionResult.action_id == action_id))
    ).all()
    per_street: dict[str, int] = {}
    for row in rows:
        per_street[row.street] = per_street.get(row.street, 0) + row.conversations
    themes = Counter(
        await session.scalars(
            select(ActionResultTheme.theme)
            .join(ActionResult, ActionResult.id == ActionResultTheme.result_id)
            .where(ActionResult.action_id == action_id)
        )
    )
    return ActionSummary(
        action_id=action_id,
        conversations=sum(r.conversations for r in rows),
        new_residents=sum(r.new_residents for r in rows),
        per_street=per_street,
        themes=themes,
        records=len(rows),
        people=len({r.person_id for r in rows if r.person_id is not None}),
    )
