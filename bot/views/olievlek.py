""" "Here too" buttons under the overview (`bot.domain.olievlek`)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.callbacks import COPY_TO
from bot.domain.olievlek import Suggestion
from bot.i18n import Translator
from bot.views.lists import keyboard


def here_too_line(t: Translator) -> str:
    """The line above the buttons."""
    return t.gettext(
        "Nothing happened yet in these buurten. Repeat your latest action there (olievlek):"
    )


def here_too_keyboard(t: Translator, ideas: Sequence[Suggestion]) -> InlineKeyboardMarkup:
    """One "Here too: <buurt>" button per suggestion (`act:ct:<action>:<buurt>`, the
    "Once more" copy path)."""
    return keyboard(
        [
            [
                (
                    t.gettext("Here too: {buurt}", buurt=idea.area_name),
                    COPY_TO.encode(action_id=idea.action_id, area_id=idea.area_id),
                )
            ]
            for idea in ideas
        ]
    )
