"""Place signals (signalen, issue 10 §3): something about a building, a portiek or public
space that an action brought up, sent to one partner organisation of the area.

Who sends: a volunteer who came to an action (a confirmed place on an action that started
and ended at most `bot.domain.results.RESULTS_WINDOW` ago; the signal is linked to it), or
a coordinator (linked to an action of their area when sent from its results screen, else
about their own area). A signal about a *person* is not taken here: the texts point to a
hand-over with the resident's consent (`/doorzetten`) or the safeguarding route (`/zorgen`).

Who gets it: the staff (`partner_member`) of the chosen organisation whose own area holds
the signal's area ("of that area"). They answer Opgepakt (picked_up), Afgerond (done) or
Niet voor ons (not_for_us, with a typed reason); the sender and the area's coordinators
are told (one short message each). Partner staff see and answer only their own
organisation's signals; coordinators see every signal of their area (`list_signals`).

Messages queued (args are ids only; the text is loaded at send time,
`bot.domain.signal_jobs.signal_facts`): signal_new {"signal_id"} to each staff member;
signal_answered {"signal_id", "status"} to the sender and the coordinators; signal_raised
{"signal_id"} (`bot.domain.signal_jobs.reraise_unpicked`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, consent, outbox
from bot.domain.actions import may_manage
from bot.domain.coupling.organisations import organisation_of
from bot.domain.coupling.requests import ancestor_ids, coordinators_of
from bot.domain.errors import DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.results_entry import recordable_actions
from bot.domain.vocabulary import ActionStatus, Role, SignalStatus
from storage.models import Action, Organisation, PartnerMember, Person, Signal

#: Longest signal text (characters): a few sentences about a place, readable on a phone.
TEXT_MAX = 500
TEXT_MIN = 3
#: Longest typed "Niet voor ons" reason (the column's size, as for hand-overs).
REASON_MAX = 200
REASON_MIN = 2
#: The consent purpose under which a volunteer's signals stay linked to them.
PURPOSE = "signals"
#: Status -> outbox kind for answers (statuses a partner can set).
ANSWERS = (SignalStatus.PICKED_UP, SignalStatus.DONE, SignalStatus.NOT_FOR_US)
CLOSED = (SignalStatus.DONE, SignalStatus.NOT_FOR_US)


class SignalClosed(DomainError):
    """The signal was answered otherwise already (done, or not for us)."""


@dataclass(frozen=True)
class SignalStart:
    """Where a new signal would go: the linked action (None: none), its title, the area
    (id and name) and the organisations serving it [(id, name)] by name."""

    action_id: int | None
    action_title: str | None
    area_id: int
    place: str
    organisations: list[tuple[int, str]]


async def organisations_for_area(*, session: AsyncSession, area_id: int) -> list[tuple[int, str]]:
    """(id, name) of the organisations serving `area_id` (theirs or an area above), by name."""
    ids = await ancestor_ids(session, area_id)
    rows = await session.scalars(
        select(Organisation).where(Organisation.area_id.in_(ids)).order_by(Organisation.name)
    )
    return [(o.id, o.name) for o in rows.all()]


async def start_signal(
    *, session: AsyncSession, sender: Person, now: dt.datetime, action_id: int | None = None
) -> SignalStart:
    """Check that `sender` may send a signal now (`now` aware UTC) and say where it goes.

    Volunteers: a confirmed place on an action that started and ended at most 14 days ago
    (`action_id`, else their most recent such action). Coordinators: an action of their
    area (`action_id`), else their own area. Raises `NotAllowed` for anyone else, for an
    action they may not record results for, or when no action qualifies (volunteers);
    `NotFound` for an unknown action."""
    if sender.onboarded_at is None or sender.role not in (Role.VOLUNTEER, Role.COORDINATOR):
        raise NotAllowed()
    action: Action | None = None
    if sender.role == Role.VOLUNTEER:
        allowed = await recordable_actions(session=session, person=sender, now=now)
        if action_id is not None:
            allowed = [a for a in allowed if a.id == action_id]
        if not allowed:
            raise NotAllowed()
        action = allowed[0]
    elif action_id is not None:
        action = await session.get(Action, action_id)
        if action is None:
            raise NotFound()
        if action.status == ActionStatus.CANCELLED or not await may_manage(
            session=session, person=sender, area_id=action.area_id
        ):
            raise NotAllowed()
    area_id = action.area_id if action is not None else sender.area_id
    tree = await areas.tree(session)
    return SignalStart(
        action.id if action else None,
        action.title if action else None,
        area_id,
        tree.name(area_id),
        await organisations_for_area(session=session, area_id=area_id),
    )


def clean_text(text: str, *, low: int = TEXT_MIN, high: int = TEXT_MAX, field: str = "text") -> str:
    """`text` with runs of white space made one space; raises `InvalidInput(field)` when
    it is shorter than `low` or longer than `high` characters."""
    clean = " ".join((text or "").split())
    if not low <= len(clean) <= high:
        raise InvalidInput(field, f"{low} to {high} characters")
    return clean


async def staff_of(*, session: AsyncSession, organisation_id: int, area_id: int) -> list[Person]:
    """Active staff of the organisation whose own area holds `area_id`, by id."""
    ids = await ancestor_ids(session, area_id)
    rows = await session.scalars(
        select(Person)
        .join(PartnerMember, PartnerMember.person_id == Person.id)
        .where(
            PartnerMember.organisation_id == organisation_id,
            Person.role == Role.PARTNER,
            Person.area_id.in_(ids),
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
        )
        .order_by(Person.id)
    )
    return list(rows.all())


@dataclass(frozen=True)
class SentSignal:
    """A signal just sent: the row, how many staff members get it, and whether it stays
    linked to the sender (False: a volunteer without consent for `PURPOSE`)."""

    signal: Signal
    staff: int
    linked: bool


async def send_signal(
    *,
    session: AsyncSession,
    sender: Person,
    organisation_id: int,
    text: str,
    now: dt.datetime,
    action_id: int | None = None,
) -> SentSignal:
    """Store a place signal and queue `signal_new` to the organisation's staff of the area.

    Checks again everything `start_signal` checks, that the organisation serves the area,
    and the text (`clean_text`: 3..500 characters). A volunteer who did not agree to the
    purpose "signals" sends it unlinked (`sender_id` NULL: they hear no answer).
    Raises `NotAllowed`, `NotFound`, `InvalidInput("text")`."""
    start = await start_signal(session=session, sender=sender, now=now, action_id=action_id)
    if organisation_id not in {org_id for org_id, _ in start.organisations}:
        raise NotAllowed()
    clean = clean_text(text)
    linked = sender.role == Role.COORDINATOR or await consent.has_consent(
        session=session, person=sender, purpose=PURPOSE
    )
    signal = Signal(
        organisation_id=organisation_id,
        area_id=start.area_id,
        action_id=start.action_id,
        sender_id=sender.id if linked else None,
        text=clean,
        status=SignalStatus.OPEN,
        created_at=now,
    )
    session.add(signal)
    await session.flush()
    staff = await staff_of(session=session, organisation_id=organisation_id, area_id=start.area_id)
    for member in staff:
        await outbox.enqueue(
            session=session,
            person=member,
            message_key=outbox.MessageKind.SIGNAL_NEW,
            due_at=now,
            dedup_key=f"{outbox.MessageKind.SIGNAL_NEW}:{signal.id}:{member.id}",
            args={"signal_id": signal.id},
            now=now,
        )
    return SentSignal(signal, len(staff), linked)


async def _may_see(session: AsyncSession, viewer: Person, signal: Signal) -> bool:
    """Coordinators of the signal's area; staff of its organisation whose area holds it."""
    if viewer.onboarded_at is None:
        return False
    if viewer.role == Role.COORDINATOR:
        return await may_manage(session=session, person=viewer, area_id=signal.area_id)
    if viewer.role != Role.PARTNER:
        return False
    if await organisation_of(session=session, person_id=viewer.id) != signal.organisation_id:
        return False
    return viewer.area_id in await ancestor_ids(session, signal.area_id)


