# ruff: noqa: ASYNC110, ASYNC220, ASYNC222, ASYNC240  (a benchmark driver: polling and blocking waits are fine here)
"""Broadcast benchmark: the real bot and the fake Bot API server as separate processes.

    python benchmarks/broadcast.py --chats 1000 --rate 25 [--database-url URL] [--senders N]

What it does (issue 11 item 6):
1. starts the fake Bot API server in its own process (`--serve`), which records every
   sendMessage (chat id, wall time) and, while the broadcast runs, a volunteer who sends
   /help every 0.5 s and times the answer;
2. migrates a fresh database (a temp SQLite file, or a fresh schema on `--database-url`),
   adds one coordinator and `--chats` volunteers (bulk);
3. starts the bot: `wijkbot run` (polling + outbox) or, with `--senders N`,
   `wijkbot run --no-outbox` plus N `wijkbot send` processes;
4. queues a call through the product (`create_action(queue=False)` + `queue_action_call`);
5. half-way kills one sending process with SIGKILL and starts it again, timing the first
   arrival after the restart (`resume_seconds_after_kill`);
6. counts at the server: achieved rate over the broadcast (first to last arrival), lost,
   duplicates, the shortest gap between two messages to one chat;
7. measures CPU seconds of the sending processes per 1,000 sends, and the same for a plain
   PTB `Application` + `AIORateLimiter` send loop to the same server (`baseline`);
8. times queueing a call for 10,000 volunteers on a fresh database of the same engine.
The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
FIRST_CHAT = 30_000_000
BASELINE_FIRST_CHAT = 40_000_000
HELP_USER = 29_999_999
AMS = ZoneInfo("Europe/Amsterdam")
STARTS = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)  # a Saturday afternoon


# -- the fake server process -----------------------------------------------------------------


async def serve(chats: int, info_file: Path, probe_flag: Path) -> None:
    """Run the fake server until SIGTERM; then write what arrived to `info_file`."""
    from sandbox.fake_bot_api import FakeBotAPI

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with FakeBotAPI(token=TOKEN) as fake:
        for i in range(chats):
            fake.user(FIRST_CHAT + i, language_code="en")
            fake.user(BASELINE_FIRST_CHAT + i, language_code="en")
        helper = fake.user(HELP_USER, "Hulp", language_code="en")
        offset = time.time() - time.monotonic()
        info_file.with_suffix(".url").write_text(fake.base_url)
        probes: list[float] = []

        async def probe() -> None:
            while not stop.is_set():
                if probe_flag.exists():
                    before = len(helper.messages)
                    started = time.monotonic()
                    await helper.send("/help")
                    while len(helper.messages) == before:
                        await asyncio.sleep(0.002)
                    probes.append((time.monotonic() - started) * 1000)
                await asyncio.sleep(0.5)

        task = asyncio.create_task(probe())
        await stop.wait()
        task.cancel()
        sends = [
            (r.chat_id, r.time + offset)
            for r in fake.requests
            if r.method == "sendMessage" and r.status == 200 and r.chat_id != HELP_USER
        ]
        info_file.write_text(json.dumps({"sends": sends, "help_ms": probes}))


# -- helpers -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fresh_database(url: str | None, tmp: Path, name: str) -> tuple[str, Any]:
    """A migrated, seeded database URL and a clean-up function."""
    from sqlalchemy import create_engine, text

    from bot.config import Settings
    from bot.runtime import migrate_and_seed
    from storage.db import sync_url

    if url is None:
        db_url = f"sqlite:///{tmp / (name + '.db')}"
        cleanup: Any = lambda: None  # noqa: E731
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(sync_url(url))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db_url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    migrate_and_seed(Settings(_env_file=None, database_url=db_url))
    return db_url, cleanup


async def seed_and_plan(db_url: str, chats: int, first_chat: int) -> int:
    """Volunteers + a coordinator + an open action (call not queued); returns its id."""
    from sqlalchemy import select, text

    from bot.domain import actions
    from sandbox.bulk import add_volunteers
    from storage.db import Database
    from storage.models import Area, Person

    db = Database(db_url)
    now = dt.datetime.now(dt.UTC)
    # The first one becomes the coordinator (chat first_chat - 1); `chats` volunteers remain.
    await add_volunteers(db, chats + 1, area_key="a05", first_chat_id=first_chat - 1, now=now)
    async with db.begin() as session:
        area_id = await session.scalar(select(Area.id).where(Area.key == "a05"))
        coordinator = await session.scalar(select(Person).order_by(Person.id).limit(1))
        assert coordinator is not None and area_id is not None
        coordinator.role = "coordinator"
        if db.dialect == "postgresql":
            # An established database has planner statistics (autovacuum analyses tables
            # after bulk changes); without them a fresh bulk seed is planned as if empty.
            await session.execute(text("ANALYZE"))
        draft = actions.ActionDraft(
            "street_stand", "Klaptafel", area_id, "Plein", STARTS, STARTS + dt.timedelta(hours=2), 6
        )
        # The benchmark measures delivery: the action must stay open, so nobody answers.
        action, _ = await actions.create_action(
            session=session,
            coordinator=coordinator,
            draft=draft,
            now=now,
            tz=AMS,
            second_wave_delay=dt.timedelta(hours=2),
            queue=False,
        )
        action_id = action.id
    await db.dispose()
    return action_id


async def queue(db_url: str, action_id: int) -> float:
    from bot.delivery.calls import queue_action_call
    from storage.db import Database

    db = Database(db_url)
    started = time.perf_counter()
    await queue_action_call(
        db=db,
        action_id=action_id,
        now=dt.datetime.now(dt.UTC),
        tz=AMS,
        second_wave_delay=dt.timedelta(hours=2),
    )
    elapsed = time.perf_counter() - started
    await db.dispose()
    return elapsed


async def sent_count(db_url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import OutboxMessage

    db = Database(db_url)
    async with db.begin() as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
    await db.dispose()
    return int(count or 0)


async def wait_for_senders(
    db_url: str, count: int, procs: list[subprocess.Popen[bytes]] | None = None
) -> None:
    """Until `count` sender processes heart-beat in `outbox_sender` (they are started).

    Raises `SystemExit` when one of `procs` exits first (a bot that cannot start)."""
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import OutboxSender

    db = Database(db_url)
    try:
        while True:
            async with db.begin() as session:
                found = await session.scalar(select(func.count()).select_from(OutboxSender))
            if (found or 0) >= count:
                return
            for p in procs or []:
                if p.poll() is not None:
                    raise SystemExit(f"a bot process exited with code {p.returncode}")
            await asyncio.sleep(0.2)
    finally:
        await db.dispose()


def start_bot(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def baseline(base_url: str, chats: int, rate: float) -> None:
    """The plain PTB way: Application + AIORateLimiter, one send_message per chat."""
    from telegram.ext import AIORateLimiter, ApplicationBuilder

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .rate_limiter(AIORateLimiter(overall_max_rate=rate, overall_time_period=1))
        .build()
    )
    async with application:
        await asyncio.gather(
            *(
                application.bot.send_message(BASELINE_FIRST_CHAT + i, f"Call {i}")
                for i in range(chats)
            )
        )


# -- the run -----------------------------------------------------------------------------------


async def main(opts: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="wijkbot-bench-"))
    info, flag = tmp / "server.json", tmp / "probe"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(opts.chats), str(info), str(flag)], cwd=ROOT
    )
    while not info.with_suffix(".url").exists():
        if server.poll() is not None:  # died before it listened: say so, don't wait forever
            raise SystemExit(f"the fake Bot API server exited with code {server.returncode}")
        await asyncio.sleep(0.05)
    base_url = info.with_suffix(".url").read_text()
    db_url, cleanup = fresh_database(opts.database_url, tmp, "broadcast")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url.removesuffix("/bot"),
        "DATABASE_URL": db_url,
        "OUTBOX_RATE_PER_SECOND": str(opts.rate),
        "LOG_LEVEL": "WARNING",
        # The benchmark measures throughput whatever the hour: without this, a run at night
        # (Amsterdam) would hold the call until 08:00 (bot.domain.quiet_hours).
        "QUIET_HOURS": "off",
    }
    if opts.profile:  # each bot process writes cProfile stats to <profile>.<pid> (bot.cli)
        env["WIJKBOT_PROFILE"] = str(Path(opts.profile).resolve())
    log = tmp / "bot.log"
    procs: list[tuple[list[str], subprocess.Popen[bytes]]] = []
    try:
        action_id = await seed_and_plan(db_url, opts.chats, FIRST_CHAT)
        if opts.webhook:
            port = free_port()
            env["WEBHOOK_URL"] = "https://bot.example.org/telegram"
            env["WEBHOOK_SECRET"] = uuid.uuid4().hex
            env["WEBHOOK_PORT"] = str(port)
        updates = ["run", "--no-outbox"] + (["--webhook"] if opts.webhook else [])
        if opts.senders:
            procs.append((updates, start_bot(updates, env, log)))
            for _ in range(opts.senders):
                procs.append((["send"], start_bot(["send"], env, log)))
        else:
            procs.append((["run"], start_bot(["run"], env, log)))
        senders = [p for a, p in procs if "--no-outbox" not in a]
        # started: heart-beating
        await wait_for_senders(db_url, len(senders), [p for _, p in procs])
        cpu_before = {p.pid: cpu_seconds(p.pid) for p in senders}
        flag.touch()
        queue_seconds = await queue(db_url, action_id)
        cpu_at_kill: float | None = None
        resume = None
        deadline = time.monotonic() + 60 + 4 * opts.chats / opts.rate
        while (done := await sent_count(db_url)) < opts.chats:
            assert time.monotonic() < deadline, f"only {done} of {opts.chats} sent; see {log}"
            if resume is None and done >= opts.chats // 2 and opts.kill:
                victim = senders[0]
                # CPU is counted up to the kill, for the messages sent up to then.
                cpu_at_kill = sum(cpu_seconds(p.pid) - cpu_before[p.pid] for p in senders)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                args = next(a for a, p in procs if p is victim)
                restarted_at = time.time()
                fresh = start_bot(args, env, log)
                procs = [(a, fresh if p is victim else p) for a, p in procs]
                senders = [fresh if p is victim else p for p in senders]
                resume = restarted_at
            await asyncio.sleep(0.2)
        flag.unlink()
        if cpu_at_kill is None:
            cpu_at_kill = sum(cpu_seconds(p.pid) - cpu_before[p.pid] for p in senders)
        cpu_bot = cpu_at_kill
        rss = max(peak_rss_mb(p.pid) for p in senders)
        for _, p in procs:
            p.send_signal(signal.SIGINT)
        for _, p in procs:
            p.wait(timeout=60)
        # Baseline in its own process, same server, another set of chats.
        base_chats = min(opts.chats, 500)
        child = subprocess.Popen(
            [sys.executable, __file__, "--baseline", base_url, str(base_chats), str(opts.rate)],
            cwd=ROOT,
        )
        rusage_child = os.wait4(child.pid, 0)[2]
        cpu_base = rusage_child.ru_utime + rusage_child.ru_stime
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        data = json.loads(info.read_text())
    finally:
        for _, p in procs:  # a failed run: stop the bot before its schema is dropped
            if p.poll() is None:
                p.kill()
                p.wait()
        if server.poll() is None:
            server.kill()
        cleanup()
    sends = [(c, t) for c, t in data["sends"] if FIRST_CHAT <= c < FIRST_CHAT + opts.chats]
    per_chat: dict[int, list[float]] = {}
    for chat, at in sends:
        per_chat.setdefault(chat, []).append(at)
    times = sorted(t for _, t in sends)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    after_restart = [t for t in times if resume is not None and t >= resume]
    before_kill = [t for t in times if resume is None or t < resume]
    if after_restart and before_kill:  # the rate while sending: without the restart's gap
        span -= after_restart[0] - before_kill[-1]
    achieved = (len(times) - 1) / span if span else 0.0
    gaps = [
        b - a for ts in per_chat.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)
    ]
    help_ms = sorted(data["help_ms"])
    q10k = await queue_10k(opts.database_url, tmp) if not opts.skip_10k else None
    return {
        "engine": "postgresql" if opts.database_url else "sqlite",
        "chats": opts.chats,
        "senders": opts.senders or 1,
        "configured_rate": opts.rate,
        "achieved_rate": round(achieved, 2),
        "achieved_ratio": round(achieved / opts.rate, 3),
        "lost": opts.chats - len(per_chat),
        "duplicates": sum(len(ts) - 1 for ts in per_chat.values()),
        "min_same_chat_gap_s": round(min(gaps), 3) if gaps else None,
        "bot_cpu_s_per_1000": round(cpu_bot / len(before_kill) * 1000, 2),
        "baseline_cpu_s_per_1000": round(cpu_base / base_chats * 1000, 2),
        "cpu_ratio": round((cpu_bot / len(before_kill)) / (cpu_base / base_chats), 2),
        "queue_seconds_broadcast": round(queue_seconds, 3),
        "queue_seconds_10k": q10k,
        "help_p95_ms_during_broadcast": (
            round(help_ms[int(0.95 * (len(help_ms) - 1))], 1) if help_ms else None
        ),
        "help_probes": len(help_ms),
        "resume_seconds_after_kill": (
            round(after_restart[0] - resume, 2) if after_restart and resume else None
        ),
        "peak_rss_mb": round(rss, 1),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


async def queue_10k(database_url: str | None, tmp: Path, n: int = 10_000) -> float:
    """Seconds to queue a call for `n` volunteers (default 10,000) on a fresh database."""
    db_url, cleanup = fresh_database(database_url, tmp, f"queue{n // 1000}k")
    try:
        action_id = await seed_and_plan(db_url, n, 50_000_000)
        return round(await queue(db_url, action_id), 3)
    finally:
        cleanup()


async def queue_only(opts: argparse.Namespace) -> dict[str, Any]:
    """`--queue-only N`: only time queueing a call for N volunteers (no broadcast)."""
    tmp = Path(tempfile.mkdtemp(prefix="wijkbot-bench-"))
    seconds = await queue_10k(opts.database_url, tmp, opts.queue_only)
    return {
        "engine": "postgresql" if opts.database_url else "sqlite",
        f"queue_seconds_{opts.queue_only // 1000}k": seconds,
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def cli() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        asyncio.run(serve(int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--baseline":
        asyncio.run(baseline(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=25)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (a fresh schema)")
    parser.add_argument("--senders", type=int, default=0, help="N `wijkbot send` processes")
    parser.add_argument("--no-kill", dest="kill", action="store_false")
    parser.add_argument(
        "--webhook", action="store_true", help="updates by `run --webhook` (with --senders)"
    )
    parser.add_argument("--skip-10k", action="store_true")
    parser.add_argument(
        "--profile", default=None, help="cProfile the bot processes to PATH.<pid> (use --no-kill)"
    )
    parser.add_argument(
        "--queue-only",
        type=int,
        default=0,
        metavar="N",
        help="only time queueing a call for N volunteers, e.g. 50000 (queue_seconds_50k)",
    )
    opts = parser.parse_args()
    result = asyncio.run(queue_only(opts) if opts.queue_only else main(opts))
    print(json.dumps(result))


if __name__ == "__main__":
    cli()
