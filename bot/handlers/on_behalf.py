"""/namens (/onbehalf): a network coordinator registers a resident without Telegram and
their help request, on their behalf (issue 6 §0; rules in `bot.domain.coupling.on_behalf`).

A registered conversation (`bot.handlers.conversations`), states: name (typed), buurt,
languages, tasks, times (the same buttons as /hulpvraag), note (typed or "No note"),
phone (typed), confirm ("They agreed: register"). Scratch data in
`user_data["on_behalf"]` until then; nothing is stored before the last press, and the
domain checks everything again (a coordinator, a buurt of their area, known codes).

Also here: "Erase the data of <name>" under such a resident's request (`nb:ea`, `nb:e`).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.callbacks import (
    OFFLINE_ERASE,
    OFFLINE_ERASE_ASK,
    ON_BEHALF_BUURT,
    ON_BEHALF_CONFIRM,
    ON_BEHALF_DONE,
    ON_BEHALF_LANGUAGE,
    ON_BEHALF_NO_NOTE,
    ON_BEHALF_SLOT,
    ON_BEHALF_TASK,
)
from bot.context import WijkContext
from bot.domain.coupling import on_behalf
from bot.domain.coupling.requests import NOTE_MAX, active_request
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.handlers.common import answer_query, button, coordinators_only_text, translator_for
from bot.handlers.conversations import add_conversation
from bot.handlers.keyboards import say
from bot.i18n import Translator
from bot.views import on_behalf as view

COMMANDS = ("namens", "onbehalf")
KEY = "on_behalf"
NAME, BUURT, LANGUAGES, TASKS, TIMES, NOTE, PHONE, CONFIRM = (
    "name",
    "buurt",
    "languages",
    "tasks",
    "times",
    "note",
    "phone",
    "confirm",
)
END = ConversationHandler.END


def _data(context: WijkContext) -> dict[str, Any]:
    data = context.user_data.setdefault(KEY, {})  # type: ignore[union-attr]
    assert isinstance(data, dict)
    return data


async def _coordinator(update: Update, context: WijkContext) -> tuple[Any, Translator]:
    person = await context.person()
    return person, translator_for(update, context, person)


async def start(update: Update, context: WijkContext) -> object:
    """/namens: coordinators only (partners and everyone else get the usual answer)."""
    person, t = await _coordinator(update, context)
    try:
        await on_behalf.buurt_choices(session=context.session, coordinator=person)
    except NotAllowed:
        await say(update, coordinators_only_text(t), t=t)
        return END
    context.user_data[KEY] = {"languages": [], "tasks": [], "slots": []}  # type: ignore[index]
    await say(update, view.start_text(t), t=t)
    return NAME


async def on_name(update: Update, context: WijkContext) -> object:
    """The typed first name, then the buurt."""
    person, t = await _coordinator(update, context)
    try:
        name = on_behalf.clean_name(update.message.text or "")  # type: ignore[union-attr]
        buurten = await on_behalf.buurt_choices(session=context.session, coordinator=person)
    except InvalidInput:
        await say(update, view.name_again_text(t), t=t)
        return None
    except NotAllowed:
        return END
    _data(context)["name"] = name
    await say(update, *view.buurt_view(t, name, buurten), t=t)
    return BUURT


async def on_buurt(update: Update, context: WijkContext, *, buurt_id: int) -> object:
    """`nb:b:<area>`: a buurt of the coordinator's area (a forged one: stale)."""
    person, t = await _coordinator(update, context)
    try:
        buurten = dict(await on_behalf.buurt_choices(session=context.session, coordinator=person))
    except NotAllowed:
        return END
    if buurt_id not in buurten:
        await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]
        return None
    data = _data(context)
    data["buurt_id"], data["place"] = buurt_id, buurten[buurt_id]
    await say(update, *view.languages_view(t, data["name"], set(data["languages"])), t=t)
    return LANGUAGES


