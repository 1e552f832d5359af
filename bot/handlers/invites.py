"""Coordinators make invite links in the chat: /uitnodigen, /invite.

Steps: choose the role, then the area (the coordinator's own area or one below it, opened
level by level), then the invite is created (`bot.domain.invites.create_by_coordinator`: the
one policy for role, area scope, uses and expiry) and sent as the deep link
`https://t.me/<bot>?start=<token>` and as a QR code PNG for a flyer. The token is shown
only in these two messages; the database keeps its hash.

Buttons (`bot.callbacks`, checked again on every press by the domain):
`inv:r:<v|r|c>` role chosen, `inv:o:<v|r|c>:<area id>:<page>` open an area,
`inv:a:<v|r|c>:<area id>` create the invite for this area. An area outside the
coordinator's gets the same stale answer as an unknown one.

One menu message makes at most one invite: a quick second press of the area button (sent
before the menu turned into the link) would otherwise make a second link and QR code. The
(chat id, message id) of the menus that made an invite are kept in
`context.user_data["invite_menus_used"]` (the last USED_MENUS_KEPT, persisted with
user_data, so this holds across a restart); every later press on such a message is
answered "This button no longer works." and changes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import (
    INVITE_AREA,
    INVITE_CREATE,
    INVITE_ORGANISATION,
    INVITE_PARTNER,
    INVITE_ROLE,
)
from bot.context import WijkContext
from bot.domain import invites
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.flyers import FLYER_ROLES
from bot.domain.vocabulary import Role
from bot.handlers.common import (
    answer_query,
    button,
    coordinators_only_text,
    edit_or_send,
    send_later,
    stale_button,
    stale_text,
    translator_for,
)
from bot.handlers.keyboards import page_of, say
from bot.i18n import Translator
from bot.views.flyer_chat import flyer_keyboard
from bot.views.invite import (
    area_menu_view,
    invite_link,
    invite_text,
    organisations_view,
    qr_caption,
    qr_png,
    roles_keyboard,
)
from bot.views.lists import button_rows, keyboard

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


async def start(update: Update, context: WijkContext) -> None:
    """/uitnodigen, /invite: ask who the invite is for (coordinators only)."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.role != Role.COORDINATOR or person.onboarded_at is None:
        await say(update, coordinators_only_text(t), t=t)
        return
    await say(update, t.gettext("Who is the invite for?"), roles_keyboard(t), t=t)


async def _refuse(update: Update, t: Translator, exc: Exception) -> None:
    text = coordinators_only_text(t) if isinstance(exc, NotAllowed) else stale_text(t)
    await answer_query(update.callback_query, text)  # type: ignore[arg-type]


def _menu_markup(
    t: Translator, menu: invites.AreaMenu, role: Role, page: int
) -> InlineKeyboardMarkup:
    buttons = [
        (
            f"{choice.area.name} ›" if choice.has_parts else choice.area.name,
            INVITE_AREA.encode(role=role, area_id=choice.area.id, page=0)
            if choice.has_parts
            else INVITE_CREATE.encode(role=role, area_id=choice.area.id),
        )
        for choice in menu.parts
    ]
    prefix = INVITE_AREA.encode(role=role, area_id=menu.node.id, page=0).rsplit(":", 1)[0]
    shown, nav = page_of(t, buttons, page, prefix)
    rows = [
        [
            (
                t.gettext("All of {area}", area=menu.node.name),
                INVITE_CREATE.encode(role=role, area_id=menu.node.id),
            )
        ]
    ]
    rows += button_rows(shown, 2)
    if menu.back_to is not None:
        nav.append(
            (t.gettext("« Back"), INVITE_AREA.encode(role=role, area_id=menu.back_to, page=0))
        )
    if nav:
        rows.append(nav)
    return keyboard(rows)


