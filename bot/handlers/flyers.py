"""Flyers from `/uitnodigen` (issue 10, item 8): under a volunteer or resident invite link
a button "Make a flyer" (`fly:<role>:<area>`) asks where the flyer will hang (a short
label), then makes a new invite with that label (`bot.domain.flyers`) and sends the A5
flyer as a PDF and a PNG (`bot.views.flyer`), so sign-ups are counted per flyer.

One registered conversation (`bot.handlers.conversations`), state "label". Scratch data
in `user_data["flyer"]`: the role and area chosen.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler, filters

from bot.callbacks import FLYER_START
from bot.context import WijkContext
from bot.domain import flyers
from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.domain.vocabulary import Role
from bot.handlers.common import (
    answer_query,
    button,
    coordinators_only_text,
    send_later,
    translator_for,
)
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views.flyer import FlyerContent, flyer_pdf, flyer_png
from bot.views.flyer_chat import flyer_filename, flyer_made_text, label_question
from bot.views.invite import invite_link

LABEL = "label"
KEY = "flyer"
END = ConversationHandler.END


async def on_start(update: Update, context: WijkContext, *, role: Role, area_id: int) -> object:
    """`fly:<role>:<area>`: ask for the label (coordinators; volunteer/resident flyers)."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.role != Role.COORDINATOR or role not in flyers.FLYER_ROLES:
        await answer_query(update.callback_query, coordinators_only_text(t))  # type: ignore[arg-type]
        return END
    context.user_data[KEY] = {"role": str(role), "area_id": area_id}  # type: ignore[index]
    await answer_query(update.callback_query)  # type: ignore[arg-type]
    chat = update.effective_chat
    assert chat is not None
    question = label_question(t)
    await send_later(lambda: chat.send_message(question, parse_mode="HTML"))
    return LABEL


async def on_label(update: Update, context: WijkContext) -> object:
    """The typed label: make the flyer's invite and send the PDF and the PNG."""
    person = await context.person()
    t = translator_for(update, context, person)
    data = context.user_data.get(KEY) if context.user_data is not None else None
    chat = update.effective_chat
    text = update.message.text if update.message and update.message.text else ""
    if not isinstance(data, dict) or person is None or chat is None:
        return END
    try:
        async with context.atomic() as session:
            made, area_name = await flyers.create_flyer_in(
                session=session,
                coordinator=person,
                area_id=int(data["area_id"]),
                role=str(data["role"]),
                label=text,
                now=context.clock.now(),
            )
    except InvalidInput:
        await say(
            update,
            t.gettext("Type a label of 2 to 40 letters, such as the place where it hangs."),
            t=t,
        )
        return None
    except (NotAllowed, DomainError):
        context.user_data.pop(KEY, None)  # type: ignore[union-attr]
        await say(update, coordinators_only_text(t), t=t)
        return END
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    nl, en = context.i18n.translator("nl"), context.i18n.translator("en")
    content = FlyerContent(
        link=invite_link(context.bot.username, made.token),
        label=made.label,
        area_name=area_name,
        network_name=nl.gettext("Neighbourhood network {area}", area=area_name),
        role=made.role,
    )
    until = t.date(made.expires_at.astimezone(t.tz).date()) if made.expires_at else None
    await say(update, flyer_made_text(t, made.role, area_name, made.label, until), t=t)
    pdf, png = flyer_pdf(content, nl=nl, en=en), flyer_png(content, nl=nl, en=en)
    await send_later(lambda: chat.send_document(pdf, filename=flyer_filename(made.label, "pdf")))
    await send_later(lambda: chat.send_document(png, filename=flyer_filename(made.label, "png")))
    return END


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """`/annuleer` or another command while the label is asked: no flyer is made."""
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    return t.gettext("OK, no flyer was made.")


def conversation() -> ConversationHandler[Any]:
    """The registered flyer conversation."""
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[button(FLYER_START, on_start)],
        states={LABEL: [MessageHandler(text, on_label)]},
        fallbacks=[],
        name="flyer",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add the flyer conversation (its button lives under invite links)."""
    add_conversation(application, conversation(), on_exit)
