"""Place signal texts and buttons (HTML; what people typed is escaped): the question with
its warning line, what the organisation's staff get and answer, what the sender and the
coordinators hear, the re-raise, and `/signalen` a page at a time.
Button data: `bot.callbacks.SIGNAL_*`."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.domain.signals import TEXT_MAX, SentSignal, SignalStart, SignalView
from bot.domain.vocabulary import SignalStatus
from bot.i18n import Translator
from bot.views.lists import cut, keyboard, more_line, page_slice

Rendered = tuple[str, InlineKeyboardMarkup | None]
#: Signals per page of /signalen: 10 lines of at most ~200 characters and their
#: organisation headers stay far below Telegram's 4,096 characters.
PAGE_SIZE = 10
TEXT_IN_LIST = 80
TEXT_IN_ANSWER = 80


def status_label(t: Translator, status: str) -> str:
    """A signal's status in words."""
    labels = {
        SignalStatus.OPEN: t.gettext("open"),
        SignalStatus.PICKED_UP: t.gettext("picked up"),
        SignalStatus.DONE: t.gettext("done"),
        SignalStatus.NOT_FOR_US: t.gettext("not for us"),
    }
    return labels.get(status, status)  # type: ignore[call-overload]


def signal_button(t: Translator, action_id: int) -> tuple[str, str]:
    """The "Signal about a place" button under the results screen."""
    return t.gettext("📣 Signal about a place"), callbacks.SIGNAL_START.encode(action_id=action_id)


def not_allowed_text(t: Translator) -> str:
    """Who may send a signal."""
    return t.gettext(
        "Coordinators can send a signal, and volunteers up to two weeks after an action "
        "they came to."
    )


def person_line(t: Translator) -> str:
    """Signals about a person are not taken here: where to go instead."""
    return t.gettext(
        "Is it about a person? Not here. With the resident's yes, a coordinator can hand it "
        "over (/handover). Worried about someone? /worried"
    )


def start_view(t: Translator, start: SignalStart) -> Rendered:
    """The first question: which organisation (buttons), with the person line."""
    lines = [
        t.gettext("<b>Signal about a place</b>"),
        t.gettext(
            "Something about a building, a portiek or public space in {place} that an "
            "organisation should pick up.",
            place=html.escape(start.place),
        ),
    ]
    if start.action_title:
        lines.append(t.gettext("After: {action}", action=html.escape(start.action_title)))
    lines.append(person_line(t))
    if not start.organisations:
        lines += ["", t.gettext("No organisation serves this area yet.")]
        return "\n".join(lines), None
    lines += ["", t.gettext("To which organisation?")]
    action = start.action_id or 0
    rows = [
        [
            (
                cut(name, 60),
                callbacks.SIGNAL_ORGANISATION.encode(organisation_id=org_id, action_id=action),
            )
        ]
        for org_id, name in start.organisations
    ]
    return "\n".join(lines), keyboard(rows)


def warning_line(t: Translator) -> str:
    """The line under every signal question: what may be in it."""
    return t.gettext("⚠️ Street and house number are fine. No flat numbers, no names.")


def ask_text(t: Translator, organisation: str) -> str:
    """Type the signal (the warning line under it)."""
    return "\n".join(
        [
            t.gettext(
                "Type the signal for {organisation}: what is going on, and where (at most "
                "{n} characters).",
                organisation=html.escape(organisation),
                n=TEXT_MAX,
            ),
            warning_line(t),
        ]
    )


def length_text(t: Translator, typed: int) -> str:
    """A signal that is too short or too long (the warning line again)."""
    return "\n".join(
        [
            t.gettext(
                "Type 3 to {n} characters; this was {typed}. Send /cancel to stop.",
                n=TEXT_MAX,
                typed=typed,
            ),
            warning_line(t),
        ]
    )


def sent_text(t: Translator, sent: SentSignal, organisation: str) -> str:
    """After sending: where it went and whether the sender hears the answer."""
    org = html.escape(organisation)
    if sent.staff:
        text = t.gettext("Thank you. Your signal went to {organisation}.", organisation=org)
    else:
        text = t.gettext(
            "Thank you. Your signal is saved for {organisation}, but nobody of {organisation} "
            "for this area uses the bot yet. The coordinators see it in /signals.",
            organisation=org,
        )
    if sent.linked:
        return text + " " + t.gettext("You will hear their answer.")
    return (
        text
        + " "
        + t.gettext(
            "You did not agree to signals being kept with your name, so you will not hear "
            "the answer."
        )
    )


def _header(t: Translator, found: SignalView | dict[str, Any]) -> list[str]:
    get = found.get if isinstance(found, dict) else lambda k: getattr(found, k)
    lines = [
        t.gettext(
            "<b>Signal for {organisation}</b>", organisation=html.escape(str(get("organisation")))
        ),
        html.escape(str(get("place")))
        + (f" · {html.escape(str(get('action_title')))}" if get("action_title") else ""),
    ]
    text = get("text")
    lines.append(f"<i>{html.escape(text)}</i>" if text else t.gettext("(text deleted)"))
    return lines


