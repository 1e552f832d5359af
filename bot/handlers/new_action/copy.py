""" "Here too" (olievlek) into the planning conversation: `na:cp:<action>:<buurt>`, pressed
under /overzicht, starts a draft copied from an action for another buurt
(`bot.domain.olievlek.copy_to`); the meeting place is asked, then the usual preview
(`steps.on_place` goes straight to the preview for a copied draft)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import WijkContext
from bot.domain import olievlek
from bot.domain.errors import NotAllowed, NotFound
from bot.handlers.common import answer_query, stale_text
from bot.handlers.new_action.questions import DRAFT, PLACE, _ask, _local_today, _tz
from bot.i18n import Translator

if TYPE_CHECKING:
    from storage.models import Person


async def on_copy(
    update: Update,
    context: WijkContext,
    t: Translator,
    person: Person,
    *,
    action_id: int,
    area_id: int,
) -> str | None:
    """`na:cp:<action>:<buurt>` ("Here too" under /overzicht): a draft copied from the
    action for the buurt; the meeting place is asked, then the usual preview."""
    try:
        draft = await olievlek.copy_to(
            session=context.session,
            coordinator=person,
            action_id=action_id,
            area_id=area_id,
            today=_local_today(context),
            tz=_tz(context),
        )
    except (NotAllowed, NotFound):
        await answer_query(update.callback_query, stale_text(t))  # type: ignore[arg-type]
        return ConversationHandler.END  # type: ignore[return-value]
    context.user_data[DRAFT] = {**draft, "copied": 1}  # type: ignore[index]
    return await _ask(PLACE, update, context, t, person)
