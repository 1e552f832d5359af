"""Saving an action's changes ("Wijzigingen bewaren"), and the chooser that comes first
when the places go below the number of volunteers coming (issue 7 item 1).

Part of the "action_edit" conversation (`bot.handlers.action_edit`, which builds it and
owns the scratch values). State PICK: one button per volunteer with a place
(`ae:w:<person id>:<page>` ticks or unticks; the ticked go to the waiting list in the
order ticked), `ae:wp:<page>` pages, `ae:wok` moves them and saves, `ae:wb` goes back to
the edit screen. The choice lives in the scratch as `pick` (person ids, in order). Every
press is checked on the server (`bot.domain.action_changes`, `bot.domain.surplus`): a
person without a place on this action, or a choice that no longer fits, gets the stale
answer (the chooser is shown again as it is now).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import WijkContext
from bot.domain import action_changes, actions, surplus
from bot.domain.errors import InvalidInput
from bot.handlers import calendar_files
from bot.handlers.action_edit import PICK, _checked, _edit, _menu, _scratch
from bot.handlers.common import answer_query, stale_text
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views.action_edit import pick_screen, saved_view


async def _save(update: Update, context: WijkContext, t: Translator) -> str:
    """Store the changes (with the chosen moves); the chooser when a choice is needed."""
    scratch, settings = _scratch(context), context.services.settings
    pick = [int(pid) for pid in scratch.get("pick", [])]
    try:
        async with context.atomic() as session:
            done = await action_changes.edit_action(
                session=session,
                coordinator=actions.require_coordinator(await context.person()),
                action_id=int(scratch["id"]),
                edit=_edit(scratch),
                now=context.clock.now(),
                tz=settings.tz,
                to_waitlist=pick or None,
            )
    except action_changes.TooFewPlaces as exc:
        scratch["pick"] = exc.suggested
        return await _chooser(update, context, t, page=0)
    except surplus.SurplusChanged:  # changed meanwhile, or forged: the chooser as it is now
        await _stale(update, t)
        coming, surplus_count = await _coming(context)
        scratch["pick"] = surplus.suggest(coming, surplus_count)
        return await _chooser(update, context, t, page=0)
    except InvalidInput:
        note = t.gettext("That moment has already passed. Please choose a later one.")
        return await _menu(update, context, t, note)
    context.user_data.pop("action_edit", None)  # type: ignore[union-attr]
    await calendar_files.after_edit(context, done.calendar_files)
    await calendar_files.after_move(context, done.withdrawn)
    view = saved_view(t, done.action.id, done.changed, done.told, done.promoted, done.moved)
    await say(update, *view, t=t)
    return ConversationHandler.END  # type: ignore[return-value]


async def _stale(update: Update, t: Translator) -> None:
    if update.callback_query is not None:
        await answer_query(update.callback_query, stale_text(t))


async def on_save(update: Update, context: WijkContext, t: Translator) -> str:
    """`ae:ok`: store the changes; tell the volunteers (outbox) and send newer .ics files.
    With fewer places than volunteers coming, first the chooser (state PICK)."""
    _scratch(context).pop("pick", None)
    return await _save(update, context, t)


async def _coming(context: WijkContext) -> tuple[list[surplus.Coming], int]:
    """Who has a place now, and how many must move for the places being saved."""
    scratch = _scratch(context)
    coming = await surplus.coming(session=context.session, action_id=int(scratch["id"]))
    return coming, len(coming) - int(scratch["needed"])


async def _chooser(update: Update, context: WijkContext, t: Translator, *, page: int) -> str:
    """Show the chooser (or the edit screen when nobody needs to move any more)."""
    scratch = _scratch(context)
    action = await _checked(update, context, int(scratch["id"]))
    coming, surplus_count = await _coming(context)
    if surplus_count <= 0:
        scratch.pop("pick", None)
        return await _menu(update, context, t)
    present = {c.person_id for c in coming}
    scratch["pick"] = [pid for pid in scratch.get("pick", []) if pid in present]
    view = pick_screen(
        t,
        action.title,
        int(scratch["needed"]),
        [(c.person_id, c.name) for c in coming],
        surplus_count,
        scratch["pick"],
        page,
    )
    await say(update, *view, t=t)
    return PICK


async def on_pick(
    update: Update, context: WijkContext, t: Translator, *, person_id: int, page: int
) -> str:
    """`ae:w:<person id>:<page>`: tick (at the end of the order) or untick one person."""
    scratch = _scratch(context)
    await _checked(update, context, int(scratch["id"]))
    coming, _ = await _coming(context)
    pick = [int(pid) for pid in scratch.get("pick", [])]
    if person_id in pick:
        pick.remove(person_id)
    elif person_id in {c.person_id for c in coming}:
        pick.append(person_id)
    else:  # forged, or no longer has a place
        await _stale(update, t)
    scratch["pick"] = pick
    return await _chooser(update, context, t, page=page)


async def on_pick_page(update: Update, context: WijkContext, t: Translator, *, page: int) -> str:
    """`ae:wp:<page>`: another page of the chooser."""
    return await _chooser(update, context, t, page=page)


async def on_move(update: Update, context: WijkContext, t: Translator) -> str:
    """`ae:wok`: move the chosen to the waiting list and save (checked again)."""
    return await _save(update, context, t)


async def on_pick_back(update: Update, context: WijkContext, t: Translator) -> str:
    """`ae:wb`: back to the edit screen, the places as they are now on the action."""
    scratch = _scratch(context)
    action = await _checked(update, context, int(scratch["id"]))
    scratch.pop("pick", None)
    scratch["needed"] = action.volunteers_needed
    return await _menu(update, context, t)
