"""The command line's safe defaults and plain start-up errors (issue 9, findings 10, 11)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import signal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bot.config import Settings
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import TEST_TOKEN
from storage.db import sync_url
from storage.models import Invite
from tests.e2e.test_cli_run import _wijkbot

OTHER_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawZ"


@pytest.mark.parametrize(
    "given",
    [
        "http://127.0.0.1:8081",
        "http://127.0.0.1:8081/",
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/bot/",
    ],
)
def test_base_url_with_or_without_bot(given: str) -> None:
    settings = Settings(telegram_api_base_url=given, _env_file=None)
    assert settings.bot_api_base_url() == "http://127.0.0.1:8081/bot"
    assert settings.bot_api_file_url() == "http://127.0.0.1:8081/file/bot"


async def test_run_accepts_the_ptb_form_of_the_base_url(tmp_path: Path, fake: FakeBotAPI) -> None:
    assert fake.base_url.endswith("/bot")
    process = await _wijkbot(
        tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=fake.base_url
    )
    try:
        user = fake.user(9002, "Rosa", language_code="en")
        await user.send("/start")
        await user.wait_for("You can only join with an invite link", timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, (out + err).decode()[-2000:]


async def _one_line_exit_2(tmp_path: Path, *args: str, **env: str) -> str:
    process = await _wijkbot(tmp_path, *args, **env)
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    text = err.decode()
    assert process.returncode == 2, text[-2000:]
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in text and "Value error" not in text
    return lines[0]


async def test_unreachable_bot_api_server_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    line = await _one_line_exit_2(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL="http://127.0.0.1:1/bot",
        LOG_LEVEL="INFO",
    )
    assert line.startswith("wijkbot: cannot reach the Bot API server at http://127.0.0.1:1")
    assert TEST_TOKEN.split(":")[1] not in line


async def test_refused_token_is_one_line_and_exit_code_2(tmp_path: Path, fake: FakeBotAPI) -> None:
    line = await _one_line_exit_2(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=OTHER_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        LOG_LEVEL="INFO",
    )
    assert "refused TELEGRAM_BOT_TOKEN" in line
    assert OTHER_TOKEN.split(":")[1] not in line


async def test_bad_settings_are_plain_words(tmp_path: Path) -> None:
    line = await _one_line_exit_2(tmp_path, "run", TELEGRAM_BOT_TOKEN="not-a-token")
    assert line == (
        "wijkbot: TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather "
        "(expected '<digits>:<letters>')"
    )
    line = await _one_line_exit_2(
        tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, OUTBOX_RATE_PER_SECOND="500"
    )
    assert line.startswith("wijkbot: OUTBOX_RATE_PER_SECOND: ")
    line = await _one_line_exit_2(
        tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, DATABASE_URL="mysql://x@y/z"
    )
    assert line.startswith("wijkbot: unsupported database 'mysql'")


async def test_coordinator_invite_defaults_to_one_use_and_seven_days(tmp_path: Path) -> None:
    process = await _wijkbot(
        tmp_path,
        "invite",
        "--role",
        "coordinator",
        "--area",
        "Centrum",
        "--bot-username",
        "wijkbot_test_bot",
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()[-2000:]
    first = out.decode().splitlines()[0]
    match = re.fullmatch(
        r"invite for a coordinator in Centrum, 1 use, valid until "
        r"(\d{4}-\d\d-\d\d \d\d:\d\d) (CET|CEST) \(Europe/Amsterdam\)",
        first,
    )
    assert match, first
    engine = create_engine(sync_url(f"sqlite:///{tmp_path / 'run.db'}"))
    with engine.connect() as conn:
        invite = conn.execute(select(Invite.max_uses, Invite.expires_at)).one()
    engine.dispose()
    assert invite.max_uses == 1
    expires = invite.expires_at.replace(tzinfo=dt.UTC)
    assert abs(expires - (dt.datetime.now(dt.UTC) + dt.timedelta(days=7))) < dt.timedelta(minutes=5)
    from zoneinfo import ZoneInfo

    shown = expires.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M")
    assert match[1] == shown


async def test_unknown_area_lists_the_valid_names(tmp_path: Path) -> None:
    line = await _one_line_exit_2(
        tmp_path,
        "invite",
        "--role",
        "volunteer",
        "--area",
        "Jordan",
        "--bot-username",
        "wijkbot_test_bot",
    )
    assert line.startswith("wijkbot: unknown area 'Jordan' (did you mean Jordaan")
    assert "; valid names: " in line and "Haarlemmerbuurt" in line and "Centrum" in line


async def test_partner_invite_names_a_known_organisation(tmp_path: Path) -> None:
    process = await _wijkbot(
        tmp_path,
        "invite",
        "--role",
        "partner",
        "--organisation",
        "dock centrum",
        "--bot-username",
        "wijkbot_test_bot",
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()[-2000:]
    assert (
        out.decode()
        .splitlines()[0]
        .startswith("invite for a partner of DOCK Centrum in Centrum, 1 use, valid until")
    )
    engine = create_engine(sync_url(f"sqlite:///{tmp_path / 'run.db'}"))
    with engine.connect() as conn:
        invite = conn.execute(select(Invite.role, Invite.organisation_id)).one()
    engine.dispose()
    assert invite.role == "partner" and invite.organisation_id is not None


async def test_unknown_organisation_lists_the_valid_names(tmp_path: Path) -> None:
    line = await _one_line_exit_2(
        tmp_path,
        "invite",
        "--role",
        "partner",
        "--organisation",
        "DOK Centrum",
        "--bot-username",
        "wijkbot_test_bot",
    )
    assert line.startswith("wijkbot: unknown organisation 'DOK Centrum' (did you mean DOCK Centrum")
    assert "; valid names: Buurtteam Amsterdam Centrum, DOCK Centrum" in line and "Ymere" in line
    line = await _one_line_exit_2(
        tmp_path, "invite", "--role", "partner", "--bot-username", "wijkbot_test_bot"
    )
    assert line == "wijkbot: --role partner needs --organisation <name or id>"
