"""Everything stored about one person, for access and portability (AVG/GDPR art. 15 and
20; `/mijngegevens`). Returns codes and values, no user-facing text; the handler renders a
readable summary and sends the JSON (`PersonalData.as_json`).

When a feature stores something new about a person, add it here (the erasure scan test
finds data that erasure forgets; this list is its counterpart for access).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import attendance, signal_jobs
from bot.domain.consent import PURPOSE_KEYS
from storage.models import (
    Action,
    ActionResult,
    ActionResultTheme,
    Area,
    AvailabilitySlot,
    CalendarCopy,
    CheckIn,
    Couple,
    CouplingProfile,
    Flyer,
    HelpRequest,
    HelpRequestLanguage,
    HelpRequestSlot,
    HelpRequestTask,
    Invite,
    Offer,
    OutboxChatPace,
    OutboxMessage,
    PersistedState,
    Person,
    PersonConsent,
    RelayMessage,
    Rsvp,
    SignUp,
)


@dataclass(frozen=True)
class PersonalData:
    """All stored data of one person. Datetimes are aware UTC, dates are calendar dates.

    profile: the person row (Telegram ids, first name, role, area and buurt names, language,
    spoken languages, sign-up / consent / onboarding / stop / unreachable times, pause).
    offers / help_requests: task codes (with status and date for help requests).
    availability: [{weekday 0=Monday, day_part}]. answers: [{action, answer, place status,
    answered_at}]. consents: [{purpose, version, answer (asked|agreed|refused), given_at}].
    messages: outbox rows to them
    [{message_key, status, due_at, sent_at}]. actions_created / invites_created: what they
    made as a coordinator. chat_state: conversation steps and sign-up state the bot keeps.
    attendance: [{action, starts_at, attended, recorded_at}] (bot.domain.attendance).
    calendar_files: [{action, sequence}]: calendar files (.ics) they received.
    couples: [{side, since, ended_at, meeting_at, meeting_place, check_ins: [{round,
    asked_at, answer}]}] (the other side is not named: that is their data).
    relayed_messages: how many copies of others' messages the bot keeps ids of in their
    chat (ids only, never the text; `bot.domain.relay`).
    results: [{action, street, conversations, new_residents, themes}] they recorded.
    sign_up: {invite_id, flyer, at}: the invite (and flyer label) they signed up with.
    coupling_profile: {max_couples, ready_at, vog_date, not_now_until} (volunteers;
    `vog_date`: the day a coordinator saw their VOG, date only).
    without_telegram: for a resident registered on their behalf, {phone, consent_to
    (coordinator's first name), consent_on (date), contact_id}.
    residents_on_behalf: for a coordinator, the residents without Telegram they answer for
    [{person_id, first_name, phone, consent_on}], so they can answer such a resident's own
    request for their data (bot.domain.coupling.on_behalf).
    signals: [{as, organisation, place, text, status, reason, sent_at}]: place signals
    that still name them as sender or as the partner who answered
    (bot.domain.signal_jobs.sent_by).
    send_pacing: {chat_id, next_message_from}: when the bot's next message to their chat
    may go (PostgreSQL senders' shared pacing, `outbox_chat_pace`; deleted a day after
    that time, `bot.domain.retention`), or None when no such row exists.
    """

    profile: dict[str, Any]
    offers: list[str] = field(default_factory=list)
    help_requests: list[dict[str, Any]] = field(default_factory=list)
    availability: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    consents: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    actions_created: list[dict[str, Any]] = field(default_factory=list)
    invites_created: list[dict[str, Any]] = field(default_factory=list)
    chat_state: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    calendar_files: list[dict[str, Any]] = field(default_factory=list)
    couples: list[dict[str, Any]] = field(default_factory=list)
    relayed_messages: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)
    sign_up: dict[str, Any] | None = None
    coupling_profile: dict[str, Any] | None = None
    without_telegram: dict[str, Any] | None = None
    residents_on_behalf: list[dict[str, Any]] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)
    send_pacing: dict[str, Any] | None = None

    def as_json(self) -> str:
        """Pretty JSON (UTF-8 text), datetimes and dates in ISO 8601."""
        return json.dumps(asdict(self), default=_iso, ensure_ascii=False, indent=2)


def _purpose_order(row: PersonConsent) -> tuple[int, str]:
    keys = list(PURPOSE_KEYS)
    return (keys.index(row.purpose) if row.purpose in keys else len(keys), row.purpose)


def _iso(value: object) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


async def personal_data(*, session: AsyncSession, person: Person) -> PersonalData:
    """Collect everything stored about `person` (see `PersonalData`)."""
    area = await session.get(Area, person.area_id)
    buurt = await session.get(Area, person.buurt_id) if person.buurt_id else None
    profile = {
        "telegram_user_id": person.telegram_user_id,
        "chat_id": person.chat_id,
        "first_name": person.display_name,
        "role": person.role,
        "area": area.name if area else None,
        "buurt": buurt.name if buurt else None,
        "language": person.language,
        "spoken_languages": list(person.spoken_languages or []),
        "signed_up_at": person.created_at,
        "consent_at": person.consent_at,
        "onboarded_at": person.onboarded_at,
        "stopped_at": person.stopped_at,
        "unreachable_at": person.unreachable_at,
        "paused_until": person.paused_until,
        # cover (coordinators, issue 7): away up to and including this day; the stand-in's id
        "away_until": person.away_until,
        "stand_in_id": person.stand_in_id,
    }
    pid = person.id
    offers = list(await session.scalars(select(Offer.task).where(Offer.person_id == pid)))
    helps = await session.scalars(select(HelpRequest).where(HelpRequest.person_id == pid))
    slots = await session.scalars(select(AvailabilitySlot).where(AvailabilitySlot.person_id == pid))
    answers = await session.execute(
        select(Rsvp, Action)
        .join(Action, Action.id == Rsvp.action_id)
        .where(Rsvp.person_id == pid)
        .order_by(Action.starts_at)
    )
    consents = await session.scalars(
        select(PersonConsent).where(PersonConsent.person_id == pid).order_by(PersonConsent.purpose)
    )
    messages = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.person_id == pid).order_by(OutboxMessage.id)
    )
    made = await session.scalars(
        select(Action).where(Action.created_by_id == pid).order_by(Action.starts_at)
    )
    invites = await session.scalars(
        select(Invite).where(Invite.created_by_id == pid).order_by(Invite.id)
    )
    came = await attendance.for_person(session=session, person_id=pid)
    copies = await session.execute(
        select(CalendarCopy.sequence, Action.title)
        .join(Action, Action.id == CalendarCopy.action_id)
        .where(CalendarCopy.person_id == pid)
        .order_by(Action.starts_at)
    )
    recorded = await _results(session, pid)
    joined = (
        await session.execute(
            select(SignUp.invite_id, SignUp.created_at, Flyer.label)
            .outerjoin(Flyer, Flyer.invite_id == SignUp.invite_id)
            .where(SignUp.person_id == pid)
        )
    ).first()
    tid = str(person.telegram_user_id)
    state = await session.scalars(
        select(PersistedState).where(
            or_(
                (PersistedState.kind == "user_data") & (PersistedState.key == tid),
                PersistedState.kind.like("conversation:%") & PersistedState.key.contains(tid),
            )
        )
    )
    pace = (
        await session.scalar(
            select(OutboxChatPace.next_send_at).where(OutboxChatPace.chat_id == person.chat_id)
        )
        if person.chat_id is not None
        else None
    )
    from bot.domain.coupling import on_behalf  # local: coupling reaches consent, us not

    coupling = await session.get(CouplingProfile, pid)
    offline = await on_behalf.facts(session=session, person_id=pid)
    return PersonalData(
        send_pacing=None
        if pace is None
        else {"chat_id": person.chat_id, "next_message_from": pace},
        coupling_profile=None
        if coupling is None
        else {
            "max_couples": coupling.max_couples,
            "ready_at": coupling.ready_at,
            "vog_date": coupling.vog_date,
            "not_now_until": coupling.not_now_until,
        },
        without_telegram=None
        if offline is None
        else {
            "phone": offline.phone,
            "consent_to": offline.consent_to,
            "consent_on": offline.consent_on,
            "contact_id": offline.contact_id,
        },
        residents_on_behalf=[
            {
                "person_id": f.person_id,
                "first_name": f.name,
                "phone": f.phone,
                "consent_on": f.consent_on,
            }
            for f in await on_behalf.registered_by(session=session, coordinator_id=pid)
        ],
        results=recorded,
        signals=await signal_jobs.sent_by(session=session, person_id=pid),
        sign_up=None
        if joined is None
        else {"invite_id": joined[0], "flyer": joined[2], "at": joined[1]},
        profile=profile,
        offers=sorted(offers),
        help_requests=await _help_requests(session, list(helps.all())),
        availability=[
            {"weekday": s.weekday, "day_part": s.day_part}
            for s in sorted(slots.all(), key=lambda s: (s.weekday, s.day_part))
        ],
        answers=[
            {
                "action": a.title,
                "starts_at": a.starts_at,
                "answer": r.answer,
                "status": r.status,
                "answered_at": r.answered_at,
            }
            for r, a in answers.all()
        ],
        consents=[
            {"purpose": c.purpose, "version": c.version, "answer": c.answer, "given_at": c.given_at}
            for c in sorted(consents.all(), key=_purpose_order)
        ],
        messages=[
            {
                "message_key": m.message_key,
                "status": m.status,
                "due_at": m.due_at,
                "sent_at": m.sent_at,
            }
            for m in messages.all()
        ],
        actions_created=[
            {"title": a.title, "starts_at": a.starts_at, "status": a.status} for a in made.all()
        ],
        invites_created=[
            {"role": i.role, "uses": i.uses, "max_uses": i.max_uses, "expires_at": i.expires_at}
            for i in invites.all()
        ],
        chat_state=[
            {"kind": s.kind, "value": s.value, "updated_at": s.updated_at}
            for s in state.all()
            if s.kind == "user_data" or int(tid) in json.loads(s.key)
        ],
        attendance=[
            {
                "action": r.action_title,
                "starts_at": r.starts_at,
                "attended": r.attended,
                "recorded_at": r.recorded_at,
            }
            for r in came
        ],
        calendar_files=[{"action": title, "sequence": seq} for seq, title in copies.all()],
        couples=await _couples(session, pid),
        relayed_messages=int(
            await session.scalar(
                select(func.count()).select_from(RelayMessage).where(RelayMessage.person_id == pid)
            )
            or 0
        ),
    )


async def _help_requests(session: AsyncSession, helps: list[HelpRequest]) -> list[dict[str, Any]]:
    """Each help request with its tasks, languages, times, note and status."""
    out = []
    for h in helps:
        tasks = await session.scalars(
            select(HelpRequestTask.task).where(HelpRequestTask.request_id == h.id)
        )
        langs = await session.scalars(
            select(HelpRequestLanguage.language).where(HelpRequestLanguage.request_id == h.id)
        )
        slots = await session.execute(
            select(HelpRequestSlot.weekday, HelpRequestSlot.day_part).where(
                HelpRequestSlot.request_id == h.id
            )
        )
        out.append(
            {
                "tasks": sorted(tasks),
                "languages": sorted(langs),
                "times": [{"weekday": w, "day_part": p} for w, p in sorted(slots.all())],
                "note": h.note,
                "status": h.status,
                "since": h.created_at,
            }
        )
    return out


async def _couples(session: AsyncSession, pid: int) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Couple)
        .where((Couple.volunteer_id == pid) | (Couple.resident_id == pid))
        .order_by(Couple.since)
    )
    result = []
    for couple in rows.all():
        asked = await session.scalars(
            select(CheckIn)
            .where(CheckIn.couple_id == couple.id, CheckIn.person_id == pid)
            .order_by(CheckIn.round)
        )
        result.append(
            {
                "side": "volunteer" if couple.volunteer_id == pid else "resident",
                "since": couple.since,
                "ended_at": couple.ended_at,
                "meeting_at": couple.meeting_at,
                "meeting_place": couple.meeting_place,
                "check_ins": [
                    {"round": c.round, "asked_at": c.asked_at, "answer": c.answer}
                    for c in asked.all()
                ],
            }
        )
    return result


async def _results(session: AsyncSession, pid: int) -> list[dict[str, Any]]:
    """The action results this person recorded (bot.domain.results), oldest action first."""
    rows = await session.execute(
        select(ActionResult, Action.title)
        .join(Action, Action.id == ActionResult.action_id)
        .where(ActionResult.person_id == pid)
        .order_by(Action.starts_at, ActionResult.street)
    )
    out = []
    for result, title in rows.all():
        themes = await session.scalars(
            select(ActionResultTheme.theme).where(ActionResultTheme.result_id == result.id)
        )
        out.append(
            {
                "action": title,
                "street": result.street,
                "conversations": result.conversations,
                "new_residents": result.new_residents,
                "themes": sorted(themes),
            }
        )
    return out
