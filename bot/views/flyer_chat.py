"""Chat texts and the button of the flyer step in `/uitnodigen` (`bot.handlers.flyers`)."""

from __future__ import annotations

import unicodedata
from html import escape as esc

from telegram import InlineKeyboardMarkup

from bot.callbacks import FLYER_START
from bot.i18n import Translator
from bot.views.invite import role_label
from bot.views.lists import keyboard


def flyer_keyboard(t: Translator, role: str, area_id: int) -> InlineKeyboardMarkup:
    """The button under a volunteer or resident invite link: a flyer with its own invite."""
    return keyboard(
        [[(t.gettext("🖨 Make a flyer (A5)"), FLYER_START.encode(role=role, area_id=area_id))]]
    )


def label_question(t: Translator) -> str:
    """Where will the flyer hang? (HTML)"""
    return t.gettext(
        "Where will this flyer hang? Type a short label (2 to 40 letters), for example "
        "<i>Bibliotheek Haarlemmerweg</i>. It is printed small on the flyer and shows in "
        "/overview, so you see which flyer brings people. Name a place, never a person."
    )


def flyer_made_text(t: Translator, role: str, area_name: str, label: str, until: str | None) -> str:
    """The line above the PDF and PNG (HTML)."""
    return t.gettext(
        "Flyer <b>{label}</b> for: {role}, {area}. It has its own invite link, which works "
        "until {until}. Print the PDF (A5), or share the picture.",
        label=esc(label),
        role=esc(role_label(t, role)),
        area=esc(area_name),
        until=esc(until or "–"),
    )


def flyer_filename(label: str, extension: str) -> str:
    """'flyer-bibliotheek-haarlemmerweg.pdf' (ASCII letters and digits, '-' between)."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()
    slug = "-".join("".join(c if c.isalnum() else " " for c in plain).split()) or "flyer"
    return f"flyer-{slug}.{extension}"
