"""How a coordinator sees their actions: the list of upcoming actions and the roster.

Output is Telegram HTML. Names and titles are escaped; names in the roster are cut to
`bot.views.lists.NAME_IN_LIST` characters and shown `ROSTER_PAGE_SIZE` at a time, so the
longest possible page (a 120-character title, a 200-character meeting place, 40 names of 32
characters) stays far below Telegram's 4,096 characters.

Buttons (`bot.callbacks`): `act:r:<id>` first page / refresh, `act:rp:<id>:<page>` later
pages, `act:c:<id>` ask to cancel, `act:cc:<id>` cancel, `act:l:<page>` the action list.
"""

from __future__ import annotations

import datetime as dt
from html import escape as esc

from telegram import InlineKeyboardMarkup

from bot.callbacks import (
    ACTION_LIST,
    ASK_CANCEL,
    CANCEL,
    COPY,
    EDIT,
    MESSAGE_START,
    NOTICE_LEVEL,
    ORGANISERS,
    ROSTER,
    ROSTER_PAGE,
    WIDEN,
)
from bot.domain.roster import ActionPage, Roster
from bot.domain.vocabulary import ActionStatus, NoticeLevel, OutboxStatus
from bot.i18n import Translator
from bot.views.action import action_summary
from bot.views.lists import cut, keyboard, more_line, name_html, page_slice
from bot.views.people import language_label

ROSTER_PAGE_SIZE = 40  # names per roster page
TITLE_ON_BUTTON = 40  # characters of a title on a button


def action_list_text(t: Translator, page: ActionPage) -> str:
    """The head of /acties (plain text), with '+N more' when more actions follow."""
    text = t.gettext("Your upcoming actions. Tap one to see who is coming.")
    more = more_line(t, page.remaining)
    return f"{text}\n{esc(more)}" if more else text


def action_list_keyboard(t: Translator, page: ActionPage, page_number: int) -> InlineKeyboardMarkup:
    """One button per action ('Sat 5 Dec 14:00 · Title'), then '« Previous' / 'More »'."""
    rows = [
        [(_action_label(t, item.title, item.starts_at), ROSTER.encode(action_id=item.id))]
        for item in page.items
    ]
    nav = []
    if page_number > 0:
        nav.append((t.gettext("« Previous"), ACTION_LIST.encode(page=page_number - 1)))
    if page.remaining > 0:
        nav.append((t.gettext("More »"), ACTION_LIST.encode(page=page_number + 1)))
    if nav:
        rows.append(nav)
    return keyboard(rows)


def _action_label(t: Translator, title: str, starts_at: dt.datetime) -> str:
    """Button text: 'Sat 5 Dec 14:00 · Title' (plain text, title cut to 40 characters)."""
    day = t.short_date(starts_at.astimezone(t.tz).date())
    return f"{day} {t.time(starts_at)} · {cut(title, TITLE_ON_BUTTON)}"


def _roster_url(action_id: int, page: int) -> str:
    if page == 0:
        return ROSTER.encode(action_id=action_id)
    return ROSTER_PAGE.encode(action_id=action_id, page=page)


