"""Planning an action once more (issue 7 item 2, "Nog een keer") and olievlek's "Here too"
(issue 10 item 9) are one path: a planning draft copied from an action.

- "Once more" (`act:cp:<id>` on the roster): kind, title, number of places, the language
  it asks for and its co-organisers; the conversation then asks the area, the meeting
  place, the day and the times.
- "Here too: <buurt>" (`act:ct:<id>:<buurt>` under /overzicht; older `na:cp` buttons too):
  the same, plus the buurt, the next same weekday after today (1..7 days ahead) and the
  local start and end times, so only the meeting place is asked before the preview.

The draft is the dict `bot.handlers.action_input.draft_from_data` reads (str/int values,
JSON, kept by the persistence). Nothing is stored here; creating the action is
`bot.domain.actions.create_action` after the usual preview.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, joint
from bot.domain.actions import get_managed_action, may_manage
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.vocabulary import AreaLevel
from storage.models import Person


async def copy_draft(
    *,
    session: AsyncSession,
    coordinator: Person | None,
    action_id: int,
    now: dt.datetime,
    tz: ZoneInfo,
    area_id: int | None = None,
) -> dict[str, Any]:
    """The planning draft of a copy of an action the coordinator manages: kind, title,
    needed, language ('' for none), organisations (co-organiser ids, those still serving
    the target area when one is given), `copied` (the action's id) and `wijk` 0. With
    `area_id` ("Here too"): also area_id, date (the next same weekday after today, local
    in `tz`; `now` aware UTC), start and end ('HH:MM' on the wall clock of `tz`).

    Raises `NotAllowed` (not a signed-up coordinator; a target that is not a buurt within
    their area) and `NotFound` (no such action, or outside their area).
    """
    if coordinator is None:
        raise NotAllowed()
    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    organisers = await joint.organiser_ids(session=session, action_id=action.id)
    draft: dict[str, Any] = {
        "kind": action.kind,
        "title": action.title,
        "needed": action.volunteers_needed,
        "language": action.language or "",
        "organisations": sorted(organisers),
        "copied": action.id,
        "wijk": 0,
    }
    if area_id is None:
        return draft
    target = (await areas.tree(session)).get(area_id)
    if target is None:
        raise NotFound()
    if target.level != AreaLevel.BUURT or not await may_manage(
        session=session, person=coordinator, area_id=area_id
    ):
        raise NotAllowed()
    serving = {c.id for c in await joint.choices_for(session=session, area_id=area_id)}
    start, end = action.starts_at.astimezone(tz), action.ends_at.astimezone(tz)
    today = now.astimezone(tz).date()
    ahead = (start.weekday() - today.weekday()) % 7 or 7
    draft.update(
        area_id=area_id,
        organisations=sorted(organisers & serving),
        date=(today + dt.timedelta(days=ahead)).isoformat(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
    )
    return draft
