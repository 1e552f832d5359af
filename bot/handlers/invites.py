"""Coordinators make invite links in the chat: /uitnodigen, /invite.

Steps: choose the role, then the area (the coordinator's own area or one below it, opened
level by level), then the invite is created and sent as the deep link
`https://t.me/<bot>?start=<token>` and as a QR code PNG for a flyer. The token is shown
only in these two messages; the database keeps its hash.

Defaults: valid for 30 days; unlimited uses for volunteers and residents, one use for a
coordinator invite.

Callback data (checked again on every press: coordinator, area within theirs):
- `inv:r:<v|r|c>`                      role chosen: volunteer | resident | coordinator
- `inv:o:<v|r|c>:<area id>:<page>`     open an area to choose it or a part of it
- `inv:a:<v|r|c>:<area id>`            create the invite for this area

One menu message makes at most one invite: a quick second press of the area button (sent
before the menu turned into the link) would otherwise make a second link and QR code. The
(chat id, message id) of the menus that made an invite are kept in
`context.user_data["invite_menus_used"]` (the last USED_MENUS_KEPT, persisted with
user_data, so this holds across a restart); every later press on such a message is
answered "This button no longer works." and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import WijkContext
from bot.domain import invites
from bot.domain.actions import require_coordinator
from bot.domain.errors import InvalidInput, NotAllowed
from bot.handlers.common import (
    answer_query,
    callback_id,
    current_person,
    edit_or_send,
    esc,
    parse_callback,
    reply,
    stale_button,
    translator_for,
)
from bot.handlers.keyboards import button_rows, page_of
from bot.i18n import Translator
from bot.views.invite import ROLE_LETTERS, invite_link, qr_caption, qr_png, role_label
from storage import areas as area_store
from storage.models import Area, Person

VALID_FOR = dt.timedelta(days=30)
USED_MENUS = "invite_menus_used"
USED_MENUS_KEPT = 20


def _menu_key(update: Update) -> list[int] | None:
    """[chat id, message id] of the pressed menu message, or None when there is none."""
    query = update.callback_query
    if query is None or query.message is None:
        return None
    return [query.message.chat.id, query.message.message_id]


def _used_menus(context: WijkContext) -> list[list[int]]:
    used = context.user_data.get(USED_MENUS) if context.user_data is not None else None
    return [list(pair) for pair in used] if isinstance(used, list) else []


def _menu_used(context: WijkContext, key: list[int] | None) -> bool:
    """Whether an invite was made from this menu message already (or it is unknown)."""
    return key is None or key in _used_menus(context)


def _remember_menu(context: WijkContext, key: list[int]) -> None:
    """Mark the menu as used; only the last USED_MENUS_KEPT are kept."""
    used = [pair for pair in _used_menus(context) if pair != key] + [key]
    context.user_data[USED_MENUS] = used[-USED_MENUS_KEPT:]  # type: ignore[index]


def _forget_menu(context: WijkContext, key: list[int]) -> None:
    """Undo `_remember_menu` when no invite was made after all."""
    used = [pair for pair in _used_menus(context) if pair != key]
    if used:
        context.user_data[USED_MENUS] = used  # type: ignore[index]
    else:
        context.user_data.pop(USED_MENUS, None)  # type: ignore[union-attr]


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def start(update: Update, context: WijkContext) -> None:
    """/uitnodigen, /invite: ask who the invite is for."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    try:
        require_coordinator(person)
    except NotAllowed:
        await reply(update, t.gettext("Sorry, only coordinators can do this."))
        return
    rows = [[(role_label(t, role), f"inv:r:{letter}")] for letter, role in ROLE_LETTERS.items()]
    await reply(update, t.gettext("Who is the invite for?"), _keyboard(rows))


