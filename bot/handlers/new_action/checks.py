"""Checks before an action is confirmed, and copying one (issue 7 items 2, 3 and 10).

- The preview says when the call would reach nobody, *before* confirming, and offers the
  wider choice: the whole wijk (for an action in a buurt) or another area (`na:a:<id>`,
  `na:wb`, handled in the CONFIRM state too).
- Confirming an action of the same kind, in the same area, at an overlapping time as an
  open one asks "There is already ... Plan another one anyway?" (`na:dup` goes on;
  `na:x` stops).
- "Once more" (`act:cp:<id>`) on a roster starts this conversation with the action's kind,
  title, number of places, language and co-organisers, then asks the area (the same or
  another buurt/wijk), the meeting place, the day and the times; the rest goes as for a
  new action. "Here too" under /overzicht (`act:ct:<id>:<buurt>`, older `na:cp` buttons
  too) is the same copy with the buurt, day and times filled in: only the place is asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ConversationHandler

from bot.callbacks import NA_ANYWAY, NA_AREA, NA_CANCEL, NA_LANGUAGE, NA_WIJKEN
from bot.context import WijkContext
from bot.domain import action_copy, actions, areas, duplicates, widen
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.tasks import SPOKEN_LANGUAGES
from bot.domain.vocabulary import AreaLevel
from bot.handlers.common import answer_query, esc, stale_text
from bot.handlers.keyboards import button_rows, keyboard, say
from bot.handlers.new_action.questions import AREA, CONFIRM, DRAFT, PLACE, _ask, _draft, _tz
from bot.i18n import Translator
from bot.views.people import language_label

if TYPE_CHECKING:
    from storage.models import Action, Person

#: Draft keys that make the preview complete: an area chosen again goes straight back to it.
COMPLETE = ("kind", "title", "area_id", "place", "date", "start", "end", "needed")


def complete(draft: dict[str, object]) -> bool:
    """True when every answer is in the draft (then a new area goes back to the preview)."""
    return all(draft.get(key) not in (None, "") for key in COMPLETE)


async def nobody_note(
    context: WijkContext, t: Translator, person: Person, action: Action
) -> tuple[str, list[list[tuple[str, str]]]] | None:
    """When the call of this unsaved action would reach nobody: the note and the buttons
    for a wider area (the whole wijk of a buurt, another area); None when someone is
    called."""
    if await widen.would_call(session=context.session, action=action, tz=_tz(context)):
        return None
    tree = await areas.tree(context.session)
    note = t.gettext(
        "Nobody would get the call: there are no volunteers in {area} yet. Choose a bigger area?",
        area=esc(tree.name(action.area_id)),
    )
    rows = []
    node = tree.get(action.area_id)
    wijk = tree.nearest(action.area_id, AreaLevel.WIJK)
    if node is not None and node.level == AreaLevel.BUURT and wijk is not None:
        if tree.within(wijk.id, person.area_id):
            label = t.gettext("Whole wijk {wijk}", wijk=wijk.name)
            rows.append([(label, NA_AREA.encode(area_id=wijk.id))])
    rows.append([(t.gettext("Choose another area"), NA_WIJKEN.encode())])
    return note, rows


async def duplicate_question(
    update: Update, context: WijkContext, t: Translator, draft: actions.ActionDraft
) -> bool:
    """Ask "There is already ... anyway?" when an open action of the same kind and area
    overlaps the draft's time (unless the coordinator already said "anyway"); True: asked."""
    if _draft(context).get("anyway"):
        return False
    same = await duplicates.same_action_planned(
        session=context.session,
        kind=draft.kind,
        area_id=draft.area_id,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
    )
    if same is None:
        return False
    text = t.gettext(
        "There is already {title} at that time ({when}) in {area}. Plan another one anyway?",
        title=f"<b>{esc(same.title)}</b>",
        when=esc(t.datetime(same.starts_at)),
        area=esc((await areas.tree(context.session)).name(draft.area_id)),
    )
    buttons = [
        [(t.gettext("Yes, plan another one"), NA_ANYWAY.encode())],
        [(t.gettext("No, stop"), NA_CANCEL.encode())],
    ]
    await say(update, text, keyboard(buttons))
    return True


async def on_anyway(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:dup`: plan it even though the same action is planned then."""
    from bot.handlers.new_action.steps import on_confirm

    _draft(context)["anyway"] = True
    return await on_confirm(update, context, t, person)


async def on_copy(
    update: Update,
    context: WijkContext,
    t: Translator,
    person: Person,
    *,
    action_id: int,
    area_id: int | None = None,
) -> str:
    """`act:cp:<id>` ("Once more"): a new draft with the action's kind, title, number of
    places, language and co-organisers; asks the area first. `act:ct:<id>:<buurt>` ("Here
    too" under /overzicht; older `na:cp:<id>:<buurt>` buttons too): the same for that buurt
    on the next same weekday at the same times; asks the meeting place, then the preview
    (`bot.domain.action_copy.copy_draft`). An action or buurt outside the coordinator's area
    is stale."""
    try:
        draft = await action_copy.copy_draft(
            session=context.session,
            coordinator=person,
            action_id=action_id,
            now=context.clock.now(),
            tz=_tz(context),
            area_id=area_id,
        )
    except (NotAllowed, NotFound):
        await answer_query(update.callback_query, stale_text(t))  # type: ignore[arg-type]
        return ConversationHandler.END  # type: ignore[return-value]
    context.user_data[DRAFT] = draft  # type: ignore[index]
    if area_id is not None:
        return await _ask(PLACE, update, context, t, person)
    note = t.gettext(
        "Once more: {title}. Choose the area, then the place and the time.",
        title=f"<b>{esc(str(draft['title']))}</b>",
    )
    return await _ask(AREA, update, context, t, person, note)


async def on_languages(update: Update, context: WijkContext, t: Translator, person: Person) -> str:
    """`na:lq` on the preview: which language should a volunteer also speak?"""
    buttons = [(language_label(t, c), NA_LANGUAGE.encode(code=c)) for c in SPOKEN_LANGUAGES]
    rows = [*button_rows(buttons, 2), [(t.gettext("No language"), NA_LANGUAGE.encode(code=""))]]
    text = t.gettext(
        "Which language should a volunteer also speak? Volunteers who speak it get the call first."
    )
    await say(update, text, keyboard(rows))
    return CONFIRM


async def on_language(
    update: Update, context: WijkContext, t: Translator, person: Person, *, code: str
) -> str:
    """`na:l:<code|none>`: the language the action also asks for; back to the preview."""
    _draft(context)["language"] = code
    return await _ask(CONFIRM, update, context, t, person)
