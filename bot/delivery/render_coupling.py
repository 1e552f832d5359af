"""Renderers of the coupling outbox kinds that this part builds: proposals (to the
volunteer, to the resident), their outcome for the owner, the introduction when coupled,
and the re-raised request. Facts are loaded at send time (`bot.domain.coupling.messages`)
and merged into `args`; check-in, ending and hand-over kinds are rendered elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape as esc
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.callbacks import REQUEST_OPEN, REQUEST_SUGGEST
from bot.domain.coupling.summaries import ProposalFacts
from bot.domain.outbox import MessageKind
from bot.i18n import Translator
from bot.views.coupling import proposal_resident_view, proposal_volunteer_view, tasks_text
from bot.views.lists import keyboard, name_html

Rendered = tuple[str, InlineKeyboardMarkup | None]


def _proposal_volunteer(t: Translator, action: Any, area: str, args: dict[str, Any]) -> Rendered:
    facts: ProposalFacts = args["proposal"]
    return proposal_volunteer_view(t, facts.proposal_id, facts.request)


def _proposal_resident(t: Translator, action: Any, area: str, args: dict[str, Any]) -> Rendered:
    facts: ProposalFacts = args["proposal"]
    return proposal_resident_view(t, facts.proposal_id, facts.volunteer_name, facts.volunteer_place)


def _next(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [[(t.gettext("Next suggestions"), REQUEST_SUGGEST.encode(request_id=request_id))]]
    )


def _declined(t: Translator, action: Any, area: str, args: dict[str, Any]) -> Rendered:
    facts: ProposalFacts = args["proposal"]
    names = {
        "volunteer": f"<b>{name_html(facts.volunteer_name, None)}</b>",
        "resident": f"<b>{name_html(facts.request.resident_name, None)}</b>",
    }
    if args.get("by") == "resident":
        head = t.gettext("{resident} did not want to be introduced to {volunteer}.", **names)
    elif args.get("answer") == "not_now":
        head = t.gettext(
            "{volunteer} would rather not now (no proposals for 4 weeks), so cannot help "
            "{resident}.",
            **names,
        )
    else:
        head = t.gettext("{volunteer} cannot help {resident}.", **names)
    tail = t.gettext("The request is open again. Ask the next volunteer?")
    return f"{head} {tail}", _next(t, facts.request.id)


def _expired(t: Translator, action: Any, area: str, args: dict[str, Any]) -> Rendered:
    facts: ProposalFacts = args["proposal"]
    who = facts.volunteer_name if args.get("by") == "volunteer" else facts.request.resident_name
    head = t.gettext(
        "{name} did not answer in time about the request of {resident}.",
        name=f"<b>{name_html(who, None)}</b>",
        resident=f"<b>{name_html(facts.request.resident_name, None)}</b>",
    )
    tail = t.gettext("The request is open again. Ask the next volunteer?")
    return f"{head} {tail}", _next(t, facts.request.id)


def _coupled(t: Translator, action: Any, area: str, args: dict[str, Any]) -> Rendered:
    volunteer = f"<b>{name_html(args['volunteer_name'], None)}</b>"
    resident = f"<b>{name_html(args['resident_name'], None)}</b>"
    tasks = esc(tasks_text(t, list(args.get("tasks", []))))
    if args["role"] == "volunteer" and args.get("contact_name"):
        return t.gettext(
            "You and {resident} from {place} said yes: you are now a couple (koppel). "
            "{resident} would like help with: {tasks}. {resident} has no Telegram: "
            "{coordinator} is your contact, passes on your messages and helps you to meet "
            "for the first time (kennismaking). Thank you!",
            resident=resident,
            place=esc(args["resident_place"]),
            tasks=tasks,
            coordinator=f"<b>{name_html(args['contact_name'], None)}</b>",
        ), None
    if args["role"] == "volunteer":
        return t.gettext(
            "You and {resident} from {place} said yes: you are now a couple (koppel). "
            "{resident} would like help with: {tasks}. Your coordinator helps you to meet "
            "for the first time (kennismaking). Thank you!",
            resident=resident,
            place=esc(args["resident_place"]),
            tasks=tasks,
        ), None
    if args["role"] == "resident":
        return t.gettext(
            "You and {volunteer} said yes: {volunteer} will help you with: {tasks}. "
            "The coordinator helps you to meet for the first time.",
            volunteer=volunteer,
            tasks=tasks,
        ), None
    return t.gettext(
        "{volunteer} and {resident} both said yes: they are now a couple. "
        "Plan their first meeting (kennismaking).",
        volunteer=volunteer,
        resident=resident,
    ), None


def _raised(t: Translator, action: Any, area: str, args: dict[str, Any]) -> Rendered:
    text = t.gettext(
        "A help request in {place} has been waiting for 2 working days and nobody has "
        "taken it on yet.",
        place=esc(str(args.get("place", ""))),
    )
    button = [
        (t.gettext("See the request"), REQUEST_OPEN.encode(request_id=int(args["request_id"])))
    ]
    return text, keyboard([button])


COUPLING_RENDERERS: dict[MessageKind, Callable[..., Rendered]] = {
    MessageKind.PROPOSAL_VOLUNTEER: _proposal_volunteer,
    MessageKind.PROPOSAL_RESIDENT: _proposal_resident,
    MessageKind.PROPOSAL_DECLINED: _declined,
    MessageKind.PROPOSAL_EXPIRED: _expired,
    MessageKind.COUPLED: _coupled,
    MessageKind.REQUEST_RAISED: _raised,
}
