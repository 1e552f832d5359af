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
        "results": t.gettext("results of actions"),
        "sign_up_source": t.gettext("how you found us"),
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
            "Coupling: to introduce a volunteer and a resident to each other, we use your "
            "buurt, the languages you speak, what you like to do or need help with, the times "
            "that suit you, and (for volunteers) how many couples you want and whether a "
            "coordinator met you. A volunteer who is asked sees only the resident's first "
            "name, buurt, tasks, languages and times."
        )
        + " "
        + t.gettext(
            "When you are coupled we keep when it started, the first meeting (date and "
            'place) and your answers to "How is it going?"; with your yes, a coordinator '
            "may hand your help request to a partner organisation."
        ),
        "relaying": t.gettext(
            "Messages: the bot passes on your messages, voice notes and (only when you tap "
            "the button) your phone number to your coordinator or the person you are coupled "
            "with. We do not keep what you send; only which message went to whom, for 90 "
            "days, so replies find their way."
        ),
        "attendance": t.gettext(
            "Attendance: we note if you come to an action, so coordinators can plan. Kept "
            "until {days} days after the action.",
            days=answers_days,
        ),
        "results": t.gettext(
            "Results: what you record after an action (conversations, streets, themes heard) "
            "is kept with your name until {days} days after the action; then only the counts "
            "stay.",
            days=answers_days,
        ),
        "sign_up_source": t.gettext(
            "How you found us: we note which invite link or flyer you used, so coordinators "
            "see which flyers work. It is deleted with your data."
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
