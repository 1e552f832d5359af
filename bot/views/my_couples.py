"""A person's couples in /mijnacties: who (first name), since when, and a way to end it.

Output is Telegram HTML (names escaped). Buttons: `bot.callbacks` MY_COUPLE_* routes.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import MY_COUPLE_ASK, MY_COUPLE_END, MY_COUPLE_KEEP
from bot.domain.coupling.couples import MyCouple
from bot.i18n import Translator
from bot.views.lists import name_html, name_plain


def couples_text(t: Translator, couples: list[MyCouple]) -> str:
    """'Your couples:' and one line per couple: 'Yusuf, since Thursday 3 December'."""
    lines = [t.gettext("Your couples:")]
    for couple in couples:
        lines.append(
            t.gettext(
                "• {name}, since {date}",
                name=name_html(couple.other_name),
                date=html.escape(t.date(couple.since.astimezone(t.tz).date())),
            )
        )
    return "\n".join(lines)


def couples_keyboard(t: Translator, couples: list[MyCouple]) -> InlineKeyboardMarkup:
    """One 'End the couple with <name>' button per couple."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("End the couple with {name}", name=name_plain(couple.other_name)),
                    callback_data=MY_COUPLE_ASK.encode(couple_id=couple.couple_id),
                )
            ]
            for couple in couples
        ]
    )


def end_question(t: Translator, couple: MyCouple) -> tuple[str, InlineKeyboardMarkup]:
    """'End the couple with <name>? We let them and your coordinator know.' + yes / no."""
    text = t.gettext(
        "End the couple with {name}? We let them and the coordinator know.",
        name=name_html(couple.other_name),
    )
    buttons = [
        [
            InlineKeyboardButton(
                t.gettext("Yes, end it"),
                callback_data=MY_COUPLE_END.encode(couple_id=couple.couple_id),
            ),
            InlineKeyboardButton(t.gettext("No, keep it"), callback_data=MY_COUPLE_KEEP.encode()),
        ]
    ]
    return text, InlineKeyboardMarkup(buttons)
