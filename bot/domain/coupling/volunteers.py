"""A volunteer's coupling settings: ready for coupling (with an optional VOG date), their
maximum number of couples, and "liever niet nu"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.coupling.requests import ancestor_ids
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import Role
from storage.models import CouplingProfile, Person

#: "Liever niet nu" pauses coupling proposals this long unless set otherwise (issue 6 §1).
NOT_NOW_DEFAULT = dt.timedelta(weeks=4)
MAX_COUPLES_LIMIT = 10


async def profile_of(*, session: AsyncSession, volunteer_id: int) -> CouplingProfile:
    """The volunteer's profile row, created with defaults (max 1, not ready) if missing."""
    profile = await session.get(CouplingProfile, volunteer_id)
    if profile is None:
        profile = CouplingProfile(person_id=volunteer_id, max_couples=1)
        session.add(profile)
        await session.flush()
    return profile


async def mark_ready(
    *,
    session: AsyncSession,
    volunteer_id: int,
    coordinator: Person,
    now: dt.datetime,
    vog_date: dt.date | None = None,
) -> CouplingProfile:
    """ "Klaar voor koppelen", set by a coordinator of the volunteer's area after a
    kennismaking; optionally the date of the VOG (certificate of conduct; date only, no
    number: data minimisation). Without `vog_date` a date noted before is kept.
    Raises `NotFound` (no such volunteer), `NotAllowed` (not a coordinator of their area),
    `InvalidInput("vog_date")` for a VOG date in the future."""
    volunteer = await session.get(Person, volunteer_id)
    if volunteer is None or volunteer.role != Role.VOLUNTEER:
        raise NotFound()
    if coordinator.role != Role.COORDINATOR or coordinator.onboarded_at is None:
        raise NotAllowed()
    if coordinator.area_id not in await ancestor_ids(session, volunteer.home_area_id):
        raise NotAllowed()
    if vog_date is not None and vog_date > now.date():
        raise InvalidInput("vog_date")
    profile = await profile_of(session=session, volunteer_id=volunteer_id)
    profile.ready_at = now
    profile.ready_by_id = coordinator.id
    if vog_date is not None:  # marking again without a date keeps the one noted
        profile.vog_date = vog_date
    await session.flush()
    return profile


async def first_name(*, session: AsyncSession, volunteer_id: int) -> str:
    """The volunteer's first name. Raises `NotFound`."""
    volunteer = await session.get(Person, volunteer_id)
    if volunteer is None:
        raise NotFound()
    return volunteer.display_name


def parse_vog_date(text: str, today: dt.date) -> dt.date:
    """A typed date 'd-m-yyyy' (also with '/' or '.'; 'd-m' means this year), not after
    `today` (Europe/Amsterdam) and not more than 10 years before it. Raises
    `InvalidInput("vog_date")` otherwise."""
    parts = [p for p in text.strip().replace("/", "-").replace(".", "-").split("-") if p]
    try:
        if len(parts) == 2:
            day = dt.date(today.year, int(parts[1]), int(parts[0]))
        elif len(parts) == 3:
            year = int(parts[2])
            day = dt.date(year + 2000 if year < 100 else year, int(parts[1]), int(parts[0]))
        else:
            raise ValueError(text)
    except ValueError as exc:
        raise InvalidInput("vog_date") from exc
    if day > today or day < _years_before(today, 10):
        raise InvalidInput("vog_date")
    return day


def _years_before(today: dt.date, years: int) -> dt.date:
    """The same day `years` years back; 29 February becomes 28 February in a year without
    it (`date.replace` would raise ValueError)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


async def set_max_couples(*, session: AsyncSession, volunteer: Person, count: int) -> None:
    """How many couples the volunteer wants at most (asked at sign-up; default 1).
    Raises `InvalidInput("max_couples")` outside 0..10."""
    if not 0 <= count <= MAX_COUPLES_LIMIT:
        raise InvalidInput("max_couples")
    profile = await profile_of(session=session, volunteer_id=volunteer.id)
    profile.max_couples = count
    await session.flush()


async def set_not_now(
    *,
    session: AsyncSession,
    volunteer_id: int,
    now: dt.datetime,
    period: dt.timedelta = NOT_NOW_DEFAULT,
) -> dt.datetime:
    """ "Liever niet nu": no coupling proposals until now + period (UTC; default 4 weeks).
    Returns that moment. Raises `InvalidInput("period")` outside 1 day..1 year."""
    if not dt.timedelta(days=1) <= period <= dt.timedelta(days=366):
        raise InvalidInput("period")
    profile = await profile_of(session=session, volunteer_id=volunteer_id)
    profile.not_now_until = now + period
    await session.flush()
    return profile.not_now_until


async def coupling_settings(
    *, session: AsyncSession, volunteer_id: int
) -> tuple[int, dt.datetime | None]:
    """The volunteer's maximum number of couples (1 when never set) and the end of their
    "liever niet nu" (aware UTC, or None). Reads only: creates no profile row."""
    profile = await session.get(CouplingProfile, volunteer_id)
    if profile is None:
        return 1, None
    return profile.max_couples, profile.not_now_until
