"""Labels and keyboards for onboarding and availability (translated at render time)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Route
from bot.domain.signup import SignupChoices
from bot.domain.tasks import DAY_PARTS, SPOKEN_LANGUAGES, TASKS
from bot.domain.vocabulary import DayPart, Role
from bot.i18n import Translator

ON, OFF = "✅", "⬜"


def task_label(t: Translator, task: str) -> str:
    """Human label of a task code from `bot.domain.tasks.TASKS`."""
    labels = {
        "doorstep": t.gettext("Doorstep conversations"),
        "street_stand": t.gettext("Street stand"),
        "shopping": t.gettext("Shopping"),
        "paperwork": t.gettext("Forms and paperwork"),
        "digital_help": t.gettext("Digital help"),
        "company": t.gettext("Company and going for walks"),
        "odd_jobs": t.gettext("Odd jobs"),
        "interpreting": t.gettext("Interpreting and translating"),
    }
    return labels[task]


def language_label(t: Translator, code: str) -> str:
    """Name of a spoken language code from `SPOKEN_LANGUAGES`."""
    labels = {
        "nl": t.gettext("Dutch"),
        "en": t.gettext("English"),
        "tr": t.gettext("Turkish"),
        "ar": t.gettext("Arabic"),
        "ber": t.gettext("Tamazight (Berber)"),
        "pap": t.gettext("Papiamento"),
        "es": t.gettext("Spanish"),
        "pl": t.gettext("Polish"),
    }
    return labels[code]


def day_part_label(t: Translator, part: str) -> str:
    """'ochtend' / 'morning' etc."""
    return {
        DayPart.MORNING: t.gettext("morning"),
        DayPart.AFTERNOON: t.gettext("afternoon"),
        DayPart.EVENING: t.gettext("evening"),
    }[part]


def choice_keyboard(
    options: Sequence[tuple[str, str]],
    chosen: set[str],
    toggle: Route,
    done: Route,
    done_label: str,
    *,
    columns: int = 2,
) -> InlineKeyboardMarkup:
    """Buttons '✅ label' / '⬜ label' that set what they do not show yet (`toggle` with
    code and on=1 for ⬜, on=0 for ✅), then a done button (`done`). `options`: (code, label).

    Each button carries the state it sets, so an old keyboard cannot undo a newer choice.
    """
    buttons = [
        InlineKeyboardButton(
            f"{ON if code in chosen else OFF} {label}",
            callback_data=toggle.encode(code=code, on=code not in chosen),
        )
        for code, label in options
    ]
    rows = [buttons[i : i + columns] for i in range(0, len(buttons), columns)]
    rows.append([InlineKeyboardButton(done_label, callback_data=done.encode())])
    return InlineKeyboardMarkup(rows)


def task_keyboard(
    t: Translator, chosen: set[str], toggle: Route, done: Route, tasks: tuple[str, ...] = TASKS
) -> InlineKeyboardMarkup:
    """The fixed task list (or the given subset) as on/off buttons."""
    options = [(task, task_label(t, task)) for task in tasks]
    return choice_keyboard(options, chosen, toggle, done, t.gettext("Done"))


def spoken_keyboard(
    t: Translator, chosen: set[str], toggle: Route, done: Route
) -> InlineKeyboardMarkup:
    """Spoken languages as on/off buttons."""
    options = [(code, language_label(t, code)) for code in SPOKEN_LANGUAGES]
    return choice_keyboard(options, chosen, toggle, done, t.gettext("Done"))


def availability_keyboard(
    t: Translator,
    slots: set[tuple[int, str]],
    slot: Route,
    extra: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """7 rows (Monday..Sunday) x 3 day parts; label '✅ za middag'.

    Each button's data is `slot` with weekday, part and on (1 for a ⬜ slot, 0 for a ✅
    one): it sets the slot to the opposite of what it shows (issue 12). `extra` buttons form
    the last row (e.g. Done, Pause).
    """
    rows = []
    for weekday in range(7):
        rows.append(
            [
                InlineKeyboardButton(
                    f"{ON if (weekday, part) in slots else OFF} "
                    f"{t.short_weekday(weekday)} {day_part_label(t, part)}",
                    callback_data=slot.encode(
                        weekday=weekday, part=part, on=(weekday, part) not in slots
                    ),
                )
                for part in DAY_PARTS
            ]
        )
    if extra:
        rows.append(list(extra))
    return InlineKeyboardMarkup(rows)


def describe_slots(t: Translator, slots: set[tuple[int, str]]) -> str:
    """'za middag, zo ochtend' or a 'no moments chosen' text."""
    if not slots:
        return t.gettext("no moments chosen yet")
    order = list(DAY_PARTS)
    return ", ".join(
        f"{t.short_weekday(w)} {day_part_label(t, p)}"
        for w, p in sorted(slots, key=lambda s: (s[0], order.index(s[1])))
    )


def describe_choices(t: Translator, role: str, choices: SignupChoices) -> str:
    """The choices made at sign-up, one line each (HTML-escaped), so people can check them.

    Volunteers: buurt, languages, what they like to do, when they can help. Residents:
    buurt, what they would like help with, what they can offer.
    """
    none = "–"

    def listed(labels: list[str]) -> str:
        return html.escape(", ".join(labels)) if labels else none

    lines = [t.gettext("Neighbourhood: {place}", place=html.escape(choices.place))]
    if role == Role.VOLUNTEER:
        lines += [
            t.gettext(
                "Languages: {languages}",
                languages=listed(
                    [language_label(t, c) for c in SPOKEN_LANGUAGES if c in choices.languages]
                ),
            ),
            t.gettext(
                "You like to do: {tasks}", tasks=listed([task_label(t, c) for c in choices.offers])
            ),
            t.gettext("When you can help: {slots}", slots=describe_slots(t, choices.slots)),
        ]
    else:
        lines += [
            t.gettext(
                "Would like help with: {tasks}",
                tasks=listed([task_label(t, c) for c in choices.wants]),
            ),
            t.gettext(
                "Can offer: {tasks}", tasks=listed([task_label(t, c) for c in choices.offers])
            ),
        ]
    return "\n".join(lines)
