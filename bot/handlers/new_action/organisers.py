"""Planning a joint action (issue 10 item 1): on the preview, "Together with partners"
(`na:og`) shows the organisations serving the draft's area as toggles (`na:o:<id>:<1|0>`);
"Done" (`na:od`) goes back to the preview, which names them. The choice is kept in the
draft as `organisations` (a list of ids) and stored with the action on confirm
(`bot.domain.actions.create_action` checks it again). A forged or outdated id gets the stale
answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update

from bot.context import WijkContext
from bot.domain import joint
from bot.handlers.common import answer_query, stale_text
from bot.handlers.keyboards import say
from bot.handlers.new_action.questions import CONFIRM, _ask, _draft
from bot.i18n import Translator
from bot.views.organisers import draft_organisers_keyboard, organisers_question

if TYPE_CHECKING:
    from storage.models import Person


def chosen_ids(draft: dict[str, object]) -> list[int]:
    """The draft's co-organisers (ids), whatever was stored."""
    value = draft.get("organisations")
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


async def _show(update: Update, context: WijkContext, t: Translator) -> str:
    draft = _draft(context)
    choices = await joint.choices_for(session=context.session, area_id=int(draft["area_id"]))
    markup = draft_organisers_keyboard(t, choices, chosen_ids(draft))
    await say(update, organisers_question(t), markup, t=t)
    return CONFIRM


async def on_organisers(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:og` on the preview: the organisations of the area as toggles."""
    if not _draft(context).get("area_id"):
        return await _ask(CONFIRM, update, context, t, person)
    return await _show(update, context, t)


async def on_organiser(
    update: Update,
    context: WijkContext,
    t: Translator,
    person: Person,
    *,
    organisation_id: int,
    on: bool,
) -> str | None:
    """`na:o:<id>:<1|0>`: tick or untick one organisation (it must serve the area)."""
    draft = _draft(context)
    area_id = draft.get("area_id")
    choices = await joint.choices_for(session=context.session, area_id=int(area_id or 0))
    if not area_id or organisation_id not in {c.id for c in choices}:
        await answer_query(update.callback_query, stale_text(t))  # type: ignore[arg-type]
        return None
    chosen = [i for i in chosen_ids(draft) if i != organisation_id]
    draft["organisations"] = sorted([*chosen, organisation_id] if on else chosen)
    return await _show(update, context, t)


async def on_done(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:od`: back to the preview, which names the co-organisers."""
    return await _ask(CONFIRM, update, context, t, person)
