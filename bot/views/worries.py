""" "Zorgen om iemand": the safeguarding numbers and the coordinator's call-back notice.

Numbers (never changed without checking the source): Veilig Thuis, the Dutch advice and
reporting line for domestic violence and child abuse, 0800-2000, free, day and night
(veiligthuis.nl); 112 for danger now (the European emergency number).
"""

from __future__ import annotations

from html import escape as esc
from typing import TYPE_CHECKING

from bot.callbacks import WORRIED
from bot.i18n import Translator
from bot.views.lists import name_html

if TYPE_CHECKING:
    from bot.domain.worries import WorryOutcome

VEILIG_THUIS = "0800-2000"
EMERGENCY = "112"


def worried_button(t: Translator) -> tuple[str, str]:
    """The "Worried about someone" button (`wr`)."""
    return t.gettext("🆘 Worried about someone"), WORRIED.encode()


def worry_text(t: Translator, outcome: WorryOutcome, *, volunteer: bool) -> str:
    """The answer to the button or /zorgen (HTML): the numbers first, then who calls back."""
    lines = [
        t.gettext("<b>Worried about someone?</b>"),
        t.gettext("• Danger now? Call <b>{number}</b>.", number=EMERGENCY),
        t.gettext(
            "• Worried about domestic violence or child abuse? Call <b>Veilig Thuis: "
            "{number}</b> (free, day and night). You can also just ask for advice.",
            number=VEILIG_THUIS,
        ),
    ]
    if outcome.asked:
        lines.append(t.gettext("I have asked a coordinator of your area to call you back."))
    elif outcome.already:
        lines.append(t.gettext("A coordinator has already been asked to call you back."))
    elif volunteer:
        lines.append(
            t.gettext("No coordinator can be reached right now: please call one of the numbers.")
        )
    lines.append(
        t.gettext("Do not write anything about the person here: the bot keeps nothing about them.")
    )
    return "\n".join(lines)


def callback_notice(t: Translator, volunteer: str, user_id: int, place: str) -> str:
    """The outbox notice to a coordinator (HTML): who asks to be called back, nothing more."""
    mention = f'<a href="tg://user?id={int(user_id)}">{name_html(volunteer, None)}</a>'
    return t.gettext(
        "🆘 {name}, a volunteer in {place}, is worried about someone and asks you to call "
        "back, today if you can. Open the chat: {mention}. The bot has stored nothing about "
        "that person.",
        name=name_html(volunteer, None),
        place=esc(place),
        mention=mention,
    )
