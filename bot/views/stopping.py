"""The /stop question for someone with upcoming places (issue 7 item 6). Telegram HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.callbacks import STOP_KEEP, STOP_RELEASE
from bot.i18n import Translator
from bot.views.lists import keyboard
from storage.models import Action


def stop_question(t: Translator, places: Sequence[Action]) -> tuple[str, InlineKeyboardMarkup]:
    """ "You still have a place at <b>title</b> (when). Will you give it up?" (several: one
    line each), with "Yes, give it up" / "No, I will come"."""
    lines = [
        f"<b>{html.escape(a.title)}</b> ({html.escape(t.datetime(a.starts_at))})" for a in places
    ]
    if len(lines) == 1:
        text = t.gettext(
            "You still have a place at {action}. Will you give it up?", action=lines[0]
        )
    else:
        text = t.gettext(
            "You still have a place at:\n{actions}\nWill you give them up?",
            actions="\n".join(f"• {line}" for line in lines),
        )
    buttons = keyboard(
        [
            [(t.gettext("Yes, give it up"), STOP_RELEASE.encode())],
            [(t.gettext("No, I will come"), STOP_KEEP.encode())],
        ]
    )
    return text, buttons
