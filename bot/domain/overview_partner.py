"""The overview as partner staff get it (issue 10, item 7): the area of their organisation,
with every count from 1 to 4 suppressed (`build_overview(suppress_below=5)`; see
`bot.domain.overview` for the rule and its known limit).

Who is partner staff is the organisation link (`bot.domain.coupling.organisations
.organisation_of`); the partner role itself is built elsewhere (issue 6). Partners never get
the exact counts, whatever they ask for.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.coupling.organisations import organisation_of
from bot.domain.errors import NotAllowed
from bot.domain.overview import Overview, build_overview
from storage.models import Organisation, Person

#: Counts below this are shown as "<5" to partners (issue 10: "suppresses counts below 5").
PARTNER_SUPPRESS_BELOW = 5


async def overview_for_partner(
    *,
    session: AsyncSession,
    staff: Person,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    tz: ZoneInfo,
) -> Overview:
    """The suppressed overview of the area of `staff`'s organisation.

    Raises `NotAllowed` for someone who is not staff of an organisation (or not onboarded),
    and like `build_overview`.
    """
    organisation_id = await organisation_of(session=session, person_id=staff.id)
    organisation = await session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or staff.onboarded_at is None:
        raise NotAllowed()
    return await build_overview(
        session=session,
        area_id=organisation.area_id,
        first_day=first_day,
        last_day=last_day,
        now=now,
        tz=tz,
        suppress_below=PARTNER_SUPPRESS_BELOW,
        signals_of=organisation.id,  # never another organisation's signals
    )