async def answer_signal(
    *,
    session: AsyncSession,
    signal_id: int,
    partner: Person,
    answer: SignalStatus,
    now: dt.datetime,
    reason: str | None = None,
) -> Signal:
    """A staff member of the signal's organisation (and area) answers: picked_up (from
    open), done (from open or picked up) or not_for_us with a reason (2..200 characters;
    from open or picked up). The sender and the area's coordinators are told once per
    answer. The same answer again changes nothing. Raises `NotFound`, `NotAllowed` (not
    their organisation or area, or not partner staff), `SignalClosed` (done or not for us
    already, or picked up again after being picked up otherwise), `InvalidInput("reason")`.
    """
    signal = await session.scalar(select(Signal).where(Signal.id == signal_id).with_for_update())
    if signal is None:
        raise NotFound()
    if partner.role != Role.PARTNER or not await _may_see(session, partner, signal):
        raise NotAllowed()
    if answer not in ANSWERS:
        raise InvalidInput("answer")
    if signal.status == answer:
        return signal
    if signal.status in CLOSED or (
        answer == SignalStatus.PICKED_UP and signal.status != SignalStatus.OPEN
    ):
        raise SignalClosed()
    if answer == SignalStatus.NOT_FOR_US:
        signal.reason = clean_text(reason or "", low=REASON_MIN, high=REASON_MAX, field="reason")
    signal.status = answer
    signal.answered_by_id = partner.id
    signal.answered_at = now
    if answer in CLOSED:
        signal.closed_at = now
    told: dict[int, Person] = {}
    if signal.sender_id is not None:
        sender = await session.get(Person, signal.sender_id)
        if sender is not None and sender.stopped_at is None:
            told[sender.id] = sender
    for coordinator in await coordinators_of(session=session, area_id=signal.area_id):
        told.setdefault(coordinator.id, coordinator)
    for person in told.values():
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=outbox.MessageKind.SIGNAL_ANSWERED,
            due_at=now,
            dedup_key=f"{outbox.MessageKind.SIGNAL_ANSWERED}:{signal.id}:{answer}:{person.id}",
            args={"signal_id": signal.id, "status": str(answer)},
            now=now,
        )
    await session.flush()
    return signal