def _toggle(values: list[Any], value: Any, on: bool) -> list[Any]:
    kept = [v for v in values if v != value]
    return [*kept, value] if on else kept


async def on_language(update: Update, context: WijkContext, *, code: str, on: bool) -> object:
    """`nb:l:<code>:<1|0>`."""
    _person, t = await _coordinator(update, context)
    data = _data(context)
    data["languages"] = _toggle(data["languages"], code, on)
    await say(update, *view.languages_view(t, data["name"], set(data["languages"])), t=t)
    return None


async def on_task(update: Update, context: WijkContext, *, code: str, on: bool) -> object:
    """`nb:t:<task>:<1|0>`."""
    _person, t = await _coordinator(update, context)
    data = _data(context)
    data["tasks"] = _toggle(data["tasks"], code, on)
    await say(update, *view.tasks_view(t, data["name"], set(data["tasks"])), t=t)
    return None


async def on_slot(
    update: Update, context: WijkContext, *, weekday: int, part: str, on: bool
) -> object:
    """`nb:s:<weekday>:<m|a|e>:<1|0>`."""
    _person, t = await _coordinator(update, context)
    data = _data(context)
    data["slots"] = _toggle(data["slots"], [weekday, str(part)], on)
    await say(update, *view.times_view(t, data["name"], _slots(data)), t=t)
    return None


def _slots(data: dict[str, Any]) -> set[tuple[int, str]]:
    return {(int(w), str(p)) for w, p in data["slots"]}


async def on_languages_done(update: Update, context: WijkContext) -> object:
    """`nb:d` after the languages: at least one, then the tasks."""
    _person, t = await _coordinator(update, context)
    data = _data(context)
    if not data["languages"]:
        await answer_query(update.callback_query, t.gettext("Choose at least one language."))  # type: ignore[arg-type]
        return None
    await say(update, *view.tasks_view(t, data["name"], set(data["tasks"])), t=t)
    return TASKS


async def on_tasks_done(update: Update, context: WijkContext) -> object:
    """`nb:d` after the tasks: at least one, then the times."""
    _person, t = await _coordinator(update, context)
    data = _data(context)
    if not data["tasks"]:
        await answer_query(update.callback_query, t.gettext("Choose at least one task."))  # type: ignore[arg-type]
        return None
    await say(update, *view.times_view(t, data["name"], _slots(data)), t=t)
    return TIMES


async def on_times_done(update: Update, context: WijkContext) -> object:
    """`nb:d` after the times: the note."""
    _person, t = await _coordinator(update, context)
    await say(update, *view.note_view(t, NOTE_MAX), t=t)
    return NOTE


async def on_note(update: Update, context: WijkContext) -> object:
    """The typed note (at most `NOTE_MAX` characters), then the phone number."""
    _person, t = await _coordinator(update, context)
    note = " ".join((update.message.text or "").split())  # type: ignore[union-attr]
    if len(note) > NOTE_MAX:
        await say(update, *view.note_view(t, NOTE_MAX), t=t)
        return None
    _data(context)["note"] = note or None
    await say(update, view.phone_question(t, _data(context)["name"]), t=t)
    return PHONE


async def on_no_note(update: Update, context: WijkContext) -> object:
    """`nb:n`: no note, then the phone number."""
    _person, t = await _coordinator(update, context)
    _data(context)["note"] = None
    await say(update, view.phone_question(t, _data(context)["name"]), t=t)
    return PHONE


async def on_phone(update: Update, context: WijkContext) -> object:
    """The typed phone number, then everything once more to confirm."""
    person, t = await _coordinator(update, context)
    try:
        phone = on_behalf.clean_phone(update.message.text or "")  # type: ignore[union-attr]
    except InvalidInput:
        await say(update, view.phone_again_text(t), t=t)
        return None
    data = _data(context)
    data["phone"] = phone
    screen = view.confirm_view(
        t,
        name=data["name"],
        place=data["place"],
        languages=data["languages"],
        tasks=data["tasks"],
        slots=_slots(data),
        note=data.get("note"),
        phone=phone,
        coordinator_name=person.display_name,
        today=context.clock.now().astimezone(t.tz).date(),
    )
    await say(update, *screen, t=t)
    return CONFIRM


