"""End-to-end fixtures: a fake Telegram Bot API server on 127.0.0.1 and the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import Clock
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import TEST_TOKEN, BotUnderTest


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """A fake Bot API server (real HTTP on 127.0.0.1)."""
    async with FakeBotAPI(token=TEST_TOKEN, bot_username="wijkbot_test_bot") as server:
        yield server


@pytest.fixture
async def wijkbot(fake: FakeBotAPI, database_url: str, clock: Clock) -> AsyncIterator[BotUnderTest]:
    """The real Application polling the fake server, on a migrated database (SQLite and
    PostgreSQL). Call `await wijkbot.restart()` to simulate a restart."""
    bot = BotUnderTest(fake, BotUnderTest.settings_for(fake, database_url), clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
