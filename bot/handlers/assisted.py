"""Assisted sign-up at the klaptafel: `as:<action id>` (on a volunteer's results screen)
makes a one-time resident invite for the action (`bot.domain.assisted`) and sends the link
and its QR code, to show to a resident the volunteer met."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.callbacks import ASSISTED
from bot.context import WijkContext
from bot.domain.assisted import AssistedCapReached, AssistedClosed, create_assisted_invite
from bot.domain.errors import DomainError
from bot.handlers.common import answer_query, button, reply, send_later, translator_for
from bot.views.assisted import assisted_text, refusal_text
from bot.views.invite import invite_link, qr_png


async def on_assisted(update: Update, context: WijkContext, *, action_id: int) -> None:
    """Make the invite; send the link and the QR code (or say why not)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        if person is None:
            raise DomainError()
        async with context.atomic() as session:
            made = await create_assisted_invite(
                session=session, volunteer=person, action_id=action_id, now=context.clock.now()
            )
    except AssistedClosed:
        await answer_query(query, refusal_text(t, "closed"), alert=True)
        return
    except AssistedCapReached:
        await answer_query(query, refusal_text(t, "cap"), alert=True)
        return
    except DomainError:
        await answer_query(query, refusal_text(t, "not_allowed"), alert=True)
        return
    await answer_query(query)
    link = invite_link(context.bot.username, made.token)
    await reply(update, assisted_text(t, made.area_name, link, t.time(made.expires_at), made.left))
    png = qr_png(link)
    await send_later(lambda: chat.send_photo(png))


def register(application: Any) -> None:
    """Add the `as` button."""
    application.add_handler(button(ASSISTED, on_assisted))
