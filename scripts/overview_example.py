"""Make the README's example overview chart from seeded data.

    python scripts/overview_example.py [--out docs/overview-example.png] [--lang nl]
        [--csv overview.csv] [--suppress-below 5]

Seeds a fresh SQLite database in a temporary directory (migrations + the Amsterdam Centrum
area file) with one month (May 2027) in the gebied Centrum-West: a coordinator, 30
volunteers, doorstep conversations and klaptafels in eight buurten with their recorded
results, and residents who signed up through two flyers. The numbers come from a seeded
random generator, so every run draws the same chart. Everything goes through the domain
functions the bot uses (invites, RSVPs, results, flyers, overview). Prints the figures of
the output (rows, PNG size and dimensions, CSV size, CPU time to build and draw it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain import flyers, invites, people, results  # noqa: E402
from bot.domain.overview import build_overview  # noqa: E402
from bot.domain.rsvp import answer  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.views.overview_chart import overview_chart_png, overview_csv  # noqa: E402
from storage.areas import find_area, load_areas  # noqa: E402
from storage.db import Database, sync_url  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Action, Person  # noqa: E402

AMS = ZoneInfo("Europe/Amsterdam")
APRIL = dt.datetime(2027, 4, 1, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2027, 6, 10, 8, 0, tzinfo=dt.UTC)
FIRST, LAST = dt.date(2027, 5, 1), dt.date(2027, 5, 31)
#: buurt -> (actions, volunteers per action, conversations per volunteer (low, high))
PLAN = {
    "Haarlemmerbuurt West": (3, 5, (2, 7)),
    "Haarlemmerbuurt Oost": (2, 4, (2, 6)),
    "Planciusbuurt Noord": (2, 4, (1, 5)),
    "Westelijke eilanden": (1, 3, (1, 4)),
    "Marnixbuurt Noord": (2, 5, (2, 6)),
    "Bloemgrachtbuurt": (1, 4, (1, 5)),
    "Nieuwendijk Noord": (1, 3, (1, 3)),
    "Spuistraat Zuid": (1, 2, (0, 3)),
}
THEMES = [t.key for t in results.default_themes()]


async def seed(db: Database, rng: random.Random) -> int:
    """Fill the database; returns the area id of Centrum-West."""
    async with db.begin() as session:
        area = await find_area(session, "Centrum-West")
        assert area is not None
        tg = iter(range(1_000, 10_000))

        async def person(role: str, home, when: dt.datetime, token: str | None = None) -> Person:
            if token is None:
                token = (
                    await invites.create_invite(session=session, role=role, area=home, now=when)
                ).token
            number = next(tg)
            new = await people.register(
                session=session,
                token=token,
                telegram_user_id=number,
                chat_id=number,
                first_name=f"P{number}",
                language="nl",
                now=when,
            )
            people.finish_onboarding(person=new, now=when)
            return new

        coordinator = await person("coordinator", area, APRIL)
        volunteers = [await person("volunteer", area, APRIL) for _ in range(30)]
        for buurt_name, (count, size, (low, high)) in PLAN.items():
            buurt = await find_area(session, buurt_name)
            assert buurt is not None
            for _ in range(count):
                day = rng.randint(1, 30)
                start = dt.datetime(2027, 5, day, rng.choice((10, 14, 18)), tzinfo=AMS)
                action = Action(
                    kind=rng.choice(("doorstep", "street_stand")),
                    title="Actie",
                    area_id=buurt.id,
                    meeting_place="-",
                    starts_at=start.astimezone(dt.UTC),
                    ends_at=(start + dt.timedelta(hours=2)).astimezone(dt.UTC),
                    volunteers_needed=size,
                    confirmed_count=0,
                    status="open",
                    created_at=APRIL,
                )
                session.add(action)
                await session.flush()
                for volunteer in rng.sample(volunteers, size):
                    await answer(
                        session=session,
                        action_id=action.id,
                        person=volunteer,
                        answer="yes",
                        now=APRIL,
                        tz=AMS,
                    )
                    await results.record_result(
                        session=session,
                        person=volunteer,
                        action_id=action.id,
                        conversations=rng.randint(low, high),
                        new_residents=rng.randint(0, 1),
                        themes=rng.sample(THEMES, rng.randint(0, 2)),
                        now=action.ends_at,
                    )
        for label, wijk_name, buurten, signups in (
            (
                "Bibliotheek Haarlemmerweg",
                "Haarlemmerbuurt",
                ["Haarlemmerbuurt West", "Haarlemmerbuurt Oost", "Planciusbuurt Noord"],
                9,
            ),
            ("Buurthuis Jordaan", "Jordaan", ["Marnixbuurt Noord", "Bloemgrachtbuurt"], 6),
        ):
            wijk = await find_area(session, wijk_name)
            assert wijk is not None
            flyer = await flyers.create_flyer(
                session=session,
                coordinator=coordinator,
                area=wijk,
                role="resident",
                label=label,
                now=APRIL,
            )
            for _ in range(signups):
                when = dt.datetime(2027, 5, rng.randint(1, 31), 12, tzinfo=dt.UTC)
                resident = await person("resident", wijk, when, flyer.token)
                home = await find_area(session, rng.choice(buurten))
                await people.set_buurt(session=session, person=resident, buurt_id=home.id)
                await flyers.record_sign_up(
                    session=session, person=resident, invite_id=flyer.invite_id, now=when
                )
                if rng.random() < 0.4:
                    await people.set_help_requests(
                        session=session, person=resident, tasks=["shopping"], now=when
                    )
        return area.id


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "overview-example.png")
    parser.add_argument("--csv", type=Path, default=None)
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument("--suppress-below", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/example.db"
        upgrade(url)
        engine = create_engine(sync_url(url))
        with Session(engine) as session, session.begin():
            load_areas(session, ROOT / "storage" / "data" / "areas-amsterdam-centrum.toml")
        engine.dispose()
        db = Database(url)
        area_id = await seed(db, random.Random(10))
        async with db.begin() as session:
            started = time.process_time()
            overview = await build_overview(
                session=session,
                area_id=area_id,
                first_day=FIRST,
                last_day=LAST,
                now=NOW,
                tz=AMS,
                suppress_below=args.suppress_below,
            )
            build_ms = (time.process_time() - started) * 1000
        await db.dispose()
    t = I18n(ROOT / "locales", default_language="nl", tz=AMS).translator(args.lang)
    started = time.process_time()
    png = overview_chart_png(overview, t)
    chart_ms = (time.process_time() - started) * 1000
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(png)
    data = overview_csv(overview, t)
    if args.csv:
        args.csv.write_bytes(data)
    width, height = Image.open(io.BytesIO(png)).size
    total = overview.total
    print(f"overview rows: {len(overview.rows)} (area {overview.area_name}, {FIRST}..{LAST})")
    print(
        f"total: actions {total.actions_held}, volunteers {total.volunteers_active}, "
        f"residents reached {total.residents_reached}, sign-ups {total.sign_ups}"
    )
    print(
        f"CPU time: build overview {build_ms:.0f} ms (incl. database), draw chart {chart_ms:.0f} ms"
    )
    print(f"chart: {args.out} {width}x{height} px, {len(png) / 1024:.0f} kB")
    lines = data.count(b"\n")
    print(f"csv: {len(data)} bytes, {lines} lines")


if __name__ == "__main__":
    asyncio.run(main())
