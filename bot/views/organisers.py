"""Choosing the co-organisers of an action (issue 10 item 1): one toggle button per
organisation serving the action's area ("✓ DOCK Centrum" when chosen), used on the planning
preview (`na:o:<id>:<1|0>`, "Done" `na:od`) and from the roster (`act:ot:<action>:<id>:<1|0>`,
"Back" `act:r:<action>`). Names come from data (organisations file) and are shown as they
are (button labels are plain text).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from telegram import InlineKeyboardMarkup

from bot.callbacks import NA_ORGANISER, NA_ORGANISERS_DONE, ORGANISER_SET, ROSTER
from bot.domain.joint import OrganisationChoice
from bot.i18n import Translator
from bot.views.lists import keyboard

CHOSEN = "✓ "


def organisers_question(t: Translator) -> str:
    """The text above the toggles (plain text)."""
    return t.gettext(
        "Which organisations organise this action with you? Their staff see who is coming "
        "(first names only) and get the same notices as you."
    )


def _toggles(
    choices: Sequence[OrganisationChoice],
    chosen: Collection[int],
    data: Callable[[int, bool], str],
) -> list[list[tuple[str, str]]]:
    return [
        [
            (
                f"{CHOSEN if c.id in chosen else ''}{c.name}",
                data(c.id, c.id not in chosen),
            )
        ]
        for c in choices
    ]


def draft_organisers_keyboard(
    t: Translator, choices: Sequence[OrganisationChoice], chosen: Collection[int]
) -> InlineKeyboardMarkup:
    """Planning: a toggle per organisation, then "Done" (back to the preview)."""
    rows = _toggles(
        choices, chosen, lambda oid, on: NA_ORGANISER.encode(organisation_id=oid, on=on)
    )
    rows.append([(t.gettext("Done"), NA_ORGANISERS_DONE.encode())])
    return keyboard(rows)


def action_organisers_keyboard(
    t: Translator, action_id: int, choices: Sequence[OrganisationChoice], chosen: Collection[int]
) -> InlineKeyboardMarkup:
    """Roster: a toggle per organisation (saved at once), then "Back to the roster"."""
    rows = _toggles(
        choices,
        chosen,
        lambda oid, on: ORGANISER_SET.encode(action_id=action_id, organisation_id=oid, on=on),
    )
    rows.append([(t.gettext("Back to the roster"), ROSTER.encode(action_id=action_id))])
    return keyboard(rows)
