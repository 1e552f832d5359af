"""Pure rules of changing and widening an action (issue 7 items 1 and 3)."""

from __future__ import annotations

import datetime as dt

from bot.domain.action_changes import ActionEdit, changes, preview
from bot.domain.areas import AreaNode, AreaTree
from bot.domain.widen import SIBLINGS, WIJK, WiderArea, wider_areas
from storage.models import Action

START = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)


def _tree() -> AreaTree:
    """Centrum > West > (Haarlemmerbuurt > Plancius Noord, Plancius Zuid; Jordaan)."""
    raw = [
        (1, "Centrum", "stadsdeel", None),
        (2, "West", "gebied", 1),
        (3, "Haarlemmerbuurt", "wijk", 2),
        (4, "Planciusbuurt Noord", "buurt", 3),
        (5, "Planciusbuurt Zuid", "buurt", 3),
        (6, "Jordaan", "wijk", 2),
    ]
    nodes = {i: AreaNode(i, name, level, parent, f"k{i}") for i, name, level, parent in raw}
    children: dict[int | None, list[int]] = {}
    for node in sorted(nodes.values(), key=lambda n: n.name):
        children.setdefault(node.parent_id, []).append(node.id)
    return AreaTree(nodes=nodes, children=children)


def test_a_buurt_widens_to_its_wijk_then_other_wijken() -> None:
    assert wider_areas(_tree(), action_area_id=4, coordinator_area_id=1) == [
        WiderArea(3, "Haarlemmerbuurt", SIBLINGS),
        WiderArea(6, "Jordaan", WIJK),
    ]


def test_a_wijk_widens_to_other_wijken_only_within_the_coordinators_area() -> None:
    assert wider_areas(_tree(), action_area_id=3, coordinator_area_id=1) == [
        WiderArea(6, "Jordaan", WIJK)
    ]
    assert wider_areas(_tree(), action_area_id=4, coordinator_area_id=3) == [
        WiderArea(3, "Haarlemmerbuurt", SIBLINGS)
    ]
    assert wider_areas(_tree(), action_area_id=4, coordinator_area_id=4) == []


def _action() -> Action:
    return Action(
        id=7,
        kind="street_stand",
        title="Klaptafel",
        area_id=4,
        meeting_place="Noordermarkt",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
        volunteers_needed=2,
        confirmed_count=1,
        status="open",
    )


def test_changes_are_named_in_one_order() -> None:
    action = _action()
    assert preview(action, ActionEdit())[1] == []
    later = START + dt.timedelta(days=1)
    new, changed = preview(
        action,
        ActionEdit(
            volunteers_needed=3,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
            meeting_place="Westermarkt",
        ),
    )
    assert changed == ["meeting_place", "times", "volunteers_needed"]
    assert (new.title, new.starts_at, action.starts_at) == ("Klaptafel", later, START)
    assert changes(action, new) == changed