def roster_view(
    t: Translator, result: Roster, page: int = 0, *, notice_level: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The roster as Telegram HTML and its buttons, page `page` (0-based) of the names.

    Summary, places filled, the four groups with their full counts and the names of this
    page, '+N more' when names follow, and the call's delivery. Buttons: '« Previous' /
    'More »' between pages, 'Refresh', and 'Cancel action' while it may be cancelled.
    """
    action = result.action
    groups = (
        (t.gettext("Coming"), result.confirmed),
        (t.gettext("Waiting list"), result.waitlisted),
        (t.gettext("Maybe"), result.maybe),
        (t.gettext("Not coming"), result.declined),
    )
    entries = [(index, name) for index, (_, names) in enumerate(groups) for name in names]
    shown, page, remaining = page_slice(entries, page, ROSTER_PAGE_SIZE)
    lines = [action_summary(t, action, result.area_name, organisers=result.organisers), ""]
    if action.status == ActionStatus.CANCELLED:
        lines += [t.gettext("This action has been cancelled."), ""]
    lines.append(
        t.gettext(
            "{confirmed} of {needed} places filled",
            confirmed=action.confirmed_count,
            needed=action.volunteers_needed,
        )
    )
    if result.speakers is not None and action.language:
        lines.append(
            t.ngettext(
                "Of those coming, {n} speaks {language}",
                "Of those coming, {n} speak {language}",
                result.speakers,
                language=esc(language_label(t, action.language)),
            )
        )
    for index, (label, names) in enumerate(groups):
        on_page = [name_html(name) for group, name in shown if group == index]
        if on_page:
            listed = ", ".join(on_page)
        else:
            listed = "…" if names else "–"
        lines.append(f"<b>{esc(label)}</b> ({len(names)}): {listed}")
    if remaining:
        lines.append(esc(more_line(t, remaining)))
    if result.silent:  # issue 7 item 6: kept their place at /stop
        label = t.gettext("Coming, gets no messages")
        names = ", ".join(name_html(n) for n in result.silent[:ROSTER_PAGE_SIZE])
        lines.append(f"<b>{esc(label)}</b> ({len(result.silent)}): {names}")
    if result.came is not None and result.absent is not None:
        came_label, absent_label = t.gettext("Came"), t.gettext("Did not come")
        came = ", ".join(name_html(n) for n in result.came) or "–"
        lines.append(f"<b>{esc(came_label)}</b> ({len(result.came)}): {came}")
        if result.absent:
            absent = ", ".join(name_html(n) for n in result.absent)
            lines.append(f"<b>{esc(absent_label)}</b> ({len(result.absent)}): {absent}")
    lines += ["", *delivery_lines(t, result.called, result.delivery)]
    nav = []
    if page > 0:
        nav.append((t.gettext("« Previous"), _roster_url(action.id, page - 1)))
    if remaining:
        nav.append((t.gettext("More »"), _roster_url(action.id, page + 1)))
    rows = [nav] if nav else []
    rows.append([(t.gettext("Refresh"), _roster_url(action.id, page))])
    if result.cancellable:
        rows.append(
            [
                (t.gettext("Change"), EDIT.encode(action_id=action.id)),
                (t.gettext("Call more people"), WIDEN.encode(action_id=action.id)),
            ]
        )
        rows.append(
            [(t.gettext("Message the people coming"), MESSAGE_START.encode(action_id=action.id))]
        )
        rows.append([(t.gettext("Together with partners"), ORGANISERS.encode(action_id=action.id))])
        if notice_level is not None:  # issue 7 item 5: "alles" / "alleen urgent"
            lines.append(notice_level_line(t, notice_level))
            rows.append([notice_level_button(t, action.id, notice_level)])
    rows.append([(t.gettext("Once more"), COPY.encode(action_id=action.id))])
    if result.cancellable:
        rows.append([(t.gettext("Cancel action"), ASK_CANCEL.encode(action_id=action.id))])
    return "\n".join(lines), keyboard(rows)


def delivery_lines(t: Translator, called: int, delivery: dict[str, int]) -> list[str]:
    """Where the call stands, in words a coordinator uses (not the outbox's states): how
    many were called, have it, still get it later, no longer get it, and cannot be reached.
    `delivery` counts the call's outbox rows per `OutboxStatus`; lines with 0 are left out.
    """
    sent = delivery.get(OutboxStatus.SENT, 0)
    later = delivery.get(OutboxStatus.PENDING, 0)
    dropped = delivery.get(OutboxStatus.EXPIRED, 0) + delivery.get(OutboxStatus.CANCELLED, 0)
    unreachable = delivery.get(OutboxStatus.BLOCKED, 0) + delivery.get(OutboxStatus.FAILED, 0)
    lines = [t.ngettext("Called: {n} volunteer", "Called: {n} volunteers", called)]
    if sent:
        lines.append(t.ngettext("{n} has the call.", "{n} have the call.", sent))
    if later:
        lines.append(
            t.ngettext(
                "{n} more gets the call later, if there are still places.",
                "{n} more get the call later, if there are still places.",
                later,
            )
        )
    if dropped:
        lines.append(
            t.ngettext(
                "{n} no longer gets the call: the places were filled or the action began.",
                "{n} no longer get the call: the places were filled or the action began.",
                dropped,
            )
        )
    if unreachable:
        lines.append(
            t.ngettext(
                "We cannot reach {n} volunteer: they blocked the bot or their account is gone.",
                "We cannot reach {n} volunteers: they blocked the bot or their account is gone.",
                unreachable,
            )
        )
    return lines


def notice_level_line(t: Translator, level: str) -> str:
    """ "Notices to you: all" / "... only urgent" (plain text)."""
    if level == NoticeLevel.URGENT:
        return t.gettext("Notices to you: only urgent")
    return t.gettext("Notices to you: all")


def notice_level_button(t: Translator, action_id: int, level: str) -> tuple[str, str]:
    """The button that switches to the other level: `act:nl:<id>:<a|u>`."""
    if level == NoticeLevel.URGENT:
        return t.gettext("Send me all notices"), NOTICE_LEVEL.encode(
            action_id=action_id, level=NoticeLevel.ALL
        )
    return t.gettext("Only urgent notices"), NOTICE_LEVEL.encode(
        action_id=action_id, level=NoticeLevel.URGENT
    )


def cancel_question(t: Translator, action_id: int, title: str) -> tuple[str, InlineKeyboardMarkup]:
    """'Cancel <title>? ...' (HTML) with 'Yes, cancel it' / 'No, keep it'."""
    text = t.gettext(
        "Cancel {title}? Everyone who got the call gets a message.",
        title=f"<b>{esc(title)}</b>",
    )
    buttons = [
        [
            (t.gettext("Yes, cancel it"), CANCEL.encode(action_id=action_id)),
            (t.gettext("No, keep it"), ROSTER.encode(action_id=action_id)),
        ]
    ]
    return text, keyboard(buttons)


def cancelled_view(t: Translator, action_id: int, told: int) -> tuple[str, InlineKeyboardMarkup]:
    """'The action is cancelled. N volunteers will get a message.' and 'Who had answered?'."""
    text = (
        t.gettext("The action is cancelled.")
        + " "
        + t.ngettext(
            "{n} volunteer will get a message.",
            "{n} volunteers will get a message.",
            told,
        )
    )
    return text, keyboard([[(t.gettext("Who had answered?"), ROSTER.encode(action_id=action_id))]])
