"""Benchmark: one user's flood does not slow a call down for everyone else (issue 9).

Runs the real Application (long polling, the real throttle with its default settings)
against the fake Bot API server on 127.0.0.1, with a coordinator, N volunteers whose
availability fits, and one stranger. Each round the coordinator plans an action through the
/nieuweactie conversation up to the preview, then presses "Confirm"; the figure is the time
from that press to the first call (sendMessage "New action ...") reaching a volunteer.
Rounds alternate: without a flood, and with the stranger's flood of 300 text messages put
in the update queue just before the press. Prints every round, the medians and the
difference (issue 9 asks for <= 1 s); the last line is one JSON object.

Usage: python benchmarks/throttle_flood.py [--rounds 3] [--volunteers 20] [--flood 300]
       [--database-url postgresql://127.0.0.1:5432/test] [--no-throttle]
(`--no-throttle` shows the same rounds without the throttle, for comparison. The
PostgreSQL URL's database gets a fresh schema that is dropped afterwards.)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from bot.clock import Clock
from bot.config import Settings
from bot.runtime import migrate_and_seed
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import TEST_TOKEN, BotUnderTest, add_person, tap
from storage.db import sync_url

AMS = ZoneInfo("Europe/Amsterdam")
SAT_AFTERNOON = (5, "afternoon")


async def _plan_to_preview(coord: FakeUser, title: str) -> None:
    mark = coord.mark()
    await coord.send("/newaction")
    await coord.wait_for("What kind of action is it?", after=mark)
    await tap(coord, "Street stand", after=mark)
    await coord.wait_for("Type a short title for the action.", after=mark)
    await coord.send(title)
    await tap(coord, "Haarlemmerbuurt", after=mark)
    await tap(coord, "Whole wijk", after=mark)
    await coord.wait_for("Where do the volunteers meet?", after=mark)
    await coord.send("Haarlemmerplein")
    await tap(coord, "Sat 6 Dec", after=mark)
    await coord.wait_for("What time does it start?", after=mark)
    await coord.send("14:00")
    await coord.wait_for("What time does it end?", after=mark)
    await coord.send("16:00")
    await tap(coord, "6", after=mark)
    await coord.wait_for("Please check the action:", after=mark, timeout=30)


async def _round(
    fake: FakeBotAPI,
    coord: FakeUser,
    stranger: FakeUser,
    volunteer_ids: set[int],
    title: str,
    flood: int,
) -> tuple[float, int]:
    """(seconds from the press to the first call, answers the stranger got this round)."""
    await _plan_to_preview(coord, title)
    await fake.settle(timeout=60)
    preview = coord.last
    assert preview is not None
    before_flood = len(fake.requests)
    for i in range(flood):
        await stranger.send(f"flood {i}")
    since = len(fake.requests)
    start = time.monotonic()
    await coord.press("Confirm", message_id=preview.message_id)
    first = await fake.wait_for_request(
        "sendMessage",
        since=since,
        predicate=lambda r: r.chat_id in volunteer_ids and title in str(r.params.get("text")),
        timeout=120,
    )
    await fake.settle(timeout=120)
    answers = sum(
        1
        for r in fake.requests[before_flood:]
        if r.method == "sendMessage" and r.chat_id == stranger.id
    )
    return first.time - start, answers


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = _database(args.database_url, Path(tmp))
        try:
            migrate_and_seed(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
            clock = Clock()
            clock.set(dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS))
            async with FakeBotAPI(token=TEST_TOKEN, bot_username="wijkbot_bench_bot") as fake:
                extra = {"throttle_max_updates": 10**9} if args.no_throttle else {}
                bot = BotUnderTest(fake, BotUnderTest.settings_for(fake, url, **extra), clock)
                await bot.start()
                try:
                    coord = fake.user(1, "Carla", language_code="en")
                    await add_person(bot, coord, role="coordinator", area="Centrum", language="en")
                    volunteer_ids = set()
                    for i in range(args.volunteers):
                        user = fake.user(100 + i, f"V{i}", language_code="en")
                        await add_person(
                            bot,
                            user,
                            role="volunteer",
                            area="Haarlemmerbuurt",
                            language="en",
                            slots=[SAT_AFTERNOON],
                        )
                        volunteer_ids.add(user.id)
                    stranger = fake.user(9, "Flo", language_code="en")
                    quiet, flooded, answered = [], [], []
                    for n in range(args.rounds):
                        for flood, found in ((0, quiet), (args.flood, flooded)):
                            clock.advance(120)  # the stranger's mute (60 s) is over
                            took, answers = await _round(
                                fake, coord, stranger, volunteer_ids, f"Ronde {n} {flood}", flood
                            )
                            found.append(took)
                            if flood:
                                answered.append(answers)
                            print(f"round {n}: flood {flood:>4} -> first call after {took:.3f} s")
                    calm, busy = statistics.median(quiet), statistics.median(flooded)
                    print(
                        f"median without flood: {calm:.3f} s; "
                        f"with a flood of {args.flood}: {busy:.3f} s; "
                        f"difference {busy - calm:+.3f} s "
                        f"(worst {max(flooded) - min(quiet):+.3f} s)"
                    )
                    print(f"answers to the flooder per flood (incl. 'slow down'): {answered}")
                    print(
                        json.dumps(
                            {
                                "benchmark": "throttle_flood",
                                "database": "postgresql" if args.database_url else "sqlite",
                                "throttle": not args.no_throttle,
                                "rounds": args.rounds,
                                "volunteers": args.volunteers,
                                "flood": args.flood,
                                "median_without_flood_s": round(calm, 3),
                                "median_with_flood_s": round(busy, 3),
                                "difference_s": round(busy - calm, 3),
                                "worst_difference_s": round(max(flooded) - min(quiet), 3),
                                "flood_answers_per_round": answered,
                            }
                        )
                    )
                finally:
                    await bot.stop()
        finally:
            cleanup()


def _database(given: str | None, tmp: Path) -> tuple[str, object]:
    if not given:
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sync_url(given))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in given else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{given}{sep}options=-csearch_path%3D{schema}", drop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--volunteers", type=int, default=20)
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-throttle", action="store_true", help="for comparison: no throttle")
    asyncio.run(main(parser.parse_args()))
