"""How an action looks in a message: the summary block, its kind's label, the RSVP buttons.

Output is Telegram HTML (send with `parse_mode="HTML"`). Every value a person typed
(title, meeting place) and every name from data files (area) is escaped with
`html.escape`, because titles like "Soep & <koffie>" or "*_[]" must show as typed.

Button callback data: `bot.callbacks.RSVP` (`rsvp:<action_id>:<y|m|n>`). Any client can
forge it, so the handler checks on the server that this person may answer this action now.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import RSVP
from bot.domain.joint import organisers_text
from bot.domain.vocabulary import ActionKind, Answer
from bot.i18n import Translator
from storage.models import Action


def kind_label(t: Translator, kind: str) -> str:
    """The reader's name for an action kind (doorstep | street_stand | other); plain text.

    An unknown kind gets the label of 'other'.
    """
    if kind == ActionKind.DOORSTEP:
        return t.gettext("Doorstep conversations")
    if kind == ActionKind.STREET_STAND:
        return t.gettext("Street stand")
    return t.gettext("Other action")


def kind_line(t: Translator, kind: str, title: str) -> str | None:
    """The kind's label for under an action's title, or None where it adds nothing: for
    'other' (the reader learns nothing from "Other action") and when the title already
    says it ("Klaptafel op het Haarlemmerplein" is not followed by "Klaptafel")."""
    if kind not in (ActionKind.DOORSTEP, ActionKind.STREET_STAND):
        return None
    label = kind_label(t, kind)
    return None if label.casefold() in title.casefold() else label


def organisers_line(t: Translator, organisers: Sequence[str]) -> str | None:
    """ "Samen met: DOCK Centrum en Ymere" (HTML, names from data escaped), or None when
    the action has no co-organisers (issue 10 item 1)."""
    if not organisers:
        return None
    names = organisers_text([html.escape(name) for name in organisers], t.language)
    return t.gettext("Organised with: {organisations}", organisations=names)


def action_summary(
    t: Translator,
    action: Action,
    area_name: str,
    *,
    show_needed: bool = True,
    organisers: Sequence[str] = (),
) -> str:
    """The summary block of an action as Telegram HTML, several lines, no trailing newline.

    Shows the title (bold), the kind (unless `kind_line` leaves it out), when ("Saturday 5
    December, 14:00 to 17:00" in the translator's zone, Europe/Amsterdam by default), where
    (meeting place, area name) and, unless `show_needed` is False (reminders), how many
    volunteers are needed, and the co-organisers' names (`organisers`, from data) when
    there are any. `title`, `meeting_place`, `area_name` and the names are escaped.
    """
    local_start = action.starts_at.astimezone(t.tz).date()
    same_day = local_start == action.ends_at.astimezone(t.tz).date()
    # An action that ends on a later local day shows the end's date too.
    end = t.time(action.ends_at) if same_day else t.datetime(action.ends_at)
    title = html.escape(action.title)
    place = html.escape(action.meeting_place)
    area = html.escape(area_name)
    lines = [f"<b>{title}</b>"]
    kind = kind_line(t, action.kind, action.title)
    if kind:
        lines.append(html.escape(kind))
    lines += [
        # Translators: {date} is like "Saturday 5 December", {start} like "14:00" and {end}
        # like "17:00" (or a date and time when the action ends on a later day).
        t.gettext(
            "When: {date}, {start} to {end}",
            date=html.escape(t.date(local_start)),
            start=html.escape(t.time(action.starts_at)),
            end=html.escape(end),
        ),
        t.gettext("Where: {place}, {area}", place=place, area=area),
    ]
    if (with_line := organisers_line(t, organisers)) is not None:
        lines.append(with_line)
    if show_needed:
        lines.append(
            t.ngettext("{n} volunteer needed", "{n} volunteers needed", action.volunteers_needed)
        )
    if action.language:  # issue 7 item 4: "we zoeken ook iemand die Turks spreekt"
        from bot.views.people import language_label

        lines.append(
            t.gettext(
                "Also wanted: someone who speaks {language}.",
                language=html.escape(language_label(t, action.language)),
            )
        )
    return "\n".join(lines)


def yes_line(t: Translator) -> str:
    """The answer line of a person with a place: "Your answer: Yes — see you there!"."""
    return t.gettext("Your answer: Yes — see you there!")


def waitlist_line(t: Translator, position: int) -> str:
    """The answer line of a person on the waiting list, with their 1-based position."""
    return t.gettext(
        "Your answer: Yes — the action is full, you are number {n} on the waiting list.",
        n=position,
    )


def _rsvp(action_id: int, answer: Answer) -> str:
    return RSVP.encode(action_id=action_id, answer=answer)


def rsvp_keyboard(t: Translator, action_id: int) -> InlineKeyboardMarkup:
    """One row of buttons: Yes / Maybe / No, with callback data `rsvp:<action_id>:y|m|n`."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("Yes"), callback_data=_rsvp(action_id, Answer.YES)),
                InlineKeyboardButton(
                    t.gettext("Maybe"), callback_data=_rsvp(action_id, Answer.MAYBE)
                ),
                InlineKeyboardButton(t.gettext("No"), callback_data=_rsvp(action_id, Answer.NO)),
            ]
        ]
    )


def cannot_come_keyboard(t: Translator, action_id: int) -> InlineKeyboardMarkup:
    """One button under a reminder: "I can't come after all" (`rsvp:<action_id>:n`), so a
    volunteer need not scroll back to the call to give up their place."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("I can't come after all"),
                    callback_data=_rsvp(action_id, Answer.NO),
                )
            ]
        ]
    )
