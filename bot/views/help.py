"""Help texts shared by several handlers (per role)."""

from __future__ import annotations

from bot.i18n import Translator


def coordinator_help(t: Translator) -> str:
    """What a coordinator can do."""
    return t.gettext(
        "What you can do:\n"
        "/newaction – plan an action and call volunteers\n"
        "/actions – see who is coming, or cancel an action\n"
        "/invite – make an invite link and QR code\n"
        "/helprequests – what residents would like help with\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )
