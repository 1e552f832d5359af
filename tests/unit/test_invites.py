"""Invite rules without a database: durations, token shape, token hashing, input checks.

`create_invite` only calls `session.add` and `session.flush`, so a small in-memory stand-in
records what it would store; the database-backed behaviour is in
tests/storage/test_invites_db.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import InvalidInput
from bot.domain.invites import create_invite, hash_token, parse_duration
from storage.models import Area, Invite

NOW = dt.datetime(2027, 5, 3, 9, 0, tzinfo=dt.UTC)
TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


class RecordingSession:
    """Just enough of an AsyncSession for `create_invite`: remembers what was added."""

    def __init__(self) -> None:
        self.added: list[Any] = []
        self.flushes = 0

    def add(self, obj: Any) -> None:
        self.added.append(obj)

    async def flush(self) -> None:
        self.flushes += 1


AREA = Area(id=7, key="a05", name="Haarlemmerbuurt", level="wijk")


# --- parse_duration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48h", dt.timedelta(hours=48)),
        ("14d", dt.timedelta(days=14)),
        ("2w", dt.timedelta(weeks=2)),
        ("1h", dt.timedelta(hours=1)),  # lower bound
        ("366d", dt.timedelta(days=366)),  # upper bound
        ("8784h", dt.timedelta(days=366)),  # upper bound in hours (4 digits)
        ("52w", dt.timedelta(days=364)),
        ("  14D  ", dt.timedelta(days=14)),  # trimmed, case-insensitive
        ("007d", dt.timedelta(days=7)),
        ("14d\n", dt.timedelta(days=14)),
    ],
)
def test_parse_duration_accepts(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "14",  # no unit
        "d",  # no number
        "14m",  # unknown unit (minutes? months?)
        "14 d",  # space inside
        "1.5d",
        "-1d",
        "+3d",
        "14dd",
        "d14",
        "2w3d",
        "10000h",  # five digits
        "fourteen days",
    ],
)
def test_parse_duration_refuses_malformed(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_duration(text)
    assert info.value.field == "expires"


@pytest.mark.parametrize("text", ["0h", "0d", "0w", "367d", "8785h", "53w", "9999d"])
def test_parse_duration_refuses_out_of_bounds(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_duration(text)
    assert info.value.field == "expires"
    assert "between 1 hour and 366 days" in str(info.value)


# --- tokens --------------------------------------------------------------------------------


async def test_create_invite_token_is_128_bit_urlsafe_and_only_its_hash_is_kept() -> None:
    session = RecordingSession()

    new = await create_invite(
        session=cast(AsyncSession, session),
        role="volunteer",
        area=AREA,
        now=NOW,
        max_uses=25,
        valid_for=dt.timedelta(days=14),
    )

    # secrets.token_urlsafe(16): 16 bytes -> 22 base64url characters, no padding.
    assert len(new.token) == 22
    assert TELEGRAM_PAYLOAD.fullmatch(new.token)
    assert session.added == [new.invite]
    assert session.flushes == 1
    invite = new.invite
    assert isinstance(invite, Invite)
    assert invite.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    assert invite.token_hash != new.token
    stored = {
        name: getattr(invite, name)
        for name in ("token_hash", "role", "area_id", "max_uses", "uses", "expires_at")
    }
    assert stored == {
        "token_hash": hash_token(new.token),
        "role": "volunteer",
        "area_id": 7,
        "max_uses": 25,
        "uses": 0,
        "expires_at": NOW + dt.timedelta(days=14),
    }
    assert not any(new.token in str(value) for value in vars(invite).values())


async def test_tokens_are_different_every_time() -> None:
    session = RecordingSession()
    tokens = {
        (
            await create_invite(
                session=cast(AsyncSession, session), role="resident", area=AREA, now=NOW
            )
        ).token
        for _ in range(200)
    }
    assert len(tokens) == 200
    assert all(len(t) == 22 and TELEGRAM_PAYLOAD.fullmatch(t) for t in tokens)


async def test_invite_without_limits_has_no_expiry_and_no_max_uses() -> None:
    new = await create_invite(
        session=cast(AsyncSession, RecordingSession()), role="coordinator", area=AREA, now=NOW
    )
    assert new.invite.expires_at is None
    assert new.invite.max_uses is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "admin"}, "role"),
        ({"role": ""}, "role"),
        ({"max_uses": 0}, "uses"),
        ({"max_uses": -1}, "uses"),
        ({"max_uses": 10_001}, "uses"),
        ({"valid_for": dt.timedelta(minutes=59)}, "expires"),
        ({"valid_for": dt.timedelta(days=366, seconds=1)}, "expires"),
        ({"valid_for": dt.timedelta(days=-1)}, "expires"),
    ],
)
async def test_create_invite_refuses_bad_input_and_stores_nothing(
    kwargs: dict[str, Any], field: str
) -> None:
    session = RecordingSession()
    values: dict[str, Any] = {"role": "volunteer", **kwargs}
    with pytest.raises(InvalidInput) as info:
        await create_invite(session=cast(AsyncSession, session), area=AREA, now=NOW, **values)
    assert info.value.field == field
    assert session.added == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_uses": 1},
        {"max_uses": 10_000},
        {"valid_for": dt.timedelta(hours=1)},
        {"valid_for": dt.timedelta(days=366)},
    ],
)
async def test_create_invite_accepts_the_bounds(kwargs: dict[str, Any]) -> None:
    session = RecordingSession()
    await create_invite(
        session=cast(AsyncSession, session), role="volunteer", area=AREA, now=NOW, **kwargs
    )
    assert len(session.added) == 1


def test_hash_token_is_hex_sha256_and_not_the_token() -> None:
    token = "AbCdEfGhIjKlMnOpQrStUv"
    digest = hash_token(token)

    assert digest == hashlib.sha256(b"AbCdEfGhIjKlMnOpQrStUv").hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest
    assert hash_token(token) == digest  # stable
    assert hash_token(token + "x") != digest
    # Known vector: SHA-256 of the empty string.
    assert hash_token("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
