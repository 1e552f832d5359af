"""How an invite looks: the role's label, the deep link, its QR code and the QR caption."""

from __future__ import annotations

import io
from html import escape as esc

import segno
from telegram import InlineKeyboardMarkup

from bot.callbacks import INVITE_ORGANISATION, INVITE_PARTNER, INVITE_ROLE
from bot.domain.vocabulary import Role
from bot.i18n import Translator
from bot.views.lists import keyboard

#: The roles an invite can be for, in the order of the buttons.
INVITE_ROLES = (Role.VOLUNTEER, Role.RESIDENT, Role.COORDINATOR)

QR_SCALE = 10  # pixels per module: a 25x25 code plus border is about 330 px, sharp on paper
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def role_label(t: Translator, role: str) -> str:
    """The reader's word for a role (coordinator | volunteer | resident); plain text."""
    if role == Role.COORDINATOR:
        return t.gettext("Coordinator")
    if role == Role.RESIDENT:
        return t.gettext("Resident")
    if role == Role.PARTNER:
        return t.gettext("Partner organisation")
    return t.gettext("Volunteer")


def roles_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """One button per role: Volunteer / Resident / Coordinator (`inv:r:<v|r|c>`), and
    Partner organisation (`inv:pt`: an invite that names an organisation)."""
    rows = [[(role_label(t, role), INVITE_ROLE.encode(role=role))] for role in INVITE_ROLES]
    rows.append([(role_label(t, Role.PARTNER), INVITE_PARTNER.encode())])
    return keyboard(rows)


def organisations_view(
    t: Translator, organisations: list[tuple[int, str]]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """'For which organisation?' with one button per organisation (`inv:g:<id>`), or a
    pointer when the area has none. `organisations`: (id, name) pairs, by name."""
    if not organisations:
        return t.gettext("There are no partner organisations in your area yet."), None
    text = t.gettext(
        "Invite for: {role}. For which organisation? Staff of a partner organisation see "
        "only what is handed over to them, never help requests or rosters.",
        role=esc(role_label(t, Role.PARTNER)),
    )
    rows = [[(name, INVITE_ORGANISATION.encode(organisation_id=o))] for o, name in organisations]
    return text, keyboard(rows)


def area_menu_view(t: Translator, role: str, area_name: str) -> str:
    """'Invite for: <role>. For which area? Choose <area> or a part of it.' (HTML)."""
    return t.gettext(
        "Invite for: {role}. For which area? Choose {area} or a part of it.",
        role=esc(role_label(t, role)),
        area=f"<b>{esc(area_name)}</b>",
    )


def invite_text(t: Translator, role: str, area_name: str, link: str, until: str | None) -> str:
    """The message with the link (HTML): who it is for, where, until when, how often.

    `until` is the formatted last day (None: the invite does not expire)."""
    uses = (
        t.gettext("It works for one person.")
        if role in (Role.COORDINATOR, Role.PARTNER)
        else t.gettext("Everyone with the link can join.")
    )
    head = t.gettext(
        "Invite link for: {role}, {area}",
        role=esc(role_label(t, role)),
        area=f"<b>{esc(area_name)}</b>",
    )
    until_line = t.gettext("It works until {date}.", date=esc(until)) + " " if until else ""
    keep = t.gettext("Share it only with the people it is meant for.")
    return f"{head}\n{esc(link)}\n\n{until_line}{uses}\n{keep}"


def qr_caption(t: Translator, role: str, until: str) -> str:
    """The caption under the QR code (HTML; `until` is the formatted last day).

    A volunteer or resident invite goes on a flyer; a coordinator invite works for one
    person and is meant for the new coordinator only. Chat invites always expire (the
    policy, `bot.domain.invites.CHAT_VALID_FOR`).
    """
    if role == Role.PARTNER:
        return t.gettext(
            "Send this link or QR code only to the staff member of the partner "
            "organisation. It works for one person, until {date}.",
            date=esc(until),
        )
    if role == Role.COORDINATOR:
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
