"""The questions of the "new_action" conversation: states, the stored draft, each step's
question text and buttons, the area choice, and the notes for values that no longer fit.

The draft lives in `context.user_data["new_action"]` as str/int values (JSON, persisted).
Area questions use the area tree in memory (`bot.domain.areas`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.callbacks import (
    NA_AREA,
    NA_CANCEL,
    NA_CONFIRM,
    NA_DATE,
    NA_KIND,
    NA_LANGUAGES,
    NA_NEEDED,
    NA_ORGANISERS,
    NA_RESTART,
    NA_WIJK,
    NA_WIJKEN,
)
from bot.context import WijkContext
from bot.domain import actions, areas, joint
from bot.domain.areas import AreaNode, AreaTree
from bot.domain.errors import InvalidInput
from bot.domain.tasks import ACTION_KINDS
from bot.domain.vocabulary import AreaLevel
from bot.handlers.action_input import draft_from_data
from bot.handlers.common import esc
from bot.handlers.keyboards import button_rows, keyboard, paged, say
from bot.i18n import Translator
from bot.views.action import action_summary, kind_label

if TYPE_CHECKING:
    from storage.models import Action, Person

# Conversation states (JSON-serialisable strings, stored by the persistence).
KIND, TITLE, AREA, PLACE, DATE, START, END, NEEDED, CONFIRM = (
    "kind",
    "title",
    "area",
    "place",
    "date",
    "start",
    "end",
    "needed",
    "confirm",
)
DRAFT = "new_action"
DATE_DAYS = 14
NEEDED_CHOICES = (2, 4, 6, 8, 10)
TEXT_STATES = (TITLE, PLACE, START, END)


def _tz(context: WijkContext) -> ZoneInfo:
    return context.services.settings.tz


def _draft(context: WijkContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def _local_today(context: WijkContext) -> dt.date:
    return context.clock.now().astimezone(_tz(context)).date()


# --- area choice ----------------------------------------------------------------------


def _wijken(tree: AreaTree, home: AreaNode) -> list[AreaNode]:
    """Wijken to choose from: those below the coordinator's area (by name)."""
    if home.level in (AreaLevel.WIJK, AreaLevel.BUURT):
        return []
    below = tree.descendant_ids(home.id)
    found = [n for n in tree.nodes.values() if n.id in below and n.level == AreaLevel.WIJK]
    return sorted(found, key=lambda n: n.name)