async def on_area_menu(
    update: Update,
    context: WijkContext,
    *,
    role: Role,
    area_id: int | None = None,
    page: int = 0,
) -> None:
    """`inv:r:<role>` (menu at the coordinator's area) or `inv:o:<role>:<area>:<page>`."""
    query = update.callback_query
    assert query is not None
    person = await context.person()
    t = translator_for(update, context, person)
    if _menu_key(update) in _used_menus(context):
        await answer_query(query, stale_text(t))
        return
    try:
        async with context.atomic() as session:
            if person is None:
                raise NotAllowed()
            menu = await invites.area_menu(session=session, coordinator=person, area_id=area_id)
    except (NotAllowed, NotFound) as exc:
        await _refuse(update, t, exc)
        return
    await answer_query(query)
    await edit_or_send(
        query, area_menu_view(t, role, menu.node.name), _menu_markup(t, menu, role, page)
    )


async def on_create(update: Update, context: WijkContext, *, role: Role, area_id: int) -> None:
    """`inv:a:<role>:<area>`: create the invite; send the link and its QR code."""
    await _create(update, context, role=role, area_id=area_id)


async def on_partner(update: Update, context: WijkContext) -> None:
    """`inv:pt`: the organisations serving the coordinator's area, to name in the invite."""
    query = update.callback_query
    assert query is not None
    person = await context.person()
    t = translator_for(update, context, person)
    if _menu_key(update) in _used_menus(context):
        await answer_query(query, stale_text(t))
        return
    try:
        async with context.atomic() as session:
            if person is None:
                raise NotAllowed()
            found = await invites.partner_organisations(session=session, coordinator=person)
            choices = [(org.id, org.name) for org in found]
    except NotAllowed as exc:
        await _refuse(update, t, exc)
        return
    await answer_query(query)
    await edit_or_send(query, *organisations_view(t, choices))


async def on_organisation(update: Update, context: WijkContext, *, organisation_id: int) -> None:
    """`inv:g:<organisation id>`: create a partner invite naming this organisation."""
    await _create(update, context, role=Role.PARTNER, area_id=0, organisation_id=organisation_id)


async def _create(
    update: Update,
    context: WijkContext,
    *,
    role: Role,
    area_id: int,
    organisation_id: int | None = None,
) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.role != Role.COORDINATOR:
        await answer_query(query, coordinators_only_text(t))
        return
    key = _menu_key(update)
    if key is None or key in _used_menus(context):
        await answer_query(query, stale_text(t))
        return
    # Checked and marked with no await in between: a press handled at the same time sees it.
    _remember_menu(context, key)
    try:
        async with context.atomic() as session:
            made = await invites.create_by_coordinator(
                session=session,
                coordinator=person,
                role=role,
                area_id=area_id,
                now=context.clock.now(),
                organisation_id=organisation_id,
            )
    except (NotAllowed, NotFound, InvalidInput) as exc:
        _forget_menu(context, key)
        await _refuse(update, t, exc)
        return
    except BaseException:
        _forget_menu(context, key)
        raise
    await answer_query(query)
    link = invite_link(context.bot.username, made.token)
    until = t.date(made.expires_at.astimezone(t.tz).date()) if made.expires_at else None
    where = made.organisation_name or made.area_name
    markup = flyer_keyboard(t, made.role, area_id) if made.role in FLYER_ROLES else None
    await edit_or_send(query, invite_text(t, made.role, where, link, until), markup)
    caption = qr_caption(t, made.role, until or "")
    png = qr_png(link)
    await send_later(lambda: chat.send_photo(png, caption=caption, parse_mode="HTML"))


def register(application: Any) -> None:
    """Add /uitnodigen, /invite and the invite buttons (group 0)."""
    application.add_handler(CommandHandler(["uitnodigen", "invite"], start))
    application.add_handler(button(INVITE_ROLE, on_area_menu))
    application.add_handler(button(INVITE_AREA, on_area_menu))
    application.add_handler(button(INVITE_CREATE, on_create))
    application.add_handler(button(INVITE_PARTNER, on_partner))
    application.add_handler(button(INVITE_ORGANISATION, on_organisation))
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^inv(:|$)"))
