"""/profiel: what a volunteer or resident chose at sign-up, with a button per choice.

Output is Telegram HTML; names come from the data files or the person and are escaped by
`bot.views.people.describe_choices`. Buttons: `bot.callbacks` PF_* routes.
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    PF_BUURT,
    PF_BUURTEN,
    PF_COUPLES,
    PF_COUPLES_OPEN,
    PF_MENU,
    PF_NOT_NOW,
    PF_SPOKEN_OPEN,
    PF_TASKS_OPEN,
    PF_TIME,
    PF_TIMES_OPEN,
    PF_WANTS_OPEN,
)
from bot.domain.coupling.volunteers import MAX_COUPLES_LIMIT
from bot.domain.signup import SignupChoices
from bot.domain.tasks import SPOKEN_LANGUAGES
from bot.domain.vocabulary import Role
from bot.i18n import Translator
from bot.views.people import availability_keyboard, describe_choices, language_label

#: The choices offered for the maximum number of couples (the domain allows up to 10).
COUPLE_CHOICES = tuple(range(0, min(4, MAX_COUPLES_LIMIT) + 1))


def profile_text(
    t: Translator,
    role: str,
    choices: SignupChoices,
    *,
    max_couples: int | None = None,
    not_now_until: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The profile as HTML: the sign-up summary; residents also see their languages;
    volunteers also their maximum number of couples and a running "liever niet nu"."""
    lines = [t.gettext("Your profile. Tap what you want to change."), ""]
    lines.append(describe_choices(t, role, choices))
    if role == Role.RESIDENT:
        spoken = [language_label(t, c) for c in SPOKEN_LANGUAGES if c in choices.languages]
        lines.append(t.gettext("Languages: {languages}", languages=", ".join(spoken) or "–"))
    if role == Role.VOLUNTEER and max_couples is not None:
        lines.append(t.gettext("Couples at most: {n}", n=max_couples))
        if not_now_until is not None and now is not None and not_now_until > now:
            lines.append(
                t.gettext("No coupling proposals until {date}.", date=t.date(not_now_until.date()))
            )
    return "\n".join(lines)


def menu_keyboard(t: Translator, role: str) -> InlineKeyboardMarkup:
    """One button per thing sign-up asked (and, for volunteers, the coupling settings)."""
    rows = [
        [
            InlineKeyboardButton(t.gettext("Neighbourhood"), callback_data=PF_BUURTEN.encode()),
            InlineKeyboardButton(t.gettext("Languages"), callback_data=PF_SPOKEN_OPEN.encode()),
        ]
    ]
    if role == Role.VOLUNTEER:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("What I like to do"), callback_data=PF_TASKS_OPEN.encode()
                ),
                InlineKeyboardButton(
                    t.gettext("Couples at most"), callback_data=PF_COUPLES_OPEN.encode()
                ),
            ]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("Rather not now (4 weeks)"), callback_data=PF_NOT_NOW.encode()
                )
            ]
        )
    else:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("What I would like help with"), callback_data=PF_WANTS_OPEN.encode()
                )
            ]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("Times that suit me"), callback_data=PF_TIMES_OPEN.encode()
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def times_view(t: Translator, slots: set[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    """A resident's times (those of their open help request) as the weekly day-part grid
    of /hulpvraag; none chosen means any time. Done returns to the profile."""
    text = t.gettext(
        "Which times suit you for a visit or a call? Tap all that apply, then Done. "
        "Nothing chosen means any time."
    )
    done = InlineKeyboardButton(t.gettext("Done"), callback_data=PF_MENU.encode())
    return text, availability_keyboard(t, slots, PF_TIME, [done])


def no_request_text(t: Translator) -> str:
    """A resident without an open help request asks to change their times."""
    return t.gettext(
        "Your times are kept with your help request, and you have no open request now. "
        "Send /helprequest when you would like help: it asks which times suit you."
    )


def back_row(t: Translator) -> list[InlineKeyboardButton]:
    """'« Back' to the profile."""
    return [InlineKeyboardButton(t.gettext("« Back"), callback_data=PF_MENU.encode())]


def buurt_keyboard(
    t: Translator, area_name: str, buurten: list[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """The buurten of the invite's area, two a row, "I don't know / all of <area>", back."""
    buttons = [
        InlineKeyboardButton(name, callback_data=PF_BUURT.encode(buurt_id=buurt_id))
        for buurt_id, name in buurten
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    everything = t.gettext("I don't know / all of {area}", area=area_name)
    rows.append([InlineKeyboardButton(everything, callback_data=PF_BUURT.encode(buurt_id=0))])
    rows.append(back_row(t))
    return InlineKeyboardMarkup(rows)


def couples_keyboard(t: Translator, current: int) -> InlineKeyboardMarkup:
    """0..4 as buttons (the current one ticked), then back."""
    row = [
        InlineKeyboardButton(
            f"✅ {n}" if n == current else str(n), callback_data=PF_COUPLES.encode(count=n)
        )
        for n in COUPLE_CHOICES
    ]
    return InlineKeyboardMarkup([row, back_row(t)])
