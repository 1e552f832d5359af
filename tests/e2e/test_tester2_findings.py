"""Problems found by trying the new flows as people would (second tester round), each kept
as a regression test: the real Application against the fake Bot API, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, tap
from storage.models import CouplingProfile
from tests.e2e.test_cli_privacy import _one_line_exit_2

AMS = ZoneInfo("Europe/Amsterdam")


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_vog_date_typed_on_29_february_is_noted(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """On 29 February the "not more than 10 years ago" bound was `today.replace(year=-10)`,
    a 29 February that does not exist: ValueError, a traceback and no answer for every
    date typed. Now the bound is 28 February ten years back and the date is noted. The hint
    for a date too long ago names the 10 years."""
    clock.set(dt.datetime(2028, 2, 29, 10, 0, tzinfo=AMS))  # a leap day
    noor = fake.user(7001, "Noor", language_code="nl")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="nl")
    vera = fake.user(7101, "Vera", language_code="nl")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt", language="nl")
    await noor.send("/klaarvoorkoppelen")
    await noor.wait_for("Klaar voor koppelen?")
    mark = noor.mark()
    await tap(noor, "⬜ Vera")
    await noor.wait_for("Heb je de VOG gezien?", after=mark)
    with caplog.at_level(logging.ERROR):
        mark = noor.mark()
        await noor.send("27-02-2018")  # just over 10 years ago: the hint says so
        hint = await noor.wait_for("Typ de datum", after=mark)
        assert hint.text == (  # it said only "(niet in de toekomst)", also for an old date
            "Typ de datum als dag-maand-jaar, bijvoorbeeld 28-11-2026 (niet in de toekomst, "
            "hoogstens 10 jaar geleden)."
        )
        mark = noor.mark()
        await noor.send("28-02-2028")
        listing = await noor.wait_for("Klaar voor koppelen?", after=mark)
    assert f"✅ {iso('Vera')} · VOG gezien op 28-02-2028" in listing.labels
    assert _errors(caplog) == []
    async with wijkbot.db.begin() as session:
        profile = await session.scalar(select(CouplingProfile))
        assert profile is not None and profile.vog_date == dt.date(2028, 2, 28)


@pytest.mark.parametrize("given", ["99999999999999999999", "2147483648", "²"])
async def test_an_organisation_id_out_of_range_is_an_unknown_organisation(
    tmp_path: Path, database_url: str, given: str
) -> None:
    """`wijkbot invite --role partner --organisation <digits>` looked the digits up as an
    id: past 2**63 SQLite raised OverflowError, past 2**31 PostgreSQL's 32-bit id column
    refused it, and '²' (a digit to `str.isdigit`) made `int()` raise: a traceback and
    exit code 1. Now it is an unknown organisation: one line, the valid names, exit 2."""
    line = await _one_line_exit_2(
        tmp_path,
        "invite",
        "--role",
        "partner",
        "--organisation",
        given,
        "--bot-username",
        "wijkbot_test_bot",
        DATABASE_URL=database_url,
    )
    assert line.startswith(f"wijkbot: unknown organisation {given!r}")
    assert "; valid names: Buurtteam Amsterdam Centrum, DOCK Centrum" in line
