"""A volunteer says Ja to an action that overlaps one they already said Ja to (issue 7
item 10): they are warned and choose; nothing is recorded until they do.

Buttons (`bot.callbacks`): `ov:n:<action>:<other>` choose the new action (Nee to the other,
then Ja to this one, each checked by `bot.domain.rsvp.answer` as any press), `ov:k:<other>`
keep the one they had. Back-to-back actions do not overlap
(`bot.domain.duplicates.overlapping_yes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update

from bot.callbacks import OVERLAP_KEEP, OVERLAP_NEW
from bot.context import WijkContext
from bot.domain import duplicates, rsvp
from bot.domain.errors import DomainError
from bot.domain.vocabulary import Answer
from bot.handlers.common import answer_query, button, edit_or_send, esc, reply, translator_for
from bot.i18n import Translator
from bot.views.lists import cut, keyboard

if TYPE_CHECKING:
    from storage.models import Person

TITLE_ON_BUTTON = 40


async def ask_instead(
    update: Update, context: WijkContext, t: Translator, person: Person | None, action_id: int
) -> bool:
    """Before a Ja is recorded: when it overlaps another Ja, ask which one (True: asked, the
    answer is not recorded); False: go on as usual."""
    if person is None or update.callback_query is None:
        return False
    found = await duplicates.overlapping_yes(
        session=context.session, person_id=person.id, action_id=action_id
    )
    if found is None:
        return False
    action, other = found
    text = t.gettext(
        "You already said Yes to {other} ({when}). That is at the same time as {title}. "
        "Which one do you choose?",
        other=f"<b>{esc(other.title)}</b>",
        when=esc(t.datetime(other.starts_at)),
        title=f"<b>{esc(action.title)}</b>",
    )
    buttons = [
        [
            (
                t.gettext("Choose {title}", title=cut(action.title, TITLE_ON_BUTTON)),
                OVERLAP_NEW.encode(action_id=action.id, other_id=other.id),
            )
        ],
        [
            (
                t.gettext("Keep {title}", title=cut(other.title, TITLE_ON_BUTTON)),
                OVERLAP_KEEP.encode(action_id=other.id),
            )
        ],
    ]
    await answer_query(update.callback_query)
    await reply(update, text, keyboard(buttons))
    return True


async def on_choose_new(
    update: Update, context: WijkContext, *, action_id: int, other_id: int
) -> None:
    """`ov:n:<action>:<other>`: Nee to the other action, then the usual Ja to this one."""
    from bot.handlers import rsvp as rsvp_handler  # the Ja itself is the usual answer

    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            await rsvp.answer(
                session=session,
                action_id=other_id,
                person=person,
                answer=Answer.NO,
                now=context.clock.now(),
                tz=context.services.settings.tz,
            )
    except DomainError as exc:
        await answer_query(update.callback_query, rsvp_handler.refusal_text(t, exc))  # type: ignore[arg-type]
        return
    await rsvp_handler.on_answer(update, context, action_id=action_id, answer=Answer.YES)


async def on_keep(update: Update, context: WijkContext, *, action_id: int) -> None:
    """`ov:k:<other>`: keep the Ja they had; nothing changes."""
    t = translator_for(update, context, await context.person())
    await answer_query(update.callback_query)  # type: ignore[arg-type]
    await edit_or_send(
        update.callback_query,  # type: ignore[arg-type]
        t.gettext("OK, nothing changed: you keep your place at the other action."),
    )


def register(application: Any) -> None:
    """Add the two choice buttons (group 0)."""
    application.add_handler(button(OVERLAP_NEW, on_choose_new))
    application.add_handler(button(OVERLAP_KEEP, on_keep))
