"""The one vocabulary: every enum lists exactly the strings its CHECK constraint allows."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint

from bot.domain import vocabulary as v
from bot.domain.coupling import vocabulary as coupling_vocabulary
from storage.models import Base

# (table, column) -> the enum whose values that column may hold.
COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("area", "level"): v.AreaLevel,
    ("person", "role"): v.Role,
    ("invite", "role"): v.Role,
    ("help_request", "status"): v.HelpRequestStatus,
    ("availability_slot", "day_part"): v.DayPart,
    ("help_request_slot", "day_part"): v.DayPart,
    ("organisation", "kind"): v.OrganisationKind,
    ("proposal", "status"): v.ProposalStatus,
    ("action", "kind"): v.ActionKind,
    ("action", "status"): v.ActionStatus,
    ("rsvp", "answer"): v.Answer,
    ("rsvp", "status"): v.PlaceStatus,
    ("outbox_message", "status"): v.OutboxStatus,
    ("person_consent", "answer"): v.ConsentAnswer,
    ("action_notice_level", "level"): v.NoticeLevel,
}


def _allowed(table: str, column: str) -> set[str]:
    """The strings of `column IN ('a','b',...)` in the table's CHECK constraints."""
    pattern = re.compile(rf"^{column} IN \(([^)]*)\)$")
    for constraint in Base.metadata.tables[table].constraints:
        if isinstance(constraint, CheckConstraint):
            match = pattern.match(str(constraint.sqltext).strip())
            if match:
                return set(re.findall(r"'([^']*)'", match.group(1)))
    raise AssertionError(f"no CHECK constraint on {table}.{column}")


@pytest.mark.parametrize(("table", "column"), list(COLUMNS))
def test_enum_values_are_what_the_check_constraint_allows(table: str, column: str) -> None:
    assert {member.value for member in COLUMNS[(table, column)]} == _allowed(table, column)


def test_coupling_names_are_the_same_enums() -> None:
    assert coupling_vocabulary.RequestStatus is v.HelpRequestStatus
    assert coupling_vocabulary.MessageKind is v.CouplingMessageKind
    assert coupling_vocabulary.ProposalStatus is v.ProposalStatus
