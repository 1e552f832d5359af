"""Benchmark: how fast the outbox drains, and whether it keeps Telegram's limits.

Fills the outbox with N action calls (one per chat) plus M extra messages to a few chats,
then runs the real OutboxDispatcher with a real `telegram.Bot` against the fake Bot API
server on 127.0.0.1 (real HTTP), and prints:

- messages/s over all chats (target: the configured rate, default 25/s);
- the shortest gap between two messages to the same chat (must be >= 1.0 s);
- the most messages in any 1-second window (must be <= the rate);
- peak resident memory of the process.

Usage: python benchmarks/outbox_drain.py [--chats 500] [--extra-per-chat 4 --busy-chats 5]
       [--rate 25] [--database-url postgresql://127.0.0.1:5432/test]
(The PostgreSQL URL's database gets a fresh schema that is dropped afterwards.)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from telegram import Bot

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.dispatcher import OutboxDispatcher
from bot.i18n import I18n
from bot.runtime import migrate_and_seed
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import TEST_TOKEN
from storage.db import Database, sync_url
from storage.models import Action, Area, OutboxMessage, Person


async def fill(db: Database, chats: int, extra: int, busy: int, now: dt.datetime) -> int:
    async with db.begin() as session:
        area = await session.scalar(select(Area).where(Area.code == "A05"))
        action = Action(
            kind="street_stand",
            title="Klaptafel Haarlemmerplein",
            area_id=area.id,
            meeting_place="Haarlemmerplein",
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=3, hours=3),
            volunteers_needed=500,
            confirmed_count=0,
            status="open",
            created_at=now,
        )
        session.add(action)
        people = [
            Person(
                telegram_user_id=10_000 + i,
                chat_id=10_000 + i,
                display_name=f"V{i}",
                role="volunteer",
                area_id=area.id,
                language="nl" if i % 3 else "en",
                spoken_languages=[],
                consent_at=now,
                onboarded_at=now,
                created_at=now,
            )
            for i in range(chats)
        ]
        session.add_all(people)
        await session.flush()
        rows = [
            OutboxMessage(
                person_id=p.id,
                chat_id=p.chat_id,
                message_key="action_call",
                args={},
                action_id=action.id,
                due_at=now,
                not_after=action.starts_at,
                dedup_key=f"call:{p.id}",
                status="pending",
                attempts=0,
                created_at=now,
            )
            for p in people
        ]
        for p in people[:busy]:
            rows += [
                OutboxMessage(
                    person_id=p.id,
                    chat_id=p.chat_id,
                    message_key="reminder_24h",
                    args={},
                    action_id=action.id,
                    due_at=now,
                    not_after=action.starts_at,
                    dedup_key=f"extra:{p.id}:{k}",
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
                for k in range(extra)
            ]
        session.add_all(rows)
        return len(rows)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--extra-per-chat", type=int, default=4)
    parser.add_argument("--busy-chats", type=int, default=5)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp())
    url, schema = args.database_url or f"sqlite:///{tmp / 'bench.db'}", None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with create_engine(sync_url(url)).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
    settings = Settings(
        telegram_bot_token=TEST_TOKEN,
        database_url=url,
        outbox_rate_per_second=args.rate,
        _env_file=None,
    )
    migrate_and_seed(settings)
    db = Database(url)
    clock = Clock()
    total = await fill(db, args.chats, args.extra_per_chat, args.busy_chats, clock.now())
    i18n = I18n(settings.locales_dir, default_language="nl", tz=settings.tz)
    dispatcher = OutboxDispatcher(db=db, i18n=i18n, clock=clock, settings=settings)

    async with FakeBotAPI(token=TEST_TOKEN) as fake:
        for i in range(args.chats):
            fake.user(10_000 + i, f"V{i}")
        bot = Bot(TEST_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
        await bot.initialize()
        started = time.monotonic()
        while True:
            await dispatcher.run_once(bot)
            async with db.begin() as session:
                left = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(("pending", "sending")))
                )
            if not left:
                break
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
        sends = sorted(
            (r.time, r.chat_id) for r in fake.requests if r.method == "sendMessage" and r.ok
        )
        await bot.shutdown()

    per_chat: dict[int, list[float]] = {}
    for when, chat in sends:
        per_chat.setdefault(chat, []).append(when)
    gaps = [b - a for times in per_chat.values() for a, b in itertools.pairwise(times)]
    window_max, j = 0, 0
    times = [w for w, _ in sends]
    for i, when in enumerate(times):
        while times[j] < when - 1.0:
            j += 1
        window_max = max(window_max, i - j + 1)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database            {'postgresql' if schema else 'sqlite'}")
    print(f"messages            {len(sends)} sent of {total} queued, {args.chats} chats")
    print(f"drain time          {elapsed:.1f} s")
    print(f"throughput          {len(sends) / elapsed:.1f} messages/s (configured {args.rate}/s)")
    print(f"max in any 1 s      {window_max} messages")
    print(f"min same-chat gap   {min(gaps):.2f} s" if gaps else "min same-chat gap   n/a")
    print(f"peak RSS            {rss_mb:.0f} MiB")
    await db.dispose()
    if schema:
        with create_engine(sync_url(args.database_url)).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    asyncio.run(main())
