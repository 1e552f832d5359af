"""Help texts shared by several handlers (per role), and residents' help requests as
coordinators see them (/hulpvragen)."""

from __future__ import annotations

from html import escape as esc
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot.callbacks import DELETE_NO, DELETE_YES, HELP_REQUESTS, LANGUAGE
from bot.domain.help_requests import NeedsPage, ResidentNeeds
from bot.domain.vocabulary import Role
from bot.i18n import Translator
from bot.views.lists import keyboard, more_line, name_html
from bot.views.people import task_label

if TYPE_CHECKING:
    from storage.models import Person

HELP_PAGE_SIZE = 8  # residents per page of /hulpvragen


def help_text(t: Translator, person: Person | None) -> str:
    """/help for the person's role (or for someone not signed up); plain text."""
    if person is None:
        return t.gettext(
            "I am wijkbot, the bot of the neighbourhood network. You join with an invite "
            "link or QR code from your neighbourhood coordinator."
        )
    if person.role == Role.COORDINATOR:
        return coordinator_help(t)
    if person.role == Role.VOLUNTEER:
        return t.gettext(
            "You are a volunteer. When an action in your neighbourhood needs help, "
            "you get a message: answer with Yes, Maybe or No.\n"
            "/myactions – the actions you answered; change your answer\n"
            "/availability – when you can help, or take a break\n"
            "/language – change the language\n"
            "/stop – stop all messages\n"
            "/delete – delete everything stored about you"
        )
    return t.gettext(
        "You signed up as a resident. Someone from the neighbourhood network will get "
        "in touch with you.\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )


def language_keyboard() -> InlineKeyboardMarkup:
    """Nederlands / English (`acc:lang:<nl|en>`); each language named in itself."""
    return keyboard(
        [
            [
                ("Nederlands", LANGUAGE.encode(language="nl")),
                ("English", LANGUAGE.encode(language="en")),
            ]
        ]
    )


def delete_question(t: Translator, code: str) -> tuple[str, InlineKeyboardMarkup]:
    """The /delete question and its buttons; 'yes' carries the question's one-time code."""
    text = t.gettext(
        "Do you want me to delete everything stored about you? Your places on actions "
        "are given to others. This cannot be undone."
    )
    buttons = [
        [
            (t.gettext("Yes, delete everything"), DELETE_YES.encode(code=code)),
            (t.gettext("No, don't delete"), DELETE_NO.encode()),
        ]
    ]
    return text, keyboard(buttons)


def coordinator_help(t: Translator) -> str:
    """What a coordinator can do."""
    return t.gettext(
        "What you can do:\n"
        "/newaction – plan an action and call volunteers\n"
        "/actions – see who is coming, or cancel an action\n"
        "/invite – make an invite link and QR code\n"
        "/helprequests – what residents would like help with\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )


def help_requests_view(
    t: Translator, page: NeedsPage, page_number: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /hulpvragen as Telegram HTML, with '+N more' and '« Previous' / 'More »'.

    The head counts every resident with open help requests; each entry shows the first name
    (cut to `NAME_IN_LIST` characters), buurt, language, sign-up date, what they would like
    help with and can offer. `HELP_PAGE_SIZE` entries with every field at its longest stay
    below Telegram's 4,096 characters.
    """
    head = t.ngettext(
        "{n} resident would like help. Get in touch with them, or ask a volunteer.",
        "{n} residents would like help. Get in touch with them, or ask a volunteer.",
        page.total,
    )
    parts = [head, *(_entry(t, needs) for needs in page.items)]
    more = more_line(t, page.remaining)
    if more:
        parts.append(esc(more))
    nav = []
    if page_number > 0:
        nav.append((t.gettext("« Previous"), HELP_REQUESTS.encode(page=page_number - 1)))
    if page.remaining:
        nav.append((t.gettext("More »"), HELP_REQUESTS.encode(page=page_number + 1)))
    return "\n\n".join(parts), keyboard([nav]) if nav else None


def _entry(t: Translator, needs: ResidentNeeds) -> str:
    lines = [
        f"<b>{name_html(needs.name)}</b> · {esc(needs.place)} · {esc(needs.language)} · "
        f"{esc(t.date(needs.since.astimezone(t.tz).date()))}",
        t.gettext(
            "Would like help with: {tasks}",
            tasks=esc(", ".join(task_label(t, x) for x in needs.wants)),
        ),
    ]
    if needs.offers:
        lines.append(
            t.gettext(
                "Can offer: {tasks}", tasks=esc(", ".join(task_label(t, x) for x in needs.offers))
            )
        )
    return "\n".join(lines)
