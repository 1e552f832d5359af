"""Joint actions in the database (issue 10 item 1): which organisations may co-organise,
who gets the notices, least privilege for partner staff, the migration (0018) up and
down; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select

from bot.domain import joint, privacy
from bot.domain.coupling.organisations import add_organisation, link_partner
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from storage.db import Database, sync_url
from storage.migrate import alembic_config, upgrade
from storage.models import ActionOrganisation, Base, Organisation, Person
from tests import factories as make

NOW = make.NOW


async def _org(session, key: str) -> Organisation:
    found = await session.scalar(select(Organisation).where(Organisation.key == key))
    assert found is not None
    return found


async def _partner(session, name: str) -> Person:
    """Partner staff: a person of Centrum given the partner role (linked by the test)."""
    person = await make.person(session, name, area="Centrum")
    person.role = "partner"
    await session.flush()
    return person


async def test_co_organisers_must_serve_the_area_and_partners_see_only_their_own(
    db: Database,
) -> None:
    async with db.begin() as session:
        coordinator = await make.person(session, "Carla", role="coordinator", area="Centrum")
        jordaan_action = await make.action(session, area="Jordaan", created_by_id=coordinator.id)
        other_action = await make.action(session, area="Jordaan", created_by_id=coordinator.id)
        dock, ymere = await _org(session, "dock-centrum"), await _org(session, "ymere-centrum")
        local = await add_organisation(
            session=session,
            coordinator=coordinator,
            kind="resident_initiative",
            name="Buurtmoestuin Haarlemmerbuurt",
            area_id=await make.area_id(session, "Haarlemmerbuurt"),
        )
        names = [
            c.name for c in await joint.choices_for(session=session, area_id=jordaan_action.area_id)
        ]
        assert "Buurtmoestuin Haarlemmerbuurt" not in names and "DOCK Centrum" in names
        with pytest.raises(InvalidInput):
            await joint.set_organisers(
                session=session, action=jordaan_action, organisation_ids=[local.id]
            )
        stored = await joint.set_organisers(
            session=session, action=jordaan_action, organisation_ids=[ymere.id, dock.id, dock.id]
        )
        assert stored == tuple(sorted((dock.id, ymere.id)))
        assert (await joint.organiser_names(session=session, action_ids=[jordaan_action.id])) == {
            jordaan_action.id: ["DOCK Centrum", "Ymere"]
        }

        staff = await _partner(session, "Dirk")
        await link_partner(session=session, person=staff, organisation_id=dock.id)
        outsider = await _partner(session, "Gert")
        broker = await _org(session, "gebiedsmakelaar-centrum")
        await link_partner(session=session, person=outsider, organisation_id=broker.id)
        volunteer = await make.person(session, "Vera", area="Jordaan")

        roster = await joint.partner_roster(
            session=session, partner=staff, action_id=jordaan_action.id
        )
        assert roster.organisers == ["DOCK Centrum", "Ymere"]
        for person, action_id, error in (
            (outsider, jordaan_action.id, NotFound),
            (staff, other_action.id, NotFound),
            (staff, 999_999, NotFound),
            (volunteer, jordaan_action.id, NotAllowed),
            (coordinator, jordaan_action.id, NotAllowed),
        ):
            with pytest.raises(error):
                await joint.partner_roster(session=session, partner=person, action_id=action_id)
        assert [
            p.id for p in await joint.partners_of(session=session, action_id=jordaan_action.id)
        ] == [staff.id]
        page = await joint.joint_actions(session=session, partner=staff, now=NOW)
        assert [item.id for item in page.items] == [jordaan_action.id] and page.total == 1
        # removing DOCK takes the action away from its staff at once
        await joint.set_organisers(
            session=session, action=jordaan_action, organisation_ids=[ymere.id]
        )
        with pytest.raises(NotFound):
            await joint.partner_roster(session=session, partner=staff, action_id=jordaan_action.id)


def test_organisers_are_one_list_in_the_reader_language() -> None:
    names = ["Buurtteam Amsterdam Centrum", "DOCK Centrum", "Ymere"]
    assert (
        joint.organisers_text(names, "nl") == "Buurtteam Amsterdam Centrum, DOCK Centrum en Ymere"
    )
    assert (
        joint.organisers_text(names, "en") == "Buurtteam Amsterdam Centrum, DOCK Centrum, and Ymere"
    )
    assert joint.organisers_text(names[:2], "en") == "Buurtteam Amsterdam Centrum and DOCK Centrum"
    assert joint.organisers_text([], "nl") == ""


def test_action_organisation_is_organisational_and_has_no_text() -> None:
    table = Base.metadata.tables["action_organisation"]
    assert "action_organisation" in privacy.ORGANISATIONAL_LINKS
    assert {c.name for c in table.columns} == {"action_id", "organisation_id"}
    assert not [fk for fk in table.foreign_keys if fk.column.table.name == "person"]


def test_migration_0018_up_and_down(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        command.downgrade(alembic_config(database_url), "0017")
        assert "action_organisation" not in inspect(engine).get_table_names()
        upgrade(database_url)
        assert "action_organisation" in inspect(engine).get_table_names()
        assert [c["name"] for c in inspect(engine).get_columns("action_organisation")] == [
            "action_id",
            "organisation_id",
        ]
    finally:
        engine.dispose()


def test_model_and_migration_agree() -> None:
    assert ActionOrganisation.__table__.primary_key.columns.keys() == [
        "action_id",
        "organisation_id",
    ]
