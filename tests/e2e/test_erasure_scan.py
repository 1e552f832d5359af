"""Erasure is complete: after /verwijderen, no table holds anything of the erased person.

The scan lists every table and column of the real database (SQLAlchemy inspector), so a
table added later is covered without touching this test. It looks for the person's
Telegram id (any column), their internal id (columns that refer to person.id, and as a
separate number in any text or JSON: dedup keys, outbox args, ptb_state keys and values),
their first name and any personal text they typed. Organisational text (an action's title
and place, `bot.domain.privacy.ORGANISATIONAL`) stays, with the author set to NULL or handed
over. Both databases (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select, text

from bot.clock import Clock
from bot.domain import actions, privacy, rsvp
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.areas import find_area
from storage.models import Action, Base, Invite, OutboxMessage, Person

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)  # Monday
TELEGRAM_ID = 7_700_123_457
NAME = "Zoltanna"
TITLE = "Klaptafel Zeeheldenbuurt"
PLACE = "Hoek Zoutkeetsgracht"


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _bump_person_ids(bot: BotUnderTest) -> None:
    """Make the next person id 900001, far from every other id in the test (so a match in
    a text is really this person, not action 3)."""
    async with bot.db.begin() as session:
        if bot.db.dialect == "postgresql":
            await session.execute(
                text("SELECT setval(pg_get_serial_sequence('person', 'id'), 900000)")
            )
        else:  # SQLite: the next rowid is max(rowid) + 1; this row goes after sign-up
            await session.execute(
                text(
                    "INSERT INTO person (id, telegram_user_id, chat_id, display_name, role, "
                    "area_id, language, consent_at, created_at) "
                    "SELECT 900000, 1, 1, 'filler', 'volunteer', id, 'nl', "
                    ":now, :now FROM area LIMIT 1"
                ),
                {"now": NOW.astimezone(dt.UTC).replace(tzinfo=None)},
            )


async def _drop_filler(bot: BotUnderTest) -> None:
    async with bot.db.begin() as session:
        await session.execute(text("DELETE FROM person WHERE id = 900000"))


async def scan(bot: BotUnderTest, *, telegram_id: int, person_id: int, texts: list[str]) -> list:
    """Every (table, column, value) in the database that holds something of the person."""
    assert person_id >= 900001
    number = re.compile(rf"(?<!\d)({telegram_id}|{person_id})(?!\d)")
    hits: list[tuple[str, str, Any]] = []
    async with bot.db.engine.connect() as conn:

        def schema(sync_conn: Any) -> dict[str, tuple[list[str], set[str]]]:
            insp = inspect(sync_conn)
            result = {}
            for table in insp.get_table_names():
                columns = [c["name"] for c in insp.get_columns(table)]
                person_refs = {
                    col
                    for fk in insp.get_foreign_keys(table)
                    if fk["referred_table"] == "person"
                    for col in fk["constrained_columns"]
                }
                result[table] = (columns, person_refs)
            return result

        tables = await conn.run_sync(schema)
        assert {"person", "ptb_state", "outbox_message", "rsvp"} <= set(tables)
        assert set(Base.metadata.tables) <= set(tables)  # the models are all there
        for table, (columns, person_refs) in tables.items():
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).mappings().all()
            for row in rows:
                for column in columns:
                    value = row[column]
                    if isinstance(value, bool) or value is None:
                        continue
                    if isinstance(value, int):
                        if value == telegram_id or (column in person_refs and value == person_id):
                            hits.append((table, column, value))
                        continue
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    if not isinstance(value, str):
                        continue
                    if number.search(value) or any(t.casefold() in value.casefold() for t in texts):
                        hits.append((table, column, value))
    return hits


async def _person_id(bot: BotUnderTest, telegram_id: int) -> int:
    async with bot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == telegram_id))
        assert person is not None
        return person.id


async def _erase(user: FakeUser) -> None:
    mark = user.mark()
    await user.send("/verwijderen")
    await tap(user, "Ja, verwijder alles", after=mark, timeout=30)
    await user.wait_for("Klaar", after=mark, timeout=30)


async def _sign_up_until_buurt(bot: BotUnderTest, fake: FakeBotAPI, role: str) -> FakeUser:
    token = await make_invite(bot, role=role, area="Haarlemmerbuurt")
    user = fake.user(TELEGRAM_ID, NAME, language_code="nl")
    await _bump_person_ids(bot)
    await user.send(f"/start {token}")
    await tap(user, "Nederlands")
    await tap(user, "Ik ga akkoord")
    await user.wait_for("In welke buurt woon je?")
    await _drop_filler(bot)
    return user


async def _action(bot: BotUnderTest, coordinator_tid: int, *, title: str = TITLE) -> int:
    async with bot.db.begin() as session:
        coordinator = await session.scalar(
            select(Person).where(Person.telegram_user_id == coordinator_tid)
        )
        area = await find_area(session, "Haarlemmerbuurt")
        starts = NOW.astimezone(dt.UTC) + dt.timedelta(days=5)
        draft = actions.validate_draft(
            kind="street_stand",
            title=title,
            area_id=area.id,
            meeting_place=PLACE,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            volunteers_needed=2,
            now=NOW.astimezone(dt.UTC),
        )
        action, _plan = await actions.create_action(
            session=session,
            coordinator=coordinator,
            draft=draft,
            now=NOW.astimezone(dt.UTC),
            tz=AMS,
            second_wave_delay=dt.timedelta(0),
        )
        return action.id


async def test_volunteer_erased_halfway_through_sign_up(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    user = await _sign_up_until_buurt(wijkbot, fake, "volunteer")
    person_id = await _person_id(wijkbot, TELEGRAM_ID)
    await _erase(user)
    assert await scan(wijkbot, telegram_id=TELEGRAM_ID, person_id=person_id, texts=[NAME]) == []
    # the dead conversation does not catch the next message
    mark = user.mark()
    await user.send("Zeeheldenbuurt")
    reply = await user.wait_for(after=mark)
    assert reply.text.startswith("Dat begreep ik niet.")  # not the buurt question


async def test_volunteer_with_answers_erased(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    coord = fake.user(2001, "Carla")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum")
    action_id = await _action(wijkbot, 2001)
    await wijkbot.outbox_idle()
    await _bump_person_ids(wijkbot)
    user = fake.user(TELEGRAM_ID, NAME)
    await add_person(
        wijkbot, user, role="volunteer", area="Haarlemmerbuurt", slots=[(5, "afternoon")]
    )
    await _drop_filler(wijkbot)
    person_id = await _person_id(wijkbot, TELEGRAM_ID)
    async with wijkbot.db.begin() as session:
        person = await session.get(Person, person_id)
        await rsvp.answer(
            session=session,
            action_id=action_id,
            person=person,
            answer="yes",
            now=NOW.astimezone(dt.UTC),
            tz=AMS,
        )
    await user.send("/beschikbaarheid")  # an open menu at the moment of erasure
    await user.wait_for("Wanneer kun je meestal helpen?")
    await _erase(user)
    assert await scan(wijkbot, telegram_id=TELEGRAM_ID, person_id=person_id, texts=[NAME]) == []
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert action.confirmed_count == 0  # the place was given back


async def test_resident_erased_after_coordinators_were_told(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    coord = fake.user(2001, "Carla")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum")
    user = await _sign_up_until_buurt(wijkbot, fake, "resident")
    await tap(user, "Westerdokseiland")
    await tap(user, "⬜ Formulieren en papierwerk")
    await user.wait_for(predicate=lambda m: "✅ Formulieren en papierwerk" in m.labels)
    mark = user.mark()
    await tap(user, "Klaar")
    await user.wait_for("En is er iets wat jij voor anderen kunt doen?", after=mark)
    await tap(user, "Klaar", after=mark)
    await user.wait_for("Bedankt, Zoltanna!")
    await coord.wait_for("wil graag hulp", timeout=30)
    person_id = await _person_id(wijkbot, TELEGRAM_ID)
    async with wijkbot.db.begin() as session:  # the notice named the resident's id
        keys = (await session.scalars(select(OutboxMessage.dedup_key))).all()
        assert f"help_request_new:{person_id}:" in " ".join(keys)
    await _erase(user)
    assert await scan(wijkbot, telegram_id=TELEGRAM_ID, person_id=person_id, texts=[NAME]) == []


async def test_coordinator_erased_mid_new_action_hands_over(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    other = fake.user(2002, "Otto")
    await add_person(wijkbot, other, role="coordinator", area="Centrum")
    await _bump_person_ids(wijkbot)
    user = fake.user(TELEGRAM_ID, NAME)
    await add_person(wijkbot, user, role="coordinator", area="Centrum")
    await _drop_filler(wijkbot)
    person_id = await _person_id(wijkbot, TELEGRAM_ID)
    action_id = await _action(wijkbot, TELEGRAM_ID)
    await user.send("/uitnodigen")  # makes an invite through the chat later; here directly
    async with wijkbot.db.begin() as session:
        invite = await session.scalar(select(Invite).order_by(Invite.id.desc()))
        invite.created_by_id = person_id
    await user.send("/nieuweactie")
    await tap(user, "Klaptafel")
    await user.wait_for("titel")
    await user.send("Geheime notitie van Zoltanna")  # typed, halfway through a draft
    await user.wait_for("wijk")
    await _erase(user)
    assert await scan(wijkbot, telegram_id=TELEGRAM_ID, person_id=person_id, texts=[NAME]) == []
    other_id = await _person_id(wijkbot, 2002)
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        # organisational text stays; the action is Otto's now and still open
        assert (action.title, action.meeting_place) == (TITLE, PLACE)
        assert (action.status, action.created_by_id) == ("open", other_id)
        assert privacy.classification("action", "title") == "organisational"
        invite = await session.scalar(select(Invite).order_by(Invite.id.desc()))
        assert invite.created_by_id == other_id
    told = await other.wait_for("is gestopt met wijkbot", timeout=30)
    assert "Zoltanna" not in told.text


async def test_last_coordinator_erased_cancels_actions_and_revokes_invites(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await _bump_person_ids(wijkbot)
    user = fake.user(TELEGRAM_ID, NAME)
    await add_person(wijkbot, user, role="coordinator", area="Centrum")
    await _drop_filler(wijkbot)
    person_id = await _person_id(wijkbot, TELEGRAM_ID)
    volunteer = fake.user(3001, "Vera")
    await add_person(
        wijkbot, volunteer, role="volunteer", area="Haarlemmerbuurt", slots=[(5, "afternoon")]
    )
    action_id = await _action(wijkbot, TELEGRAM_ID)
    await volunteer.wait_for("Nieuwe actie", timeout=30)
    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    async with wijkbot.db.begin() as session:
        invite = await session.scalar(select(Invite).order_by(Invite.id.desc()))
        invite.created_by_id = person_id
    await _erase(user)
    assert await scan(wijkbot, telegram_id=TELEGRAM_ID, person_id=person_id, texts=[NAME]) == []
    async with wijkbot.db.begin() as session:
        action = await session.get(Action, action_id)
        assert (action.status, action.created_by_id, action.title) == ("cancelled", None, TITLE)
    await volunteer.wait_for("gaat niet door: je hoeft niet te komen", timeout=30)
    newcomer = fake.user(3002, "Nina")
    await newcomer.send(f"/start {token}")
    await newcomer.wait_for("verlopen", timeout=30)


def test_every_text_column_is_named_personal_organisational_or_code() -> None:
    from sqlalchemy import JSON, String

    unnamed = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, (String, JSON))
        and privacy.classification(table.name, column.name) is None
    ]
    assert unnamed == []


async def test_volunteer_who_sent_a_signal_erased(wijkbot: BotUnderTest, fake: FakeBotAPI) -> None:
    """The signal stays for the organisation (a place, no names), without its sender; the
    answer that was sent to them and the link go."""
    from sandbox.harness import add_partner
    from storage.models import Signal
    from tests.storage.test_results import add_action

    coord = fake.user(2001, "Carla")
    staff = fake.user(2003, "Yara")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum")
    await add_partner(wijkbot, staff, organisation="ymere-centrum")
    await _bump_person_ids(wijkbot)
    user = fake.user(TELEGRAM_ID, NAME)
    await add_person(wijkbot, user, role="volunteer", area="Haarlemmerbuurt")
    await _drop_filler(wijkbot)
    person_id = await _person_id(wijkbot, TELEGRAM_ID)
    async with wijkbot.db.begin() as session:
        me = await session.get(Person, person_id)
        start = NOW.astimezone(dt.UTC) - dt.timedelta(hours=1)
        await add_action(
            session, starts_at=start, ends_at=start + dt.timedelta(hours=2), volunteers=(me,)
        )
    await user.send("/signaal")
    await tap(user, "Ymere")
    await user.wait_for("Typ het signaal voor Ymere")
    await user.send("Lekkage in portiek Zoutkeetsgracht 8")
    await user.wait_for("Je signaal is naar Ymere gegaan")
    await tap(staff, "Opgepakt")
    await user.wait_for("Ymere heeft het signaal")
    await _erase(user)
    assert await scan(wijkbot, telegram_id=TELEGRAM_ID, person_id=person_id, texts=[NAME]) == []
    async with wijkbot.db.begin() as session:
        signal = await session.scalar(select(Signal))
        assert signal is not None
        assert (signal.text, signal.sender_id, signal.status) == (
            "Lekkage in portiek Zoutkeetsgracht 8",
            None,
            "picked_up",
        )
        assert privacy.classification("signal", "text") == "organisational"