async def on_confirm(update: Update, context: WijkContext) -> object:
    """`nb:ok`: register the resident and their request (checked again)."""
    person, t = await _coordinator(update, context)
    data = _data(context)
    try:
        async with context.atomic() as session:
            request = await on_behalf.register(
                session=session,
                coordinator=person,
                first_name=data["name"],
                buurt_id=int(data["buurt_id"]),
                languages=data["languages"],
                tasks=data["tasks"],
                slots=_slots(data),
                note=data.get("note"),
                phone=data["phone"],
                now=context.clock.now(),
                tz=t.tz,
            )
            request_id = request.id
    except (NotAllowed, NotFound, InvalidInput, KeyError):
        context.user_data.pop(KEY, None)  # type: ignore[union-attr]
        await say(update, t.gettext("This button no longer works."), t=t)
        return END
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    await say(update, *view.registered_view(t, data["name"], request_id), t=t)
    return END


async def on_exit(update: Update, context: WijkContext, t: Translator, state: object) -> str:
    """/annuleer or another command during /namens: nothing was stored."""
    context.user_data.pop(KEY, None)  # type: ignore[union-attr]
    return view.kept_text(t)


async def on_erase_ask(update: Update, context: WijkContext, *, person_id: int) -> None:
    """`nb:ea:<person>`: ask first (coordinators of the resident's area only)."""
    person, t = await _coordinator(update, context)
    facts = await on_behalf.facts(session=context.session, person_id=person_id)
    request = await active_request(session=context.session, resident_id=person_id)
    allowed = facts is not None and await on_behalf.may_see(
        session=context.session, person=person, resident_id=person_id
    )
    if not allowed or facts is None:
        await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]
        return
    await say(update, *view.erase_question(t, facts, request.id if request else 0), t=t)


async def on_erase(update: Update, context: WijkContext, *, person_id: int) -> None:
    """`nb:e:<person>`: erase the resident (a second press: stale)."""
    person, t = await _coordinator(update, context)
    try:
        async with context.atomic() as session:
            name = await on_behalf.erase_resident(
                session=session,
                coordinator=person,
                resident_id=person_id,
                now=context.clock.now(),
                tz=t.tz,
            )
    except (NotAllowed, NotFound):
        await answer_query(update.callback_query, t.gettext("This button no longer works."))  # type: ignore[arg-type]
        return
    await say(update, view.erased_text(t, name), t=t)


def conversation() -> ConversationHandler[Any]:
    """The registered /namens conversation."""
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(list(COMMANDS), start)],
        states={
            NAME: [MessageHandler(text, on_name)],
            BUURT: [button(ON_BEHALF_BUURT, on_buurt)],
            LANGUAGES: [
                button(ON_BEHALF_LANGUAGE, on_language),
                button(ON_BEHALF_DONE, on_languages_done),
            ],
            TASKS: [button(ON_BEHALF_TASK, on_task), button(ON_BEHALF_DONE, on_tasks_done)],
            TIMES: [button(ON_BEHALF_SLOT, on_slot), button(ON_BEHALF_DONE, on_times_done)],
            NOTE: [MessageHandler(text, on_note), button(ON_BEHALF_NO_NOTE, on_no_note)],
            PHONE: [MessageHandler(text, on_phone)],
            CONFIRM: [button(ON_BEHALF_CONFIRM, on_confirm)],
        },
        fallbacks=[],
        name="on_behalf",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add the /namens conversation and the erase buttons."""
    add_conversation(application, conversation(), on_exit)
    application.add_handler(button(OFFLINE_ERASE_ASK, on_erase_ask))
    application.add_handler(button(OFFLINE_ERASE, on_erase))
