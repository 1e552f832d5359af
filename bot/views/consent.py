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
        "results": t.gettext("results of actions"),
        "sign_up_source": t.gettext("how you found us"),
        "signals": t.gettext("signals about a place"),
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
            "Attendance: after an action the coordinator notes who came, for the thank-you "
            "and for planning. Kept until you delete it, or the action is deleted."
        ),
        "results": t.gettext(
            "Results: what you record after an action (conversations, streets, themes heard) "
            "is kept with your name until {days} days after the action; then only the counts "
            "stay.",
            days=p.answers_days,
        ),
        "sign_up_source": t.gettext(
            "How you found us: we note which invite link or flyer you used, so coordinators "
            "see which flyers work. It is deleted with your data."
        ),
        "signals": t.gettext(
            "Signals: a signal you send about a building, portiek or street (no names) goes "
            "to one partner organisation. We keep it with your name, so you hear their "
            "answer, until {days} days after it is done; then only the count stays.",
            days=p.answers_days,
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
