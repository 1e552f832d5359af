"""The consent texts per purpose (see `bot.domain.consent.PURPOSES`), with their periods.

When a purpose's text changes in substance, raise its version in `bot.domain.consent`, so
people are asked again.
"""

from __future__ import annotations

from bot.i18n import Translator


def purpose_label(t: Translator, key: str) -> str:
    """A short name for a purpose (plain text)."""
    labels = {
        "calls": t.gettext("calls for actions"),
        "coupling": t.gettext("coupling with a volunteer or resident"),
        "relaying": t.gettext("passing on messages"),
        "attendance": t.gettext("who comes to actions"),
    }
    return labels.get(key, key)


def purpose_text(t: Translator, key: str, answers_days: int = 90) -> str:
    """What is asked for a purpose and why, and how long it is kept (plain text);
    `answers_days` is the setting RETENTION_ANSWERS_DAYS."""
    texts = {
        "calls": t.gettext(
            "Calls: we use your neighbourhood and the times you can help to send you actions that "
            "fit. Your answers are kept until {days} days after the action.",
            days=answers_days,
        ),
        "coupling": t.gettext(
            "Coupling: a coordinator may use what you like to do, or need help with, to "
            "introduce you to someone in your neighbourhood."
        ),
        "relaying": t.gettext(
            "Messages: the bot may pass on short messages between you and your coordinator."
        ),
        "attendance": t.gettext(
            "Attendance: we note if you come to an action, so coordinators can plan. Kept "
            "until {days} days after the action.",
            days=answers_days,
        ),
    }
    return texts.get(key, key)


def periods_text(t: Translator, inactive_days: int) -> str:
    """How long data is kept after /stop or blocking the bot (plain text)."""
    return t.ngettext(
        "If you send /stop or block the bot, everything about you is deleted after "
        "{n} day, without a message.",
        "If you send /stop or block the bot, everything about you is deleted after "
        "{n} days, without a message.",
        inactive_days,
    )
