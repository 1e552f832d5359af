"""/koppelen: the plan of couples for review (HTML; names escaped and cut), and its buttons.

At most `SHOWN` pairs and `SHOWN` unassigned requests are named, so the message stays
well under Telegram's 4,096 characters; the rest are counted ("+N more") and still sent.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.domain.coupling.bulk import PlannedPair, Unassigned
from bot.i18n import Translator
from bot.views.lists import button_rows, cut, keyboard, more_line, name_html

#: Pairs (and unassigned requests) named in the message; each pair line is < 100 chars.
SHOWN = 20


def plan_view(
    t: Translator,
    pairs: Sequence[PlannedPair],
    unassigned: Sequence[Unassigned],
    dropped: set[int],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The plan: numbered pairs (dropped ones struck through), the requests nobody can
    take, a drop/keep button per shown pair and one button to send the kept ones."""
    lines: list[str] = []
    if pairs:
        lines.append(t.gettext("Proposed couples for the open help requests of your area:"))
    else:
        lines.append(t.gettext("No couples can be proposed right now."))
    for number, pair in enumerate(pairs[:SHOWN], start=1):
        line = t.gettext(
            "{n}. {resident} ({place}) with {volunteer}",
            n=number,
            resident=name_html(pair.resident_name),
            place=html.escape(cut(pair.place)),
            volunteer=name_html(pair.volunteer_name),
        )
        lines.append(f"<s>{line}</s>" if number - 1 in dropped else line)
    if len(pairs) > SHOWN:
        lines.append(more_line(t, len(pairs) - SHOWN))
    if unassigned:
        lines.append("")
        lines.append(t.gettext("Nobody can take these now:"))
        for item in unassigned[:SHOWN]:
            lines.append(f"• {name_html(item.resident_name)} ({html.escape(cut(item.place))})")
        if len(unassigned) > SHOWN:
            lines.append(more_line(t, len(unassigned) - SHOWN))
    kept = len(pairs) - len(dropped)
    if not pairs:
        return "\n".join(lines), None
    toggles = [
        (
            t.gettext("Keep {n}", n=i + 1) if i in dropped else t.gettext("Drop {n}", n=i + 1),
            callbacks.BULK_TOGGLE.encode(index=i),
        )
        for i in range(min(len(pairs), SHOWN))
    ]
    rows = button_rows(toggles, 4)
    if kept:
        label = t.ngettext("Send {n} proposal", "Send {n} proposals", kept)
        rows.append([(label, callbacks.BULK_SEND.encode())])
    return "\n".join(lines), keyboard(rows)


def sent_text(t: Translator, sent: int, skipped: int) -> str:
    """After sending: how many went out, and how many were no longer possible."""
    text = t.ngettext("{n} proposal sent.", "{n} proposals sent.", sent)
    if skipped:
        text += " " + t.ngettext(
            "{n} was no longer possible.", "{n} were no longer possible.", skipped
        )
    return text