def _area_question(
    tree: AreaTree, t: Translator, person: Person, wijk_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The area question: the wijken (wijk_id 0), or one wijk's buurten plus 'Whole wijk'."""
    home = tree.get(person.area_id)
    assert home is not None
    wijken = _wijken(tree, home)
    if not wijk_id and len(wijken) == 1:
        wijk_id = wijken[0].id
    if home.level == AreaLevel.BUURT or (home.level != AreaLevel.WIJK and not wijken):
        return t.gettext("Where is the action?"), keyboard(
            [[(home.name, NA_AREA.encode(area_id=home.id))]]
        )
    if wijk_id or home.level == AreaLevel.WIJK:
        wijk = tree.get(wijk_id or home.id)
        assert wijk is not None
        buttons = [
            (t.gettext("All of {area}", area=wijk.name), NA_AREA.encode(area_id=wijk.id))
        ] + [(b.name, NA_AREA.encode(area_id=b.id)) for b in tree.children_of(wijk.id)]
        text = t.gettext(
            "Which neighbourhood (buurt) in {wijk}? Or choose all of it.", wijk=esc(wijk.name)
        )
        back = [(t.gettext("« Other district"), NA_WIJKEN.encode())] if len(wijken) > 1 else []
        return text, paged(t, buttons, page, f"na:p:{wijk.id}", back)
    buttons = [(w.name, NA_WIJK.encode(wijk_id=w.id)) for w in wijken]
    return t.gettext("In which district (wijk) is the action?"), paged(
        t, buttons, page, "na:p:0", []
    )


def _may_choose(tree: AreaTree, person: Person, area_id: int) -> bool:
    """True when the coordinator may plan in this area (their own area or below it)."""
    return tree.within(area_id, person.area_id)


# --- the questions --------------------------------------------------------------------


async def _question(
    state: str, context: WijkContext, t: Translator, person: Person
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one step's question, from the stored draft."""
    draft = _draft(context)
    if state == KIND:
        buttons = [(kind_label(t, k), NA_KIND.encode(kind=k)) for k in ACTION_KINDS]
        return t.gettext("Let's plan an action. What kind of action is it?"), keyboard(
            button_rows(buttons, 1)
        )
    if state == TITLE:
        return t.gettext("Type a short title for the action."), None
    if state == AREA:
        tree = await areas.tree(context.session)
        return _area_question(tree, t, person, int(draft.get("wijk", 0)), 0)
    if state == PLACE:
        return t.gettext(
            "Where do the volunteers meet? Type an address or a place, "
            "for example: Nieuwmarkt 4, at the door."
        ), None
    if state == DATE:
        today = _local_today(context)
        days = [today + dt.timedelta(days=i) for i in range(DATE_DAYS)]
        buttons = [(t.short_date(d), NA_DATE.encode(day=d.isoformat())) for d in days]
        return t.gettext("On which day?"), keyboard(button_rows(buttons, 3))
    if state == START:
        return t.gettext("What time does it start? Type it like 14:00."), None
    if state == END:
        return t.gettext("What time does it end? Type it like 16:00."), None
    if state == NEEDED:
        buttons = [(str(n), NA_NEEDED.encode(needed=n)) for n in NEEDED_CHOICES]
        return t.gettext(
            "How many volunteers do you need? Tap a number or type one (1 to 500)."
        ), keyboard([buttons])
    return await _preview(context, t)


async def _preview(context: WijkContext, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    data = _draft(context)
    draft = draft_from_data(data, tz=_tz(context), now=context.clock.now())
    tree = await areas.tree(context.session)
    # co-organisers (issue 10 item 1): those that no longer serve the area are dropped
    choices = await joint.choices_for(session=context.session, area_id=draft.area_id)
    chosen = [c for c in choices if c.id in draft.organisation_ids]
    if draft.organisation_ids:
        data["organisations"] = [c.id for c in chosen]
    organisers = [c.name for c in chosen]
    summary = action_summary(t, draft.to_action(), tree.name(draft.area_id), organisers=organisers)
    text = t.gettext("Please check the action:") + f"\n\n{summary}\n\n"
    text += t.gettext("Shall I send the call to the volunteers?")
    buttons = [
        [(t.gettext("Yes, send the call"), NA_CONFIRM.encode())],
        [(t.gettext("Ask for a language"), NA_LANGUAGES.encode())],
        [(t.gettext("Start over"), NA_RESTART.encode()), (t.gettext("Cancel"), NA_CANCEL.encode())],
    ]
    if choices:
        buttons.insert(2, [(t.gettext("Together with partners"), NA_ORGANISERS.encode())])
    from bot.handlers.new_action.checks import nobody_note  # it asks this module's questions

    person = await context.person()
    nobody = await nobody_note(context, t, person, draft.to_action()) if person else None
    if nobody is not None:  # said before confirming, with the wider choice (issue 7 item 3)
        text += "\n\n" + nobody[0]
        buttons = nobody[1] + buttons
    return text, keyboard(buttons)


_FIELD_STATE = {
    "kind": KIND,
    "title": TITLE,
    "area": AREA,
    "meeting_place": PLACE,
    "date": DATE,
    "starts_at": START,
    "ends_at": END,
    "volunteers_needed": NEEDED,
}


def _field_problem(t: Translator, field: str) -> str:
    """A kind explanation of why a stored value is no longer right."""
    if field == "title":
        return t.gettext("The title must be 1 to {n} characters.", n=actions.TITLE_MAX)
    if field == "meeting_place":
        return t.gettext("The meeting place must be 1 to {n} characters.", n=actions.PLACE_MAX)
    if field in ("date", "starts_at"):
        return t.gettext("That moment has already passed. Please choose a later one.")
    if field == "ends_at":
        return t.gettext("The end must be after the start, and at most 12 hours later.")
    return t.gettext("Something is missing. Let's try that step again.")


def _passed_step(date_text: object, today: dt.date) -> str:
    """Where to go when the chosen start has passed: the date question when the chosen day
    is before `today` (local) or unreadable, else the start-time question."""
    try:
        day = dt.date.fromisoformat(str(date_text))
    except ValueError:
        return DATE
    return DATE if day < today else START


def _start_passed(context: WijkContext, t: Translator) -> tuple[str, str]:
    """The step to ask again when the chosen start has passed, with its note."""
    state = _passed_step(_draft(context).get("date"), _local_today(context))
    if state == DATE:
        note = t.gettext("That day has already passed. Please choose another day.")
    else:
        note = _field_problem(t, "starts_at")
    hint = t.gettext("Send /cancel to stop planning.")
    return state, f"{note} {hint}"


def _problem_step(context: WijkContext, t: Translator, field: str) -> tuple[str, str]:
    """The step to ask again for a bad stored value (`InvalidInput.field`), with its note."""
    if field == "starts_at":
        return _start_passed(context, t)
    return _FIELD_STATE.get(field, KIND), _field_problem(t, field)


async def _ask(
    state: str,
    update: Update,
    context: WijkContext,
    t: Translator,
    person: Person,
    note: str | None = None,
) -> str:
    """Ask the question of `state` (with an optional note above it); returns `state`.

    When the preview finds a problem (for example the chosen time passed while the draft
    waited), the step with the problem is asked instead.
    """
    try:
        text, markup = await _question(state, context, t, person)
    except InvalidInput as exc:
        state, note = _problem_step(context, t, exc.field)
        text, markup = await _question(state, context, t, person)
    await say(update, f"{note}\n\n{text}" if note else text, markup)
    return state


_STEP_KEYS = (
    (KIND, "kind"),
    (TITLE, "title"),
    (AREA, "area_id"),
    (PLACE, "place"),
    (DATE, "date"),
    (START, "start"),
    (END, "end"),
    (NEEDED, "needed"),
)


def _earlier_gap(draft: dict[str, Any], state: str) -> str | None:
    """The first step before `state` whose answer is missing from the draft, or None.

    Normally None; a draft can only lose values if user_data was removed by other means
    while the conversation state was kept.
    """
    for step, key in _STEP_KEYS:
        if step == state:
            return None
        if draft.get(key) in (None, ""):
            return step
    return None


def _bad_time(t: Translator) -> str:
    return t.gettext("I did not understand that time. Please type it like 14:00.")


def _skipped_time(t: Translator) -> str:
    return t.gettext(
        "That time does not exist that night: the clocks go forward one hour. "
        "Please type another time."
    )


def _created_text(
    t: Translator, action: Action, plan: actions.CallPlan, now: dt.datetime | None = None
) -> str:
    """What the coordinator is told after confirming: who gets the call now, and at what
    time (with the date when not today, `now` aware UTC) the others get it."""
    lines = [t.gettext("Done! The action {title} is planned.", title=f"<b>{esc(action.title)}</b>")]
    if plan.first_wave + plan.second_wave == 0:
        lines.append(t.gettext("There are no volunteers in this area yet, so nobody is called."))
    elif plan.first_wave:
        lines.append(
            t.ngettext(
                "{n} volunteer gets the call now.",
                "{n} volunteers get the call now.",
                plan.first_wave,
            )
        )
    else:
        lines.append(t.gettext("Nobody's usual times and tasks fit this action exactly."))
    if plan.second_wave and plan.later_at is not None:
        same_day = now is not None and (
            now.astimezone(t.tz).date() == plan.later_at.astimezone(t.tz).date()
        )
        when = t.time(plan.later_at) if same_day else t.datetime(plan.later_at)
        later = {"time": esc(when)}
        if plan.first_wave:
            lines.append(
                t.ngettext(
                    "{n} more volunteer gets it at {time}, if there are still places.",
                    "{n} more volunteers get it at {time}, if there are still places.",
                    plan.second_wave,
                    **later,
                )
            )
        else:
            lines.append(
                t.ngettext(
                    "{n} volunteer gets the call at {time}, if there are still places.",
                    "{n} volunteers get the call at {time}, if there are still places.",
                    plan.second_wave,
                    **later,
                )
            )
    return "\n".join(lines)


def _roster_button(t: Translator, action_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(t.gettext("Who is coming?"), f"act:r:{action_id}")]])
