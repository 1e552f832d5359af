"""Consent per purpose, versioned (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, select, text

from bot.domain import consent, invites, people
from bot.domain.consent import Purpose
from bot.domain.errors import InvalidInput
from storage.areas import find_area
from storage.db import Database, sync_url
from storage.migrate import upgrade
from storage.models import PersonConsent

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


async def _volunteer(db: Database):
    async with db.begin() as session:
        area = await find_area(session, "Jordaan")
        new = await invites.create_invite(session=session, role="volunteer", area=area, now=T0)
        return await people.register(
            session=session,
            token=new.token,
            telegram_user_id=42,
            chat_id=42,
            first_name="Vera",
            language="nl",
            now=T0,
        )


async def test_sign_up_records_each_purpose_of_the_role(db: Database) -> None:
    person = await _volunteer(db)
    async with db.begin() as session:
        given = await consent.consents_of(session=session, person_id=person.id)
        assert sorted(given) == [
            "attendance",
            "calls",
            "coupling",
            "relaying",
            "results",
            "sign_up_source",
            "signals",  # place signals kept with their name (issue 10 §3)
        ]
        versions = {p.key: p.version for p in consent.PURPOSES}
        assert all((c.version, c.given_at) == (versions[k], T0) for k, c in given.items())
        assert given["coupling"].version == 2  # names what matching uses (issue 6)
        assert await consent.missing_purposes(session=session, person=person) == []


async def test_a_new_purpose_or_version_is_missing_until_given(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = await _volunteer(db)
    newer = (
        Purpose("calls", 2, ("volunteer",)),
        *[p for p in consent.PURPOSES if p.key != "calls"],
        Purpose("photos", 1, ("volunteer",)),
    )
    monkeypatch.setattr(consent, "PURPOSES", newer)
    async with db.begin() as session:
        missing = await consent.missing_purposes(session=session, person=person)
        assert [p.key for p in missing] == ["calls", "photos"]
        assert not await consent.has_consent(session=session, person=person, purpose="calls")
        await consent.give(
            session=session,
            person=person,
            purposes=["calls", "photos"],
            now=T0 + dt.timedelta(days=1),
        )
        assert await consent.missing_purposes(session=session, person=person) == []
        assert await consent.has_consent(session=session, person=person, purpose="photos")
        with pytest.raises(InvalidInput):
            await consent.give(session=session, person=person, purposes=["spying"], now=T0)


def test_migration_records_version_1_and_cleans_stored_names(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    from alembic import command

    from storage.migrate import alembic_config

    command.downgrade(alembic_config(database_url), "0001")
    with engine.begin() as conn:
        area = conn.execute(text("SELECT id FROM area LIMIT 1")).scalar_one()
        for pid, onboarded, name in ((1, T0, "An\u202ena"), (2, None, "\u200b")):
            conn.execute(
                text(
                    "INSERT INTO person (id, telegram_user_id, chat_id, display_name, role, "
                    "area_id, language, spoken_languages, consent_at, onboarded_at, created_at)"
                    " VALUES (:id, :id, :id, :name, 'volunteer', :area, 'nl', '[]', :t, :o, :t)"
                ),
                {"id": pid, "area": area, "t": T0, "o": onboarded, "name": name},
            )
    upgrade(database_url)
    with engine.begin() as conn:
        rows = conn.execute(
            select(PersonConsent.person_id, PersonConsent.purpose, PersonConsent.version)
        ).all()
        names = conn.execute(text("SELECT id, display_name FROM person ORDER BY id")).all()
    engine.dispose()
    assert [tuple(n) for n in names] == [(1, "Anna"), (2, "?")]
    assert sorted(rows) == [
        (1, "attendance", 1),
        (1, "calls", 1),
        (1, "coupling", 1),
        (1, "relaying", 1),
    ]


async def test_only_coordinators_who_agreed_to_relaying_are_told_of_a_help_request(
    db: Database,
) -> None:
    """Issue 9: nothing new is used for a person before they agree; a coordinator without
    consent to 'relaying' (passing on messages) gets no "new help request" notice."""
    from bot.domain import help_requests
    from bot.domain.coupling import requests as coupling_requests
    from storage.models import OutboxMessage
    from tests import factories as make

    async with db.begin() as session:
        coco = await make.person(session, "Coco", role="coordinator", area="Centrum", now=T0)
        olga = await make.person(session, "Olga", role="coordinator", area="Centrum", now=T0)
        ria = await make.person(session, "Ria", role="resident", area="Jordaan", now=T0)
        await coupling_requests.create_request(
            session=session, resident=ria, tasks=["shopping"], now=T0
        )
        await consent.withdraw(session=session, person=olga, purpose="relaying")
        told = await help_requests.tell_coordinators(session=session, resident=ria, now=T0)
        assert told == 1
        notices = await session.scalars(
            select(OutboxMessage.person_id).where(OutboxMessage.message_key == "help_request_new")
        )
        assert notices.all() == [coco.id]
