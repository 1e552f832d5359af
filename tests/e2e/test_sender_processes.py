"""Two real `wijkbot send` OS processes on one PostgreSQL outbox (issue 11, Tests).

`test_shared_budget.py` runs two dispatchers inside the test process and
`test_scale_demo.py` runs the README set-up without a kill and checks only lost /
duplicates. Here the senders are separate processes (own interpreter, connections,
instance id) against the fake Bot API server in the test process, and one is killed with
SIGKILL while it sends, then started again with the same `OUTBOX_INSTANCE_ID`.
Counted at the server: nothing lost, duplicates at most what the killed process had in
flight (one batch), a chat never gets two messages less than a second apart, the two
processes together stay within the bot's one budget, and sending resumes after the
restart. Bounds and order only; timeouts are generous for a busy machine.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import PROJECT_ROOT
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import TEST_TOKEN
from storage.db import Database
from storage.models import OutboxMessage, OutboxSender
from tests.e2e.test_delivery import add_action, add_person, add_row

RATE = 10.0  # the whole bot's messages per second, given to each sender
BATCH = 8  # OUTBOX_BATCH_SIZE: what one process has in flight at most
CHATS = 30  # two messages each: 60 messages, about 6 s at RATE
KILL_AFTER = 20  # arrivals before the SIGKILL
WITHIN = 180.0  # seconds; generous, the machine may be busy


def _start(
    tmp_path: Path, database_url: str, fake: FakeBotAPI, name: str
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url.removesuffix("/bot"),
        DATABASE_URL=database_url,
        OUTBOX_RATE_PER_SECOND=str(RATE),
        OUTBOX_BATCH_SIZE=str(BATCH),
        OUTBOX_INSTANCE_ID=name,
        LOG_LEVEL="WARNING",
        QUIET_HOURS="off",
    )
    log = (tmp_path / f"{name}.log").open("ab")  # a file, never a pipe that can fill up
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "send"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _logs(tmp_path: Path) -> str:
    return "".join(p.read_text()[-1500:] for p in tmp_path.glob("*.log"))


async def _until(check: Callable[[], Awaitable[bool]], what: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + WITHIN
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WITHIN:.0f} s for {what}\n{_logs(tmp_path)}")
        await asyncio.sleep(0.1)


async def test_two_sender_processes_share_the_budget_and_survive_a_sigkill(
    db: Database, database_url: str, fake: FakeBotAPI, tmp_path: Path
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("several sender processes need PostgreSQL (SQLite is one process)")
    first, second = await add_action(db, title="Eerste"), await add_action(db, title="Tweede")
    users = [fake.user(800 + i) for i in range(CHATS)]
    for user in users:  # two messages per chat: the per-chat pace matters across processes
        person = await add_person(db, user.id)
        await add_row(db, person, first)
        await add_row(db, person, second)
    expected = 2 * CHATS

    def arrivals() -> list[tuple[int, float, str]]:
        return [
            (int(r.chat_id), r.time, str(r.params.get("text", "")))
            for r in fake.requests_for("sendMessage")
            if r.status == 200
        ]

    async def senders_alive(n: int) -> bool:
        async with db.begin() as session:
            return (await session.scalar(select(func.count()).select_from(OutboxSender))) >= n

    async def open_rows() -> int:
        async with db.begin() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(("pending", "sending")))
                )
                or 0
            )

    processes = {name: _start(tmp_path, database_url, fake, name) for name in ("s1", "s2")}
    try:
        await _until(lambda: senders_alive(2), "two senders heart-beating", tmp_path)

        async def some_arrived() -> bool:
            return len(arrivals()) >= KILL_AFTER

        await _until(some_arrived, f"{KILL_AFTER} arrivals", tmp_path)
        victim = processes["s1"]
        victim.send_signal(signal.SIGKILL)  # mid-batch: claims and in-flight sends are lost
        victim.wait(timeout=30)
        before_restart = len(arrivals())
        processes["s1"] = _start(tmp_path, database_url, fake, "s1")  # same instance id

        async def all_sent() -> bool:
            return await open_rows() == 0

        await _until(all_sent, "the outbox to empty", tmp_path)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    got = arrivals()
    per_chat: dict[int, list[tuple[float, str]]] = {}
    for chat, at, text in got:
        per_chat.setdefault(chat, []).append((at, text))
    # Nothing lost: every chat got both calls (their texts name the two actions).
    assert sorted(per_chat) == sorted(u.id for u in users)
    for chat, messages in per_chat.items():
        texts = " ".join(text for _, text in messages)
        assert "Eerste" in texts and "Tweede" in texts, chat
    # Duplicates: at most what the killed process had sent and not yet recorded (one batch).
    duplicates = len(got) - expected
    print(f"arrivals={len(got)} duplicates={duplicates} before_restart={before_restart}")
    assert 0 <= duplicates <= BATCH, duplicates
    # One message per second per chat, whichever process sent it, also across the restart.
    gaps = [
        b - a
        for messages in per_chat.values()
        for (a, _), (b, _) in zip(sorted(messages), sorted(messages)[1:], strict=False)
    ]
    assert min(gaps) >= 1.0, sorted(gaps)[:5]
    print(f"min_gap={min(gaps):.3f}s")
    # One budget for both processes: the sends needed at least one slot of 1/RATE s each,
    # less the slots a killed process may have reserved ahead and the restart's own gap.
    times = sorted(at for _, at, _ in got)
    assert times[-1] - times[0] >= (len(times) - 1 - 2 * RATE) / RATE
    # Sending went on after the kill (the killed process's claims were not stuck).
    assert len(got) > before_restart
