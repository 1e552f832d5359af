"""`wijkbot run --webhook` and `wijkbot send` as real processes against the fake Bot API
server (issue 11 item 5)."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import httpx
import pytest

from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import TEST_TOKEN
from tests.e2e.test_cli_run import _wijkbot

SECRET = "s3cret_for-tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    person = {"id": user_id, "is_bot": False, "first_name": "Wim", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Wim"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_refuses_requests_without_the_secret_and_handles_the_right_one(
    tmp_path: Path, fake: FakeBotAPI
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"  # what the reverse proxy forwards to
    process = await _wijkbot(
        tmp_path,
        "run",
        "--webhook",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url.removesuffix("/bot"),
        WEBHOOK_URL="https://bot.example.org/hook",  # the public URL Telegram posts to
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT=str(port),
    )
    user = fake.user(9101, "Wim", language_code="en")
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in range(300):  # until the process listens
                try:
                    await client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            no_secret = await client.post(url, json=_update(1, user.id, "/start"))
            wrong = await client.post(
                url,
                json=_update(2, user.id, "/start"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )
            assert (no_secret.status_code, wrong.status_code) == (403, 403)
            right = await client.post(
                url,
                json=_update(3, user.id, "/help"),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert right.status_code == 200
        reply = await user.wait_for("invite link", timeout=30)
        # Only the update with the right secret was handled: one reply, to /help.
        assert len(user.messages) == 1
        assert "invite link" in reply.text
        assert not fake.requests_for("getUpdates")  # no polling, so no 409 Conflict
    finally:
        if process.returncode is None:
            process.terminate()
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
        logs = (out + err).decode()
        print(logs[-3000:])
    assert SECRET not in logs
    assert TEST_TOKEN not in logs


async def test_webhook_mode_needs_url_and_secret(tmp_path: Path) -> None:
    process = await _wijkbot(tmp_path, "run", "--webhook", TELEGRAM_BOT_TOKEN=TEST_TOKEN)
    _out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        "wijkbot: --webhook needs WEBHOOK_URL and WEBHOOK_SECRET (see .env.example)"
    ]


@pytest.mark.parametrize("signal_name", ["terminate"])
async def test_send_only_process_starts_and_stops_cleanly(
    tmp_path: Path, fake: FakeBotAPI, signal_name: str
) -> None:
    process = await _wijkbot(
        tmp_path,
        "send",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url.removesuffix("/bot"),
    )
    assert process.stderr is not None
    seen = b""
    while not seen.rstrip().endswith(b" started"):  # it runs until told to stop
        line = await asyncio.wait_for(process.stderr.readline(), timeout=60)
        assert line, seen.decode()[-2000:]
        seen += line
    getattr(process, signal_name)()
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    err = seen + err
    assert process.returncode == 0, (out + err).decode()[-2000:]
    assert not fake.requests_for("getUpdates")
