"""The consent texts per purpose (see `bot.domain.consent.PURPOSES`), with their periods:
shown at sign-up (`bot.handlers.onboarding.entry.consent_text`) and when a purpose is new or changed
(`ask_again_text`, `ask_again_keyboard`).

When a purpose's text changes in substance, raise its version in `bot.domain.consent`, so
people are asked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CONSENT_ANSWER
from bot.i18n import Translator


@dataclass(frozen=True)
class Periods:
    """The retention settings the texts state (days; see `bot.config.Settings`)."""

    answers_days: int = 90
    outbox_days: int = 90
    inactive_days: int = 365


def purpose_label(t: Translator, key: str) -> str:
    """A short name for a purpose (plain text)."""
    labels = {
        "calls": t.gettext("calls for actions"),
        "coupling": t.gettext("coupling with a volunteer or resident"),
        "relaying": t.gettext("passing on messages"),
        "attendance": t.gettext("who comes to actions"),
    }
    return labels.get(key, key)


def purpose_text(t: Translator, key: str, periods: Periods | None = None) -> str:
    """What is asked for a purpose, why, and how long it is kept (plain text)."""
    p = periods or Periods()
    texts = {
        "calls": t.gettext(
            "Calls: we use your neighbourhood (buurt), what you like to do and the times you "
            "can help, to send you the actions that fit you. Your answers (yes, maybe, no) are "
            "kept until {days} days after the action.",
            days=p.answers_days,
        ),
        "coupling": t.gettext(
            "Coupling: a coordinator uses what you like to do or would like help with, your "
            "languages and times, to introduce you to someone in your neighbourhood (buurt). "
            "Kept until you delete it."
        ),
        "relaying": t.gettext(
            "Messages: the bot passes on short messages between you and others in your "
            "neighbourhood network, such as a note to the coordinators that a resident asked "
            "for help. A message is kept until {days} days after it was sent.",
            days=p.outbox_days,
        ),
        "attendance": t.gettext(
            "Attendance: after an action the coordinator notes who came, for the thank-you "
            "and for planning. Kept until you delete it, or the action is deleted."
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


def purposes_block(t: Translator, keys: list[str], periods: Periods) -> str:
    """One bullet per purpose: what, why, how long (plain text, safe in HTML)."""
    return "\n".join("• " + purpose_text(t, key, periods) for key in keys)


def ask_again_text(t: Translator, keys: list[str], periods: Periods) -> str:
    """The question for purposes that are new or changed (HTML), in PURPOSES order."""
    return "\n\n".join(
        [
            t.gettext(
                "<b>Something new: may we use your data for this?</b> "
                "Nothing new is used for you before you agree."
            ),
            purposes_block(t, keys, periods),
            t.gettext("Tap a button for each. Send /mydata to see what is stored."),
        ]
    )


def answered_text(t: Translator, key: str, agreed: bool) -> str:
    """The short confirmation of one answer (plain text, a query answer)."""
    if agreed:
        return t.gettext("Saved: you agreed to {purpose}.", purpose=purpose_label(t, key))
    return t.gettext("Saved: we do not use your data for {purpose}.", purpose=purpose_label(t, key))


def ask_again_keyboard(
    t: Translator, open_purposes: list[tuple[str, int]]
) -> InlineKeyboardMarkup | None:
    """Per open purpose (key, version): "Agree: <purpose>" and "No, rather not"."""
    if not open_purposes:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Agree: {purpose}", purpose=purpose_label(t, key)),
                    callback_data=CONSENT_ANSWER.encode(purpose=key, version=version, agreed=True),
                ),
                InlineKeyboardButton(
                    t.gettext("No, rather not"),
                    callback_data=CONSENT_ANSWER.encode(purpose=key, version=version, agreed=False),
                ),
            ]
            for key, version in open_purposes
        ]
    )
