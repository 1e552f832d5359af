"""/overzicht (/overview): coordinators see what happened in their area over a period;
partner staff see the same for their organisation's area with every count below 5 suppressed
(issue 10 item 7; `bot.domain.overview_partner`), without the "Here too" buttons.

Steps: the command shows the period buttons (`ov:p:<code>`, `bot.domain.overview_periods`);
a press builds the overview of the coordinator's own area (`bot.domain.overview.overview_for`,
which checks the role and area again) and sends a short text, the chart as a photo and the
CSV file as a document (UTF-8 with BOM, `bot.views.overview_chart`).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import OVERVIEW_PERIOD
from bot.context import WijkContext
from bot.domain import olievlek
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.overview import overview_for
from bot.domain.overview_partner import overview_for_partner
from bot.domain.overview_periods import period_days
from bot.domain.vocabulary import Role
from bot.handlers.common import (
    answer_query,
    button,
    coordinators_only_text,
    send_later,
    stale_text,
    translator_for,
)
from bot.handlers.keyboards import say
from bot.views.olievlek import here_too_keyboard, here_too_line
from bot.views.overview_chart import (
    overview_chart_png,
    overview_csv,
    overview_filename,
    overview_text,
    period_keyboard,
)

#: Who may ask for an overview: coordinators (exact counts) and partner staff (their
#: organisation's area, counts from 1 to 4 suppressed: `bot.domain.overview_partner`).
_VIEWERS = (Role.COORDINATOR, Role.PARTNER)


async def start(update: Update, context: WijkContext) -> None:
    """/overzicht, /overview: ask for the period (coordinators and partner staff)."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.role not in _VIEWERS or person.onboarded_at is None:
        await say(update, coordinators_only_text(t), t=t)
        return
    await say(update, t.gettext("Overview of which period?"), period_keyboard(t), t=t)


async def on_period(update: Update, context: WijkContext, *, period: str) -> None:
    """`ov:p:<code>`: the overview as text, chart (photo) and CSV (document)."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    person = await context.person()
    t = translator_for(update, context, person)
    tz = context.services.settings.tz
    now = context.clock.now()
    try:
        first, last = period_days(period, now.astimezone(tz).date())
        if person is None:
            raise NotAllowed()
        async with context.atomic() as session:
            if person.role == Role.PARTNER:  # their organisation's area, counts below 5 hidden
                overview = await overview_for_partner(
                    session=session, staff=person, first_day=first, last_day=last, now=now, tz=tz
                )
            else:
                overview = await overview_for(
                    session=session, viewer=person, first_day=first, last_day=last, now=now, tz=tz
                )
    except NotAllowed:
        await answer_query(query, coordinators_only_text(t))
        return
    except InvalidInput:
        await answer_query(query, stale_text(t))
        return
    ideas = []
    if person.role == Role.COORDINATOR:  # "Here too" plans an action: coordinators only
        ideas = await olievlek.suggestions(session=context.session, overview=overview)
    text, markup = overview_text(overview, t), None
    if ideas:
        text += "\n\n" + here_too_line(t)
        markup = here_too_keyboard(t, ideas)
    await say(update, text, markup, t=t)
    png = overview_chart_png(overview, t)
    data = overview_csv(overview, t)
    name = overview_filename(overview, "csv")
    await send_later(lambda: chat.send_photo(png))
    await send_later(lambda: chat.send_document(data, filename=name))


def register(application: Any) -> None:
    """Add /overzicht, /overview and the period buttons (group 0)."""
    application.add_handler(CommandHandler(["overzicht", "overview"], start))
    # malformed `ov:p...` presses get the stale answer from `button`; no catch-all on `ov`,
    # which other features use too (ov:n / ov:k, the overlap guard of action planning)
    application.add_handler(button(OVERVIEW_PERIOD, on_period))