@dataclass(frozen=True)
class SignalView:
    """One signal as a viewer may see it: organisation, place, its text (None once
    purged), status, the "niet voor ons" reason, when it was sent (aware UTC), the linked
    action's title, and whether this viewer may answer it (its organisation's staff)."""

    id: int
    organisation: str
    place: str
    text: str | None
    status: SignalStatus
    reason: str | None
    created_at: dt.datetime
    action_title: str | None
    may_answer: bool


async def _view(session: AsyncSession, signal: Signal, viewer: Person) -> SignalView:
    org = await session.get(Organisation, signal.organisation_id)
    action = await session.get(Action, signal.action_id) if signal.action_id else None
    tree = await areas.tree(session)
    return SignalView(
        signal.id,
        org.name if org else "?",
        tree.name(signal.area_id),
        signal.text,
        SignalStatus(signal.status),
        signal.reason,
        signal.created_at,
        action.title if action else None,
        viewer.role == Role.PARTNER,
    )


async def signal_view(*, session: AsyncSession, signal_id: int, viewer: Person) -> SignalView:
    """One signal for a coordinator of its area or its organisation's staff of the area.
    Raises `NotFound`, `NotAllowed` (anyone else: partners never see another
    organisation's signal, whatever id they send)."""
    signal = await session.get(Signal, signal_id)
    if signal is None:
        raise NotFound()
    if not await _may_see(session, viewer, signal):
        raise NotAllowed()
    return await _view(session, signal, viewer)


async def list_signals(*, session: AsyncSession, viewer: Person) -> list[SignalView]:
    """The signals a viewer may see, by organisation name, then newest first.

    Coordinators: every signal of their area (and below). Partner staff: only their own
    organisation's signals whose area their own area holds (filtered in SQL, then checked
    row by row as `signal_view` does). Raises `NotAllowed` for anyone else."""
    if viewer.onboarded_at is None or viewer.role not in (Role.COORDINATOR, Role.PARTNER):
        raise NotAllowed()
    scope = (await areas.tree(session)).descendant_ids(viewer.area_id)
    query = select(Signal).where(Signal.area_id.in_(scope))
    if viewer.role == Role.PARTNER:
        org_id = await organisation_of(session=session, person_id=viewer.id)
        if org_id is None:
            raise NotAllowed()
        query = query.where(Signal.organisation_id == org_id)
    rows = await session.scalars(query.order_by(Signal.created_at.desc(), Signal.id.desc()))
    views = [
        await _view(session, s, viewer) for s in rows.all() if await _may_see(session, viewer, s)
    ]
    return sorted(views, key=lambda v: v.organisation.casefold())
