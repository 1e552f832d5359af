"""Many signed-up volunteers at once, with Core bulk inserts (benchmarks and scale tests).

`add_volunteers(db, n, area_key=..., first_chat_id=...)` inserts `n` onboarded volunteers
living in the area (a buurt or higher), language 'en', each with Saturday afternoon
availability, the 'street_stand' task and consent to every volunteer purpose, so they fit
a Saturday-afternoon klaptafel.
Chat ids are `first_chat_id .. first_chat_id + n - 1`. Returns the chat ids.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from bot.domain.consent import purposes_for
from bot.domain.vocabulary import Role
from storage.db import Database
from storage.models import Area, AvailabilitySlot, Offer, Person, PersonConsent

CHUNK = 1000


async def add_volunteers(
    db: Database,
    n: int,
    *,
    area_key: str,
    first_chat_id: int,
    now: dt.datetime,
    task: str = "street_stand",
) -> list[int]:
    """Insert `n` volunteers (see module doc; `task` their one task); one transaction per
    1,000."""
    chat_ids = list(range(first_chat_id, first_chat_id + n))
    async with db.begin() as session:
        area_id = await session.scalar(select(Area.id).where(Area.key == area_key))
        assert area_id is not None, area_key
    for i in range(0, n, CHUNK):
        part = chat_ids[i : i + CHUNK]
        async with db.begin() as session:
            conn = await session.connection()
            await conn.execute(
                insert(Person.__table__),
                [
                    {
                        "telegram_user_id": c,
                        "chat_id": c,
                        "display_name": f"V{c}",
                        "role": "volunteer",
                        "area_id": area_id,
                        "language": "en",
                        "spoken_languages": [],
                        "consent_at": now,
                        "onboarded_at": now,
                        "created_at": now,
                    }
                    for c in part
                ],
            )
            ids = list(await session.scalars(select(Person.id).where(Person.chat_id.in_(part))))
            await conn.execute(
                insert(AvailabilitySlot.__table__),
                [{"person_id": p, "weekday": 5, "day_part": "afternoon"} for p in ids],
            )
            await conn.execute(
                insert(Offer.__table__), [{"person_id": p, "task": task} for p in ids]
            )
            await conn.execute(  # consent to every current volunteer purpose, as at sign-up
                insert(PersonConsent.__table__),
                [
                    {"person_id": p, "purpose": c.key, "version": c.version, "given_at": now}
                    for p in ids
                    for c in purposes_for(Role.VOLUNTEER)
                ],
            )
    return chat_ids
