"""Buttons shared by the coordinator handlers (actions, new_action, invites).

Inline keyboards from (label, callback data) pairs, paging of long button lists, showing a
message with its buttons (edit the pressed one or send a new one), and the refusal for
people who are not coordinators.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.common import answer_query, edit_or_send, reply
from bot.i18n import Translator

PAGE_SIZE = 10  # area buttons per page when there are more than MAX_BUTTONS
MAX_BUTTONS = 12


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def button_rows(buttons: Sequence[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the pressed message (button press) or send a new one (typed text)."""
    if update.callback_query is not None:
        await answer_query(update.callback_query)
        await edit_or_send(update.callback_query, text, markup)
    else:
        await reply(update, text, markup)


def not_coordinator(t: Translator) -> str:
    return t.gettext("Sorry, only coordinators can do this.")


def page_of(
    t: Translator, buttons: list[tuple[str, str]], page: int, page_prefix: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The buttons of one page and its navigation row ('« Previous' / 'More »').

    Up to MAX_BUTTONS buttons fit on one screen; more are split in pages of PAGE_SIZE. The
    navigation buttons carry '<page_prefix>:<page>'. An out-of-range page is clamped.
    """
    nav: list[tuple[str, str]] = []
    if len(buttons) <= MAX_BUTTONS:
        return buttons, nav
    pages = (len(buttons) + PAGE_SIZE - 1) // PAGE_SIZE
    page = max(0, min(page, pages - 1))
    if page > 0:
        nav.append((t.gettext("« Previous"), f"{page_prefix}:{page - 1}"))
    if page < pages - 1:
        nav.append((t.gettext("More »"), f"{page_prefix}:{page + 1}"))
    return buttons[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], nav


def paged(
    t: Translator,
    buttons: list[tuple[str, str]],
    page: int,
    page_prefix: str,
    extra: list[tuple[str, str]],
) -> InlineKeyboardMarkup:
    """Two buttons a row, paged (see `page_of`), then the navigation and `extra` rows."""
    shown, nav = page_of(t, buttons, page, page_prefix)
    rows = button_rows(shown, 2)
    for row in (nav, extra):
        if row:
            rows.append(row)
    return keyboard(rows)
