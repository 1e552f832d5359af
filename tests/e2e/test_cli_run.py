"""`wijkbot run` as a real process against a Bot API-compatible server (the fake one)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import TEST_TOKEN
from storage.db import sync_url
from tests.conftest import _PG_PROBLEM, PG_URL

#: Deadline (seconds) for a `wijkbot` process to answer or exit. A new Python process
#: imports PTB and SQLAlchemy and migrates its database first: a few seconds on an idle
#: machine, much longer with many test processes on few cores. It bounds only a failing
#: test; every wait here is for a condition (a reply, the process's exit).
PROCESS_SECONDS = 240.0


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "LOG_LEVEL": "DEBUG"})
    env.update(extra)
    return env


async def _wijkbot(tmp_path: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_talks_to_any_bot_api_server_and_never_logs_the_token(
    tmp_path: Path, fake: FakeBotAPI
) -> None:
    process = await _wijkbot(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url.removesuffix("/bot"),
    )
    try:
        user = fake.user(9001, "Rosa_*[x]", language_code="en")
        await user.send("/start")
        reply = await user.wait_for("invite link", timeout=PROCESS_SECONDS)
        assert "You can only join with an invite link" in reply.text
        assert {c["command"] for c in fake.commands()} >= {"help", "stop", "beschikbaarheid"}
    finally:
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), timeout=PROCESS_SECONDS)
    logs = (out + err).decode()
    assert process.returncode == 0, logs[-2000:]
    assert TEST_TOKEN not in logs
    assert TEST_TOKEN.split(":")[1] not in logs
    assert "Rosa" not in logs  # no personal details in the log either
    assert (tmp_path / "run.db").exists()  # SQLite was migrated on first run


async def test_missing_or_malformed_token_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    for token in ("", "not-a-token"):
        process = await _wijkbot(tmp_path, "run", TELEGRAM_BOT_TOKEN=token)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=PROCESS_SECONDS)
        assert process.returncode == 2
        lines = err.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("wijkbot: TELEGRAM_BOT_TOKEN"), lines
        assert "Traceback" not in err.decode()


async def test_unreachable_database_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    process = await _wijkbot(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        DATABASE_URL="postgresql://wijkbot:secret@127.0.0.1:1/none",  # nothing listens there
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=PROCESS_SECONDS)
    text = err.decode()
    assert process.returncode == 2, text[-1000:]
    assert text.strip().splitlines()[-1].startswith("wijkbot: cannot reach the database")
    assert "Traceback" not in text
    assert "secret" not in text  # the password is never printed


async def test_unmigrated_postgresql_is_refused_until_migrate(
    tmp_path: Path, fake: FakeBotAPI
) -> None:
    if _PG_PROBLEM:
        pytest.skip(_PG_PROBLEM)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(sync_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        process = await _wijkbot(tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, DATABASE_URL=url)
        out, err = await asyncio.wait_for(process.communicate(), timeout=PROCESS_SECONDS)
        assert process.returncode == 2
        assert err.decode().strip().splitlines()[-1] == (
            "wijkbot: the PostgreSQL database is not at the newest schema; "
            "run `wijkbot migrate` first"
        )
        process = await _wijkbot(tmp_path, "migrate", DATABASE_URL=url)
        out, err = await asyncio.wait_for(process.communicate(), timeout=PROCESS_SECONDS)
        assert process.returncode == 0, err.decode()[-1000:]
        assert "47 areas loaded" in out.decode()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