def _answer_rows(t: Translator, signal_id: int, status: str) -> list[list[tuple[str, str]]]:
    if status not in (SignalStatus.OPEN, SignalStatus.PICKED_UP):
        return []
    row = []
    if status == SignalStatus.OPEN:
        row.append(
            (
                t.gettext("Picked up"),
                callbacks.SIGNAL_ANSWER.encode(signal_id=signal_id, answer=SignalStatus.PICKED_UP),
            )
        )
    row.append(
        (
            t.gettext("Finished"),
            callbacks.SIGNAL_ANSWER.encode(signal_id=signal_id, answer=SignalStatus.DONE),
        )
    )
    row.append((t.gettext("Not for us"), callbacks.SIGNAL_NOT_FOR_US.encode(signal_id=signal_id)))
    return [row]


def new_signal(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind signal_new, to the organisation's staff (facts loaded at send time)."""
    signal_id = int(args.get("signal_id") or 0)
    lines = [*_header(t, {**args, "action_title": args.get("action")})]
    lines.append(t.gettext("Please answer: picked up, finished, or not for us."))
    rows = _answer_rows(t, signal_id, str(args.get("status"))) if signal_id else []
    return "\n".join(lines), keyboard(rows) if rows else None


def details_view(t: Translator, found: SignalView) -> Rendered:
    """One signal: the text, its status (and reason), answer buttons for its staff."""
    lines = [*_header(t, found)]
    status = t.gettext("Status: {status}", status=status_label(t, found.status))
    if found.reason:
        status += f" ({html.escape(found.reason)})"
    lines.append(status)
    rows = _answer_rows(t, found.id, found.status) if found.may_answer else []
    rows.append([(t.gettext("All signals"), callbacks.SIGNAL_LIST.encode(page=0))])
    return "\n".join(lines), keyboard(rows)


def reason_question(t: Translator, found: SignalView) -> str:
    """ "Niet voor ons": type why."""
    return t.gettext(
        "Why is it not for {organisation}? Type a short reason (at most 200 characters). "
        "The sender and the coordinators see it.",
        organisation=html.escape(found.organisation),
    )


def reason_length_text(t: Translator) -> str:
    """A reason that is too short or too long."""
    return t.gettext("Type a reason of 2 to 200 characters, or send /cancel to stop.")


def _quote(text: Any, limit: int = TEXT_IN_ANSWER) -> str:
    return f" «{html.escape(cut(str(text), limit))}»" if text else ""


def answered(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind signal_answered, to the sender and the area's coordinators."""
    org = html.escape(str(args.get("organisation", "")))
    place = html.escape(str(args.get("place", "")))
    status = args.get("status")
    if status == SignalStatus.PICKED_UP:
        text = t.gettext(
            "{organisation} has picked up the signal about {place}:", organisation=org, place=place
        )
    elif status == SignalStatus.DONE:
        text = t.gettext(
            "{organisation} has finished the signal about {place}:", organisation=org, place=place
        )
    else:
        text = t.gettext(
            "{organisation} says the signal about {place} is not for them ({reason}):",
            organisation=org,
            place=place,
            reason=html.escape(str(args.get("reason") or "")),
        )
    return text + _quote(args.get("text")), None


def raised(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind signal_raised, to the area's coordinators."""
    text = t.gettext(
        "Nobody has picked up this signal to {organisation} about {place} in 5 working days:",
        organisation=html.escape(str(args.get("organisation", ""))),
        place=html.escape(str(args.get("place", ""))),
    )
    if not args.get("signal_id"):
        return text + _quote(args.get("text"), 200), None
    data = callbacks.SIGNAL_VIEW.encode(signal_id=int(args["signal_id"]))
    return text + _quote(args.get("text"), 200), keyboard([[(t.gettext("View"), data)]])


def _short_date(t: Translator, when: dt.datetime) -> str:
    return t.short_date(when.astimezone(t.tz).date())


def list_view(t: Translator, signals: Sequence[SignalView], page: int) -> Rendered:
    """/signalen: per organisation, newest first, `PAGE_SIZE` a page; a "View" button per
    signal (its staff answer from there) and « / » to page."""
    if not signals:
        return t.gettext("There are no signals for you yet."), None
    shown, page, remaining = page_slice(signals, page, PAGE_SIZE)
    lines = [t.gettext("<b>Signals</b>")]
    current = None
    for found in shown:
        if found.organisation != current:
            current = found.organisation
            lines += ["", f"<b>{html.escape(found.organisation)}</b>"]
        text = html.escape(cut(found.text, TEXT_IN_LIST)) if found.text else "–"
        lines.append(
            f"• {html.escape(_short_date(t, found.created_at))} · {html.escape(found.place)} · "
            f"{status_label(t, found.status)}: {text}"
        )
    if remaining:
        lines.append(more_line(t, remaining))
    buttons = [
        (
            f"{_short_date(t, found.created_at)} · {cut(found.place, 24)}",
            callbacks.SIGNAL_VIEW.encode(signal_id=found.id),
        )
        for found in shown
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = []
    if page > 0:
        nav.append((t.gettext("« Previous"), callbacks.SIGNAL_LIST.encode(page=page - 1)))
    if remaining:
        nav.append((t.gettext("More »"), callbacks.SIGNAL_LIST.encode(page=page + 1)))
    if nav:
        rows.append(nav)
    return "\n".join(lines), keyboard(rows)
