"""Texts of the assisted sign-up at the klaptafel (`bot.handlers.assisted`)."""

from __future__ import annotations

from html import escape as esc

from bot.callbacks import ASSISTED
from bot.i18n import Translator


def assisted_button(t: Translator, action_id: int) -> tuple[str, str]:
    """The button on a volunteer's results screen (`as:<action id>`)."""
    return t.gettext("📱 Sign up a resident here"), ASSISTED.encode(action_id=action_id)


def assisted_text(t: Translator, area_name: str, link: str, until: str, left: int) -> str:
    """The message with the one-time link (HTML); the QR code follows as a photo."""
    return t.gettext(
        "One-time link for a resident of {area} you met here:\n{link}\n\n"
        "Let them scan the code below with their phone camera. They choose their language and "
        "agree to what is stored on their own phone. It works once, until {until}. "
        "This action can have {left} more.",
        area=esc(area_name),
        link=esc(link),
        until=esc(until),
        left=left,
    )


def refusal_text(t: Translator, reason: str) -> str:
    """Why no link was made: 'closed', 'cap' or 'not_allowed'."""
    if reason == "closed":
        return t.gettext("A sign-up link can only be made while the action is going on.")
    if reason == "cap":
        return t.gettext("This action has reached its number of sign-up links.")
    return t.gettext("Only volunteers with a place on this action can do this.")
