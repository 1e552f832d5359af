"""Hand-over texts and buttons (HTML; names, notes and organisation names escaped): the
owner's choice of request and organisation, the resident's consent question, what the
partner's staff see and answer, and what the owner hears back."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.domain.coupling.handover_flow import HandOverDetails, RequestItem
from bot.domain.vocabulary import HandOverAnswer
from bot.i18n import Translator
from bot.views.lists import cut, keyboard, name_html, name_plain
from bot.views.people import task_label

Rendered = tuple[str, InlineKeyboardMarkup | None]


def reason_label(t: Translator, code: str) -> str:
    """A partner's reason for "Niet voor ons"."""
    labels = {
        "not_our_work": t.gettext("Not our kind of work"),
        "no_capacity": t.gettext("No room at the moment"),
        "outside_area": t.gettext("Outside our area"),
    }
    return labels.get(code, code)


def pick_request(t: Translator, items: Sequence[RequestItem]) -> Rendered:
    """/doorzetten: the requests the coordinator may hand over."""
    if not items:
        return t.gettext("There are no help requests to hand over in your area."), None
    rows = [
        [
            (
                f"{name_plain(item.resident_name)} ({cut(item.place)})",
                callbacks.HO_REQUEST.encode(request_id=item.request_id),
            )
        ]
        for item in items
    ]
    return t.gettext("Which help request do you want to hand over to an organisation?"), keyboard(
        rows
    )


def pick_organisation(
    t: Translator, request_id: int, organisations: Sequence[tuple[int, str]]
) -> Rendered:
    """The organisations serving the request's area."""
    if not organisations:
        return t.gettext("No organisation serves this area yet."), None
    rows = [
        [
            (
                cut(name, 60),
                callbacks.HO_ORGANISATION.encode(request_id=request_id, organisation_id=org_id),
            )
        ]
        for org_id, name in organisations
    ]
    text = t.gettext("To which organisation? I will first ask the resident if that is all right.")
    return text, keyboard(rows)


def asked(t: Translator, resident_name: str) -> str:
    """To the coordinator, after asking."""
    return t.gettext(
        "I have asked {name} if that is all right. You will hear the answer.",
        name=name_html(resident_name, None),
    )


def consent_question(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind coupling_hand_over_consent, to the resident."""
    text = t.gettext(
        "Your coordinator thinks {organisation} can help you better. May we pass on your "
        "help request (your first name, buurt, what you need help with and your note) to them?",
        organisation=html.escape(str(args.get("organisation", ""))),
    )
    if not args.get("request_id") or not args.get("organisation_id"):
        return text, None
    ids = {"request_id": int(args["request_id"]), "organisation_id": int(args["organisation_id"])}
    rows = [
        [
            (t.gettext("Yes, that is fine"), callbacks.HO_CONSENT.encode(agreed=True, **ids)),
            (t.gettext("No"), callbacks.HO_CONSENT.encode(agreed=False, **ids)),
        ]
    ]
    return text, keyboard(rows)


def consent_thanks(t: Translator, agreed: bool) -> str:
    """The answer to the resident's press."""
    if agreed:
        return t.gettext("Thank you. We pass it on; they will get in touch with you.")
    return t.gettext("All right, we do not pass it on. Your coordinator will know.")


def consent_answer(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind coupling_hand_over_consent_answer, to the coordinator who asked."""
    organisation = html.escape(str(args.get("organisation", "")))
    if args.get("agreed"):
        return t.gettext(
            "The resident agreed: the help request has been handed over to {organisation}.",
            organisation=organisation,
        ), None
    return t.gettext(
        "The resident does not want the help request handed over to {organisation}.",
        organisation=organisation,
    ), None


def new_hand_over(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind coupling_hand_over, to each staff member (details only on a press)."""
    text = t.gettext("The neighbourhood network hands over a help request to your organisation.")
    if not args.get("hand_over_id"):
        return text, None
    data = callbacks.HO_VIEW.encode(hand_over_id=int(args["hand_over_id"]))
    return text, keyboard([[(t.gettext("View"), data)]])


def details_view(t: Translator, found: HandOverDetails) -> Rendered:
    """What the staff member needs to act, with the answer buttons while not answered."""
    lines = [
        t.gettext("Hand-over {id}", id=found.hand_over_id),
        t.gettext(
            "Resident: {name}, {place}",
            name=name_html(found.resident_name, None),
            place=html.escape(found.place),
        ),
        t.gettext(
            "Needs help with: {tasks}", tasks=", ".join(task_label(t, x) for x in found.tasks)
        ),
        t.gettext("Speaks: {languages}", languages=", ".join(found.languages)),
    ]
    if found.note:
        lines.append(t.gettext("Note: {note}", note=html.escape(found.note)))
    lines.append(
        t.gettext(
            "Contact: coordinator {name}, through this bot.",
            name=name_html(found.coordinator_name, None),
        )
    )
    if found.answer is not None:
        lines.append(answer_line(t, found.answer))
        return "\n".join(lines), None
    hid = found.hand_over_id
    rows = [
        [
            (
                t.gettext("Picked up"),
                callbacks.HO_ANSWER.encode(hand_over_id=hid, answer="picked_up"),
            ),
            (t.gettext("Not for us"), callbacks.HO_NOT_FOR_US.encode(hand_over_id=hid)),
        ]
    ]
    return "\n".join(lines), keyboard(rows)


def reasons_view(t: Translator, hand_over_id: int) -> Rendered:
    """ "Niet voor ons": why?"""
    rows = [
        [
            (
                reason_label(t, code),
                callbacks.HO_ANSWER.encode(hand_over_id=hand_over_id, answer=code),
            )
        ]
        for code in ("not_our_work", "no_capacity", "outside_area")
    ]
    return t.gettext("Why is it not for you? The coordinator will see this."), keyboard(rows)


def answer_line(t: Translator, answer: HandOverAnswer) -> str:
    """The answer given so far."""
    if answer == HandOverAnswer.PICKED_UP:
        return t.gettext("Answer: picked up.")
    return t.gettext("Answer: not for us.")


def answered(t: Translator, args: dict[str, Any]) -> Rendered:
    """Outbox kind coupling_hand_over_answered, to the owner."""
    organisation = html.escape(str(args.get("organisation", "")))
    if args.get("answer") == HandOverAnswer.PICKED_UP:
        return t.gettext(
            "{organisation} has picked up the help request you handed over.",
            organisation=organisation,
        ), None
    return t.gettext(
        "{organisation} says the help request is not for them: {reason}. It is open again.",
        organisation=organisation,
        reason=html.escape(reason_label(t, str(args.get("reason") or ""))),
    ), None
