"""What partner staff see of their organisation's joint actions (issue 10 item 1): the list
(`/acties`) and a roster with first names only: who comes, who waits, Misschien and Nee as
counts, the speakers of the action's language as a count. Telegram HTML; titles, places and
names escaped, names cut and isolated (`bot.views.lists`), `PAGE_SIZE` names a page, so the
longest page (a 120-character title, a 200-character place, 40 names of 32 characters)
stays far below 4,096 characters.

Buttons: `pa:l:<page>` the list, `pa:r:<id>:<page>` roster / refresh / pages,
`pa:nl:<id>:<a|u>` notices "alles" / "alleen urgent".
"""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup

from bot.callbacks import PARTNER_LIST, PARTNER_NOTICE_LEVEL, PARTNER_ROSTER
from bot.domain.joint import JointPage, PartnerRoster
from bot.domain.vocabulary import NoticeLevel
from bot.i18n import Translator
from bot.views.action import action_summary
from bot.views.lists import cut, keyboard, more_line, name_html, page_slice
from bot.views.people import language_label
from bot.views.roster import notice_level_line

PAGE_SIZE = 40  # names per page
TITLE_ON_BUTTON = 40


def joint_list_text(t: Translator, page: JointPage) -> str:
    """The head of a partner's /acties (plain text, '+N more' when more follow)."""
    if not page.items:
        return t.gettext("Your organisation organises no upcoming actions with the network.")
    text = t.gettext(
        "Actions your organisation organises with the network. Tap one to see who is coming."
    )
    more = more_line(t, page.remaining)
    return f"{text}\n{esc(more)}" if more else text


def joint_list_keyboard(t: Translator, page: JointPage, number: int) -> InlineKeyboardMarkup | None:
    """One button per action ('za 6 dec 14:00 · Title'), then '« Previous' / 'More »'."""
    if not page.items:
        return None
    rows = [
        [
            (
                f"{t.short_date(item.starts_at.astimezone(t.tz).date())} {t.time(item.starts_at)}"
                f" · {cut(item.title, TITLE_ON_BUTTON)}",
                PARTNER_ROSTER.encode(action_id=item.id, page=0),
            )
        ]
        for item in page.items
    ]
    nav = []
    if number > 0:
        nav.append((t.gettext("« Previous"), PARTNER_LIST.encode(page=number - 1)))
    if page.remaining:
        nav.append((t.gettext("More »"), PARTNER_LIST.encode(page=number + 1)))
    if nav:
        rows.append(nav)
    return keyboard(rows)


def partner_roster_view(
    t: Translator, roster: PartnerRoster, page: int, level: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The roster as partner staff see it (see the module docstring) and its buttons."""
    action = roster.action
    entries = [(0, n) for n in roster.coming] + [(1, n) for n in roster.waiting]
    shown, page, remaining = page_slice(entries, page, PAGE_SIZE)
    lines = [action_summary(t, action, roster.area_name, organisers=roster.organisers), ""]
    lines.append(
        t.gettext(
            "{confirmed} of {needed} places filled",
            confirmed=action.confirmed_count,
            needed=action.volunteers_needed,
        )
    )
    if roster.speakers is not None and action.language:
        lines.append(
            t.ngettext(
                "Of those coming, {n} speaks {language}",
                "Of those coming, {n} speak {language}",
                roster.speakers,
                language=esc(language_label(t, action.language)),
            )
        )
    for index, (label, names) in enumerate(
        ((t.gettext("Coming"), roster.coming), (t.gettext("Waiting list"), roster.waiting))
    ):
        on_page = [name_html(name) for group, name in shown if group == index]
        listed = ", ".join(on_page) if on_page else ("…" if names else "–")
        lines.append(f"<b>{esc(label)}</b> ({len(names)}): {listed}")
    if remaining:
        lines.append(esc(more_line(t, remaining)))
    lines.append(
        esc(t.gettext("Maybe: {maybe} · Not coming: {no}", maybe=roster.maybe, no=roster.declined))
    )
    lines += ["", esc(notice_level_line(t, level))]
    nav = []
    if page > 0:
        nav.append(
            (t.gettext("« Previous"), PARTNER_ROSTER.encode(action_id=action.id, page=page - 1))
        )
    if remaining:
        nav.append((t.gettext("More »"), PARTNER_ROSTER.encode(action_id=action.id, page=page + 1)))
    rows = [nav] if nav else []
    rows.append([(t.gettext("Refresh"), PARTNER_ROSTER.encode(action_id=action.id, page=page))])
    other = NoticeLevel.ALL if level == NoticeLevel.URGENT else NoticeLevel.URGENT
    label = (
        t.gettext("Send me all notices")
        if other == NoticeLevel.ALL
        else t.gettext("Only urgent notices")
    )
    rows.append([(label, PARTNER_NOTICE_LEVEL.encode(action_id=action.id, level=other))])
    rows.append([(t.gettext("« All actions"), PARTNER_LIST.encode(page=0))])
    return "\n".join(lines), keyboard(rows)
