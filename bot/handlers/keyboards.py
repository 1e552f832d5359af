"""Buttons and screens shared by the coordinator handlers (actions, new_action, invites).

Inline keyboards from (label, callback data) pairs (`bot.views.lists`), paging of long button
lists, showing a message with its buttons (edit the pressed one or send a new one), and the
refusal for people who are not coordinators.

`say(..., t=t)` also turns a `BadRequest` from Telegram (a message it refuses: too long, bad
markup) into a short, useful message in the reader's language instead of silence or "something
went wrong" (issue 9, item 3).
"""

from __future__ import annotations

import html
import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.handlers.common import answer_query, coordinators_only_text, send_later
from bot.i18n import Translator
from bot.views.lists import button_rows, keyboard

__all__ = [
    "MAX_BUTTONS",
    "PAGE_SIZE",
    "button_rows",
    "keyboard",
    "not_coordinator",
    "page_of",
    "paged",
    "refused_text",
    "say",
]

log = logging.getLogger(__name__)

PAGE_SIZE = 10  # area buttons per page when there are more than MAX_BUTTONS
MAX_BUTTONS = 12


def refused_text(t: Translator, reason: str) -> str:
    """What the reader is told when Telegram refused a message to them (plain text)."""
    return t.gettext(
        "I could not show this: Telegram did not accept the message ({reason}). "
        "Please try again later, or tell the people who run wijkbot.",
        reason=reason,
    )


async def _show(
    update: Update, query: CallbackQuery | None, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    chat = update.effective_chat
    if query is not None:
        try:
            await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in exc.message:  # a double press: nothing to change
                return
            if query.message is None and chat is None:
                raise
    if chat is not None:
        await chat.send_message(text, parse_mode="HTML", reply_markup=markup)


async def say(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    t: Translator | None = None,
) -> None:
    """Edit the pressed message (button press) or send a new one (typed text).

    Queued until the update's transaction has committed. With `t`, a message Telegram
    refuses (`BadRequest`) is replaced by `refused_text` so the reader is never left without
    an answer.
    """
    query = update.callback_query
    if query is not None:
        await answer_query(query)

    async def send() -> None:
        try:
            await _show(update, query, text, markup)
        except BadRequest as exc:
            chat = update.effective_chat
            if t is None or chat is None:
                raise
            log.warning("Telegram refused a message: %s", exc.message)
            await chat.send_message(html.escape(refused_text(t, exc.message)), parse_mode="HTML")

    await send_later(send)


def not_coordinator(t: Translator) -> str:
    """The one refusal for non-coordinators (`bot.handlers.common.coordinators_only_text`)."""
    return coordinators_only_text(t)


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
