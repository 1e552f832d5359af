"""How an invite looks: the role's label, the deep link, its QR code and the QR caption."""

from __future__ import annotations

import io
from html import escape as esc

import segno

from bot.i18n import Translator

#: Role letter in callback data -> role code (see bot.domain.tasks.ROLES).
ROLE_LETTERS = {"v": "volunteer", "r": "resident", "c": "coordinator"}

QR_SCALE = 10  # pixels per module: a 25x25 code plus border is about 330 px, sharp on paper
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def role_label(t: Translator, role: str) -> str:
    """The reader's word for a role (coordinator | volunteer | resident); plain text."""
    if role == "coordinator":
        return t.gettext("Coordinator")
    if role == "resident":
        return t.gettext("Resident")
    return t.gettext("Volunteer")


def qr_caption(t: Translator, role: str, until: str) -> str:
    """The caption under the QR code (HTML; `until` is the formatted last day).

    A volunteer or resident invite goes on a flyer; a coordinator invite works for one
    person and is meant for the new coordinator only.
    """
    if role == "coordinator":
        return t.gettext(
            "Send this link or QR code only to the new coordinator. "
            "It works for one person, until {date}.",
            date=esc(until),
        )
    return t.gettext(
        "Print this QR code on a flyer: people scan it to join. It works until {date}.",
        date=esc(until),
    )


def invite_link(bot_username: str, token: str) -> str:
    """The Telegram deep link `https://t.me/<bot>?start=<token>`."""
    return f"https://t.me/{bot_username}?start={token}"


def qr_png(link: str) -> bytes:
    """The link as a QR code PNG (error correction level M, black on white)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()
