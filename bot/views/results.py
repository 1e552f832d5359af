"""The results screen (`/opbrengst`): conversations held and themes heard for one action.

Output is Telegram HTML; titles, street names and theme names people typed are escaped.
Button data: `bot.callbacks.RESULTS_*`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot.callbacks import (
    RESULTS_ADD_THEME,
    RESULTS_COUNT,
    RESULTS_DONE,
    RESULTS_OPEN,
    RESULTS_STREET,
    RESULTS_THEME,
)
from bot.i18n import Translator
from bot.views.assisted import assisted_button
from bot.views.lists import button_rows, keyboard
from bot.views.signals import signal_button
from bot.views.worries import worried_button

if TYPE_CHECKING:
    from bot.domain.results import ActionSummary, Theme
    from bot.domain.results_entry import MyResult, ResultsScreen
    from storage.models import Action

#: The numbers offered as buttons (any other number 0..1000 can be typed).
COUNT_BUTTONS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20)
TICKED, UNTICKED = "✅", "⬜"


def results_button(t: Translator, action_id: int) -> tuple[str, str]:
    """The "Record results" button for an action's messages."""
    return t.gettext("📝 Record results"), RESULTS_OPEN.encode(action_id=action_id)


def choose_action_view(
    t: Translator, actions: Sequence[Action]
) -> tuple[str, InlineKeyboardMarkup]:
    """Which action to record results for (one button per action, newest first)."""
    pairs = [
        (
            f"{a.title} · {t.short_date(a.starts_at.astimezone(t.tz).date())}",
            RESULTS_OPEN.encode(action_id=a.id),
        )
        for a in actions
    ]
    return t.gettext("For which action do you want to record results?"), keyboard(
        button_rows(pairs, 1)
    )


def screen_text(t: Translator, screen: ResultsScreen) -> str:
    """The screen's text: the action, the street, what this person recorded so far."""
    action, area_name, street, mine = screen.action, screen.area_name, screen.street, screen.mine
    themes = screen.themes
    when = t.date(action.starts_at.astimezone(t.tz).date())
    heard = [th.name(t.language) for th in themes if mine and th.key in mine.themes]
    lines = [
        t.gettext("<b>Results: {title}</b>", title=html.escape(action.title)),
        f"{html.escape(when)}, {html.escape(area_name)}",
        t.gettext("Street: {street}", street=html.escape(street))
        if street
        else t.gettext("Street: all streets together"),
        t.gettext("Conversations: {n}", n=mine.conversations)
        if mine
        else t.gettext("Conversations: not filled in yet"),
        t.gettext("Heard: {themes}", themes=html.escape(", ".join(heard) or "–")),
        "",
        t.gettext(
            "Tap how many conversations you had (or type the number) and the themes you "
            "heard. Everything is saved at once."
        ),
    ]
    return "\n".join(lines)


def screen_keyboard(
    t: Translator,
    action_id: int,
    mine: MyResult | None,
    themes: Sequence[Theme],
    *,
    may_add_theme: bool,
    may_sign_up: bool = False,
) -> InlineKeyboardMarkup:
    """Numbers (the chosen one marked), one toggle per theme, street / add theme, a place
    signal, worried about someone, done."""
    chosen = mine.conversations if mine else None
    numbers = [
        (f"• {n} •" if n == chosen else str(n), RESULTS_COUNT.encode(action_id=action_id, count=n))
        for n in COUNT_BUTTONS
    ]
    ticked = mine.themes if mine else frozenset()
    toggles = [
        (
            f"{TICKED if th.key in ticked else UNTICKED} {th.name(t.language)}",
            RESULTS_THEME.encode(action_id=action_id, index=i, on=th.key not in ticked),
        )
        for i, th in enumerate(themes)
    ]
    rows = button_rows(numbers, 6) + button_rows(toggles, 2)
    extra = [(t.gettext("📍 Per street"), RESULTS_STREET.encode(action_id=action_id))]
    if may_add_theme:
        extra.append((t.gettext("➕ Add a theme"), RESULTS_ADD_THEME.encode(action_id=action_id)))
    rows.append(extra)
    if may_sign_up:
        rows.append([assisted_button(t, action_id)])
    rows.append([signal_button(t, action_id)])
    rows.append([worried_button(t)])
    rows.append([(t.gettext("Done"), RESULTS_DONE.encode(action_id=action_id))])
    return keyboard(rows)


def done_text(t: Translator, action: Action, summary: ActionSummary) -> str:
    """After "Done": thanks and the action's totals so far."""
    return t.ngettext(
        "Thank you! Saved. {title} so far: {n} conversation, recorded by {people}.",
        "Thank you! Saved. {title} so far: {n} conversations, recorded by {people}.",
        summary.conversations,
        title=f"<b>{html.escape(action.title)}</b>",
        people=t.ngettext("{n} person", "{n} people", summary.people),
    )