async def _checked(update: Update, context: WijkContext) -> tuple[Translator, Person] | None:
    """The translator and the coordinator pressing; others get a polite answer."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    try:
        return t, require_coordinator(person)
    except NotAllowed:
        await answer_query(
            update.callback_query, t.gettext("Sorry, only coordinators can do this.")
        )  # type: ignore[arg-type]
        return None


async def _area_menu(
    session: AsyncSession, t: Translator, letter: str, node: Area, home_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """'All of <node>' plus its parts (those with parts of their own open further)."""
    kids = list(await area_store.children(session, node.id))
    buttons: list[tuple[str, str]] = []
    for kid in kids:
        has_parts = bool(await area_store.children(session, kid.id))
        data = f"inv:o:{letter}:{kid.id}:0" if has_parts else f"inv:a:{letter}:{kid.id}"
        buttons.append((f"{kid.name} ›" if has_parts else kid.name, data))
    buttons, nav = page_of(t, buttons, page, f"inv:o:{letter}:{node.id}")
    rows = [[(t.gettext("All of {area}", area=node.name), f"inv:a:{letter}:{node.id}")]]
    rows += button_rows(buttons, 2)
    if node.id != home_id and node.parent_id is not None:
        nav.append((t.gettext("« Back"), f"inv:o:{letter}:{node.parent_id}:0"))
    if nav:
        rows.append(nav)
    text = t.gettext(
        "Invite for: {role}. For which area? Choose {area} or a part of it.",
        role=esc(role_label(t, ROLE_LETTERS[letter])),
        area=f"<b>{esc(node.name)}</b>",
    )
    return text, _keyboard(rows)


async def on_area_menu(update: Update, context: WijkContext) -> None:
    """`inv:r:<role>` (menu at the coordinator's area) or `inv:o:<role>:<area>:<page>`."""
    query = update.callback_query
    assert query is not None
    checked = await _checked(update, context)
    if checked is None:
        return
    t, person = checked
    if _menu_key(update) in _used_menus(context):
        await answer_query(query, t.gettext("This button no longer works."))
        return
    role_only = parse_callback(query.data, "inv:r", 1)
    opened = parse_callback(query.data, "inv:o", 3)
    letter = (role_only or opened or [""])[0]
    area_id = callback_id(opened[1]) if opened else person.area_id
    page = (callback_id(opened[2]) if opened else 0) or 0
    menu = None
    async with context.atomic() as session:
        allowed = letter in ROLE_LETTERS and area_id is not None
        if allowed and area_id in await area_store.descendant_ids(session, person.area_id):
            node = await session.get(Area, area_id)
            menu = (
                await _area_menu(session, t, letter, node, person.area_id, page) if node else None
            )
    if menu is None:
        await answer_query(query, t.gettext("This button no longer works."))
        return
    await answer_query(query)
    await edit_or_send(query, *menu)


async def on_create(update: Update, context: WijkContext) -> None:
    """`inv:a:<role>:<area>`: create the invite; send the link and its QR code."""
    query = update.callback_query
    assert query is not None
    if update.effective_chat is None:  # an inaccessible old message: no chat to send to
        await stale_button(update, context)
        return
    checked = await _checked(update, context)
    if checked is None:
        return
    t, person = checked
    key = _menu_key(update)
    if key is None or _menu_used(context, key):
        await answer_query(query, t.gettext("This button no longer works."))
        return
    # Checked and marked with no await in between: a press handled at the same time sees it.
    _remember_menu(context, key)
    parts = parse_callback(query.data, "inv:a", 2)
    area_id = callback_id(parts[1]) if parts else None
    role = ROLE_LETTERS.get(parts[0]) if parts else None
    now = context.clock.now()
    try:
        async with context.atomic() as session:
            area = await session.get(Area, area_id) if area_id else None
            if (
                role is None
                or area is None
                or area.id not in await area_store.descendant_ids(session, person.area_id)
            ):
                raise NotAllowed()
            new = await invites.create_invite(
                session=session,
                role=role,
                area=area,
                now=now,
                max_uses=1 if role == "coordinator" else None,
                valid_for=VALID_FOR,
                created_by_id=person.id,
            )
    except (NotAllowed, InvalidInput):
        _forget_menu(context, key)
        await answer_query(query, t.gettext("This button no longer works."))
        return
    except BaseException:
        _forget_menu(context, key)
        raise
    await answer_query(query)
    link = invite_link(context.bot.username, new.token)
    until = t.date((now + VALID_FOR).astimezone(t.tz).date())
    await edit_or_send(query, invite_text(t, role, area.name, link, until))
    await context.bot.send_photo(
        update.effective_chat.id,
        qr_png(link),
        caption=qr_caption(t, role, until),
        parse_mode="HTML",
    )


def invite_text(t: Translator, role: str, area_name: str, link: str, until: str) -> str:
    """The message with the link (HTML): who it is for, where, until when, how often."""
    uses = (
        t.gettext("It works for one person.")
        if role == "coordinator"
        else t.gettext("Everyone with the link can join.")
    )
    head = t.gettext(
        "Invite link for: {role}, {area}",
        role=esc(role_label(t, role)),
        area=f"<b>{esc(area_name)}</b>",
    )
    until_line = t.gettext("It works until {date}.", date=esc(until))
    keep = t.gettext("Share it only with the people it is meant for.")
    return f"{head}\n{esc(link)}\n\n{until_line} {uses}\n{keep}"


def register(application: Any) -> None:
    """Add /uitnodigen, /invite and the invite buttons (group 0)."""
    application.add_handler(CommandHandler(["uitnodigen", "invite"], start))
    application.add_handler(CallbackQueryHandler(on_area_menu, pattern=r"^inv:[ro]:"))
    application.add_handler(CallbackQueryHandler(on_create, pattern=r"^inv:a:"))
    application.add_handler(CallbackQueryHandler(_stale, pattern=r"^inv(:|$)"))


async def _stale(update: Update, context: WijkContext) -> None:
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]
