"""Coordinators plan an action: /nieuweactie, /newaction.

A persistent `ConversationHandler` ("new_action"): the state is a plain string and the
draft lives in `context.user_data["new_action"]` as str/int values, so a restart of the
bot resumes where the coordinator was. Steps: kind, title, area (wijk, then buurt or the
whole wijk), meeting place, date, start, end, volunteers needed, preview.

Callback data (routes in `bot.callbacks`; every press is checked again on the server):
- `na:k:<kind>`             kind (doorstep | street_stand | other)
- `na:w:<wijk id>`          open a wijk to choose one of its buurten
- `na:wb`                   back to the list of wijken
- `na:p:<wijk id|0>:<page>` another page of wijken (0) or of a wijk's buurten
- `na:a:<area id>`          the action's area (a buurt, or a whole wijk)
- `na:d:<YYYY-MM-DD>`       the date
- `na:n:<number>`           volunteers needed
- `na:ok` / `na:re` / `na:x` confirm / start over / cancel
- `na:dup`                  plan it although the same action is planned then
- `na:lq` / `na:l:<code>`   the language the action also asks for (on the preview)
- `na:og` / `na:o:<id>:<1|0>` / `na:od` co-organising organisations (on the preview)
- `act:cp:<id>`             "Once more": a copy of an action (entry; `checks.on_copy`)
- `act:ct:<id>:<buurt>`     "Here too" (olievlek): the same copy for a buurt (entry; older
                            `na:cp:<id>:<buurt>` buttons go to the same step)
The confirmation offers `act:r:<id>` (the roster, handled in `bot.handlers.actions`).

Times are typed on the wall clock of `settings.tz` (Europe/Amsterdam) and stored as aware
UTC; the pure parsers live in `bot.handlers.action_input`. A time skipped by the clock
change in March is told apart from a time that could not be read.

When the chosen start has passed (typed in the past, or the clock moved on before
Confirm), the conversation goes back to the date question if the chosen day is before
today, else to the start-time question; the note mentions /cancel.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import (
    COPY,
    COPY_TO,
    NA_ANYWAY,
    NA_AREA,
    NA_CANCEL,
    NA_CONFIRM,
    NA_COPY,
    NA_DATE,
    NA_KIND,
    NA_LANGUAGE,
    NA_LANGUAGES,
    NA_NEEDED,
    NA_ORGANISER,
    NA_ORGANISERS,
    NA_ORGANISERS_DONE,
    NA_PAGE,
    NA_RESTART,
    NA_WIJK,
    NA_WIJKEN,
    Route,
)
from bot.context import WijkContext
from bot.handlers.common import button, stale_button
from bot.handlers.conversations import add_conversation
from bot.handlers.new_action.checks import on_anyway, on_copy, on_language, on_languages
from bot.handlers.new_action.organisers import on_done as on_organisers_done
from bot.handlers.new_action.organisers import on_organiser, on_organisers
from bot.handlers.new_action.questions import (
    AREA,
    CONFIRM,
    DATE,
    END,
    KIND,
    NEEDED,
    PLACE,
    START,
    TEXT_STATES,
    TITLE,
    _earlier_gap,
    _passed_step,
)
from bot.handlers.new_action.steps import (
    Step,
    _step,
    _wrong_input,
    on_area,
    on_cancel,
    on_confirm,
    on_date,
    on_end_time,
    on_exit,
    on_kind,
    on_needed,
    on_needed_button,
    on_page,
    on_place,
    on_restart,
    on_start_time,
    on_title,
    on_wijk,
    on_wijken,
    start,
)

__all__ = ["DATE", "START", "TEXT_STATES", "_earlier_gap", "_passed_step", "register"]


def new_action_conversation() -> ConversationHandler[WijkContext]:
    """The persistent conversation for planning an action (see the module docstring)."""

    def cb(route: Route, func: Step) -> CallbackQueryHandler[WijkContext, Any]:
        return button(route, _step(func))

    text = filters.TEXT & ~filters.COMMAND

    def with_hints(state: str, *handlers: Any) -> list[Any]:
        hint = _step(_wrong_input(state))
        return [
            *handlers,
            CallbackQueryHandler(hint, pattern=r"^na:"),
            MessageHandler(~filters.COMMAND, hint),
        ]

    return ConversationHandler(
        entry_points=[
            CommandHandler(["nieuweactie", "newaction"], _step(start)),
            cb(COPY, on_copy),  # "Once more" on a roster (issue 7 item 2)
            cb(COPY_TO, on_copy),  # "Hier ook" under the overview: the same copy (issue 10)
            cb(NA_COPY, on_copy),  # older "Hier ook" buttons keep working
        ],
        states={
            KIND: with_hints(KIND, cb(NA_KIND, on_kind)),
            TITLE: with_hints(TITLE, MessageHandler(text, _step(on_title))),
            AREA: with_hints(
                AREA,
                cb(NA_AREA, on_area),
                cb(NA_WIJK, on_wijk),
                cb(NA_WIJKEN, on_wijken),
                cb(NA_PAGE, on_page),
            ),
            PLACE: with_hints(PLACE, MessageHandler(text, _step(on_place))),
            DATE: with_hints(DATE, cb(NA_DATE, on_date)),
            START: with_hints(START, MessageHandler(text, _step(on_start_time))),
            END: with_hints(END, MessageHandler(text, _step(on_end_time))),
            NEEDED: with_hints(
                NEEDED, cb(NA_NEEDED, on_needed_button), MessageHandler(text, _step(on_needed))
            ),
            CONFIRM: with_hints(
                CONFIRM,
                cb(NA_CONFIRM, on_confirm),
                cb(NA_RESTART, on_restart),
                cb(NA_CANCEL, on_cancel),
                cb(NA_ANYWAY, on_anyway),  # the same action is planned then: anyway
                cb(NA_AREA, on_area),  # nobody would be called: a wider area
                cb(NA_WIJKEN, on_wijken),
                cb(NA_LANGUAGES, on_languages),  # the action may ask for a language
                cb(NA_LANGUAGE, on_language),
                cb(NA_ORGANISERS, on_organisers),  # a joint action (issue 10 item 1)
                cb(NA_ORGANISER, on_organiser),
                cb(NA_ORGANISERS_DONE, on_organisers_done),
            ),
        },
        fallbacks=[],
        allow_reentry=True,
        name="new_action",
        persistent=True,
        per_user=True,
        per_chat=True,
    )


def register(application: Any) -> None:
    """Add the planning conversation and the answer to its stale buttons (group 0)."""
    add_conversation(application, new_action_conversation(), on_exit)
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^na:"))  # finished
