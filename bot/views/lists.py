"""Long lists in messages: names cut to a sane length, pages, the "+N more" line.

Telegram refuses a text message longer than 4,096 characters after entity parsing (Bot API,
sendMessage: "1-4096 characters after entities parsing"), so every list a coordinator can
make long (a roster of 500 places, residents' help requests, upcoming actions) is shown a
page at a time, with names cut to `NAME_IN_LIST` characters. The page sizes in the views are
chosen so that a page with every field at its longest still fits (the tests build such
pages and check the length the fake Bot API server measures).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.text import isolate
from bot.i18n import Translator

MAX_MESSAGE = 4096  # Telegram's limit for a text message, after entity parsing
NAME_IN_LIST = 32  # characters of a name shown in a list (display names are up to 64)

T = TypeVar("T")


def cut(text: str, limit: int = NAME_IN_LIST) -> str:
    """`text` if it has at most `limit` characters, else its first `limit - 1` and '…'."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def name_html(name: str, limit: int | None = NAME_IN_LIST) -> str:
    """A person's name inside a sentence or list line (HTML): cut to `limit` characters
    (None: whole), escaped, and isolated (FSI..PDI, `bot.domain.text.isolate`) so a
    right-to-left name cannot reorder the text around it (issue 9, finding 7)."""
    return html.escape(isolate(name if limit is None else cut(name, limit)))


def name_plain(name: str, limit: int | None = NAME_IN_LIST) -> str:
    """`name_html` without the escaping, for plain text such as button labels."""
    return isolate(name if limit is None else cut(name, limit))


def page_slice(items: Sequence[T], page: int, size: int) -> tuple[list[T], int, int]:
    """(the items of `page`, the page actually shown, how many items follow it).

    Pages count from 0; a page past the end shows the last page (a list that got shorter
    since the button was made).
    """
    pages = max(1, (len(items) + size - 1) // size)
    page = max(0, min(page, pages - 1))
    shown = list(items[page * size : (page + 1) * size])
    return shown, page, max(0, len(items) - (page + 1) * size)


def more_line(t: Translator, remaining: int) -> str:
    """'+N more' under a cut list (plain text); empty when nothing follows."""
    return t.gettext("+{n} more", n=remaining) if remaining > 0 else ""


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data) pairs."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def button_rows(buttons: Sequence[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    """Buttons `width` to a row."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]
