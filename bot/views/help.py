"""Help texts shared by several handlers (per role), and residents' help requests as
coordinators see them (/hulpvragen)."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup

from bot.callbacks import HELP_REQUESTS
from bot.domain.help_requests import NeedsPage, ResidentNeeds
from bot.i18n import Translator
from bot.views.lists import cut, keyboard, more_line
from bot.views.people import task_label

HELP_PAGE_SIZE = 8  # residents per page of /hulpvragen


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
        f"<b>{esc(cut(needs.name))}</b> · {esc(needs.place)} · {esc(needs.language)} · "
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
