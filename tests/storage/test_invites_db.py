"""Invites in the database: check, redeem, expiry, use limits, races, and what is stored.

Runs on SQLite and PostgreSQL (fixture `db`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.domain import invites
from bot.domain.errors import InviteExpired, InviteInvalid, InviteUsedUp
from bot.domain.invites import check_invite, redeem_invite
from storage.areas import find_area
from storage.db import Database
from storage.models import Base, Invite
from tests import factories as make

NOW = dt.datetime(2027, 5, 3, 9, 0, tzinfo=dt.UTC)


async def _invite(
    db: Database,
    *,
    max_uses: int | None = None,
    valid_for: dt.timedelta | None = None,
    role: str = "volunteer",
) -> tuple[str, int]:
    """Create an invite for Haarlemmerbuurt (committed); returns (token, invite id)."""
    async with db.begin() as session:
        new = await make.invite(session, role=role, now=NOW, max_uses=max_uses, valid_for=valid_for)
        return new.token, new.invite.id


async def _uses(db: Database, invite_id: int) -> int:
    async with db.begin() as session:
        uses = await session.scalar(select(Invite.uses).where(Invite.id == invite_id))
    assert uses is not None
    return uses


async def test_check_returns_the_invite_and_changes_nothing(db: Database) -> None:
    token, invite_id = await _invite(db, max_uses=2, valid_for=dt.timedelta(days=14))

    async with db.begin() as session:
        invite = await check_invite(session=session, token=token, now=NOW)
        assert (invite.id, invite.role, invite.uses, invite.max_uses) == (
            invite_id,
            "volunteer",
            0,
            2,
        )
        area = await find_area(session, "Haarlemmerbuurt")
        assert area is not None and invite.area_id == area.id
        assert invite.expires_at == NOW + dt.timedelta(days=14)
    assert await _uses(db, invite_id) == 0


async def test_unknown_token_is_invalid(db: Database) -> None:
    await _invite(db)
    async with db.begin() as session:
        with pytest.raises(InviteInvalid):
            await check_invite(session=session, token="A" * 22, now=NOW)
        with pytest.raises(InviteInvalid):
            await redeem_invite(session=session, token="A" * 22, now=NOW)


@pytest.mark.parametrize(
    "token",
    ["../x", "a" * 65, "", "abc def", "abc/def", "abc=", "ab\x00cd", "tökén", "a+b"],
    ids=["dotdot", "65-chars", "empty", "space", "slash", "padding", "nul", "non-ascii", "plus"],
)
async def test_malformed_token_is_invalid(db: Database, token: str) -> None:
    async with db.begin() as session:
        with pytest.raises(InviteInvalid):
            await check_invite(session=session, token=token, now=NOW)
        with pytest.raises(InviteInvalid):
            await redeem_invite(session=session, token=token, now=NOW)


async def test_a_token_with_extra_characters_is_not_the_same_invite(db: Database) -> None:
    token, invite_id = await _invite(db)
    async with db.begin() as session:
        variants = {token + "x", token[:-1], "x" + token, token.swapcase()} - {token}
        for variant in variants:
            with pytest.raises(InviteInvalid):
                await redeem_invite(session=session, token=variant, now=NOW)
    assert await _uses(db, invite_id) == 0


async def test_expiry_is_exclusive_at_the_exact_second(db: Database) -> None:
    token, invite_id = await _invite(db, valid_for=dt.timedelta(hours=48))
    expires = NOW + dt.timedelta(hours=48)

    async with db.begin() as session:
        one_second_before = expires - dt.timedelta(seconds=1)
        invite = await redeem_invite(session=session, token=token, now=one_second_before)
        assert invite.uses == 1
    for late in (expires, expires + dt.timedelta(days=1)):
        async with db.begin() as session:
            with pytest.raises(InviteExpired):
                await check_invite(session=session, token=token, now=late)
            with pytest.raises(InviteExpired):
                await redeem_invite(session=session, token=token, now=late)
    assert await _uses(db, invite_id) == 1


async def test_exactly_the_last_use_succeeds_then_used_up(db: Database) -> None:
    token, invite_id = await _invite(db, max_uses=3)

    for expected in (1, 2, 3):
        async with db.begin() as session:
            invite = await redeem_invite(session=session, token=token, now=NOW)
            assert invite.uses == expected
    async with db.begin() as session:
        with pytest.raises(InviteUsedUp):
            await check_invite(session=session, token=token, now=NOW)
        with pytest.raises(InviteUsedUp):
            await redeem_invite(session=session, token=token, now=NOW)
    assert await _uses(db, invite_id) == 3


async def test_expired_wins_over_used_up(db: Database) -> None:
    token, _ = await _invite(db, max_uses=1, valid_for=dt.timedelta(hours=1))
    async with db.begin() as session:
        await redeem_invite(session=session, token=token, now=NOW)
    async with db.begin() as session:
        with pytest.raises(InviteExpired):
            await check_invite(session=session, token=token, now=NOW + dt.timedelta(hours=2))


async def test_unlimited_invite_counts_every_use(db: Database) -> None:
    token, invite_id = await _invite(db)
    async with db.begin() as session:
        for _ in range(12):
            await redeem_invite(session=session, token=token, now=NOW)
    assert await _uses(db, invite_id) == 12


async def test_database_refuses_more_uses_than_allowed(db: Database) -> None:
    _, invite_id = await _invite(db, max_uses=2)
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            await session.execute(
                text("UPDATE invite SET uses = 3 WHERE id = :i"), {"i": invite_id}
            )
    assert await _uses(db, invite_id) == 0


@pytest.mark.several_connections
async def test_two_concurrent_redeems_of_the_last_use_one_wins(db: Database) -> None:
    """Both start together (asyncio.gather, one session each): exactly one gets the use."""
    token, invite_id = await _invite(db, max_uses=1)

    async def redeem() -> int:
        async with db.begin() as session:
            invite = await redeem_invite(session=session, token=token, now=NOW)
            return invite.uses

    results = await asyncio.gather(redeem(), redeem(), return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["InviteUsedUp", "int"]
    assert [r for r in results if isinstance(r, int)] == [1]
    assert await _uses(db, invite_id) == 1


@pytest.mark.several_connections
async def test_redeem_racing_an_uncommitted_redeem_is_refused(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redeems the last use and keeps its transaction open; B checks while A's use is not
    yet visible (PostgreSQL, READ COMMITTED), then A commits: B's conditional UPDATE must
    match no row. On SQLite B waits for A's write lock (BEGIN IMMEDIATE) and then sees the use.
    """
    token, invite_id = await _invite(db, max_uses=1)
    a_redeemed = asyncio.Event()
    b_checked = asyncio.Event()
    checks_passed: list[int] = []
    real_check = invites.check_invite

    async def counting_check(**kwargs: Any) -> Invite:
        invite = await real_check(**kwargs)
        checks_passed.append(invite.uses)
        if len(checks_passed) == 2:
            b_checked.set()
        return invite

    monkeypatch.setattr(invites, "check_invite", counting_check)

    async def first() -> int:
        try:
            async with db.begin() as session:
                invite = await redeem_invite(session=session, token=token, now=NOW)
                a_redeemed.set()
                if db.dialect == "postgresql":
                    # A commits only once B's check has passed (an event, not a sleep).
                    # SQLite: B waits for A's write lock, so A must not wait for B.
                    await asyncio.wait_for(b_checked.wait(), timeout=30)
                return invite.uses
        finally:
            a_redeemed.set()  # never leave B waiting

    async def second() -> int:
        await a_redeemed.wait()
        async with db.begin() as session:
            invite = await redeem_invite(session=session, token=token, now=NOW)
            return invite.uses

    a, b = await asyncio.gather(first(), second(), return_exceptions=True)

    assert a == 1
    assert isinstance(b, InviteUsedUp)
    assert await _uses(db, invite_id) == 1
    if db.dialect == "postgresql":
        # B's check saw the use as free: the refusal came from the conditional UPDATE.
        assert checks_passed == [0, 0]
    else:
        # B could only start after A committed, so its check already saw the use.
        assert checks_passed == [0]


async def test_only_the_hash_is_stored(db: Database) -> None:
    token, invite_id = await _invite(db, max_uses=5, valid_for=dt.timedelta(days=14))

    async with db.begin() as session:
        row = (
            (await session.execute(text("SELECT * FROM invite WHERE id = :i"), {"i": invite_id}))
            .mappings()
            .one()
        )

    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert len(row["token_hash"]) == 64
    for column, value in row.items():
        assert token not in str(value), column
    # Nor anywhere else in the database.
    async with db.begin() as session:
        for table in Base.metadata.sorted_tables:
            for found in (await session.execute(table.select())).all():
                assert token not in repr(tuple(found)), table.name


async def test_created_token_shape(db: Database) -> None:
    tokens = set()
    for _ in range(5):
        token, _ = await _invite(db)
        tokens.add(token)
    assert len(tokens) == 5
    for token in tokens:
        assert len(token) == 22
        assert all(c.isascii() and (c.isalnum() or c in "-_") for c in token)
