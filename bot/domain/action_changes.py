"""Changing a planned action: edit its title, place, times or places; find duplicates.

Issue 7 items 1 and 10. An edit is one transaction (`edit_action`): the action row is
locked (as an answer locks it, `bot.domain.rsvp`), the new values are checked with the
same rules as a new action (`bot.domain.actions.validate_draft`), reminders move with the
start (computed on the wall clock, `bot.domain.reminders.reminder_times`, so DST-correct),
pending calls and the attendance question follow the new times, a raised number of places
is filled from the waiting list in order (each promoted person is told, as after a Nee),
and everyone who answered Ja or Misschien or waits gets ONE `action_changed` message with
their answer buttons (a newer edit replaces a change message still unsent); who got the
call and has not answered hears of a new time or place (`call_changed`, while places are
open). Lowering the places below the number of confirmed volunteers needs the
coordinator's choice of who moves to the waiting list (`TooFewPlaces` without one; the
move: `bot.domain.surplus`): nobody loses a place without the coordinator choosing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, change_messages, outbox
from bot.domain import surplus as surplus_
from bot.domain.actions import get_managed_action, validate_draft
from bot.domain.calendar import CalendarFile, held_copies
from bot.domain.errors import ActionCancelled, ActionStarted, DomainError
from bot.domain.outbox import RULES, MessageKind
from bot.domain.reminders import REMINDER_KEYS, reminder_times
from bot.domain.rsvp import _locked_action, _promote_from_waitlist
from bot.domain.vocabulary import ActionStatus, OutboxStatus, PlaceStatus
from storage.models import Action, OutboxMessage, Person, Rsvp

#: The fields an edit may change, in the order a change message names them.
FIELDS = ("title", "meeting_place", "times", "volunteers_needed")


class TooFewPlaces(DomainError):
    """The new number of places is below the number of volunteers already confirmed and
    no choice of who moves to the waiting list came with it: `coming` (everyone with a
    place, `bot.domain.surplus.coming`), `surplus` (how many must move), `suggested`
    (person ids, `bot.domain.surplus.suggest`)."""

    def __init__(self, coming: list[surplus_.Coming], surplus: int) -> None:
        super().__init__(f"{len(coming)} confirmed")
        self.confirmed = len(coming)
        self.coming = coming
        self.surplus = surplus
        self.suggested = surplus_.suggest(coming, surplus)


@dataclass(frozen=True)
class ActionEdit:
    """New values for an action; None = unchanged. Times are aware UTC and come together."""

    title: str | None = None
    meeting_place: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    volunteers_needed: int | None = None


@dataclass
class Edited:
    """What an edit did: the action, the changed fields (`FIELDS` names, in that order),
    how many people get a change message, who was promoted from the waiting list (display
    names, in order), who moved to it (display names, in the order chosen), the calendar
    files to send (each with its next SEQUENCE) and those to withdraw (METHOD:CANCEL)."""

    action: Action
    changed: list[str]
    told: int = 0
    promoted: list[str] = field(default_factory=list)
    calendar_files: list[CalendarFile] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    withdrawn: list[CalendarFile] = field(default_factory=list)


def editable(action: Action, now: dt.datetime) -> None:
    """The one rule for editing: raises `ActionCancelled` or `ActionStarted` (it has begun)."""
    if action.status == ActionStatus.CANCELLED:
        raise ActionCancelled()
    if action.starts_at <= now:
        raise ActionStarted()


async def managed_editable(
    *, session: AsyncSession, coordinator: Person, action_id: int, now: dt.datetime
) -> Action:
    """An action this coordinator may edit now. Raises `NotAllowed`, `NotFound` (unknown id
    or outside their area: one answer, see `get_managed_action`), `ActionCancelled`,
    `ActionStarted`."""
    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    editable(action, now)
    return action


def changes(old: Action, new: Action) -> list[str]:
    """The `FIELDS` in which `new` differs from `old`, in that order."""
    return [
        name
        for name, differs in (
            ("title", new.title != old.title),
            ("meeting_place", new.meeting_place != old.meeting_place),
            ("times", (new.starts_at, new.ends_at) != (old.starts_at, old.ends_at)),
            ("volunteers_needed", new.volunteers_needed != old.volunteers_needed),
        )
        if differs
    ]


def preview(action: Action, edit: ActionEdit) -> tuple[Action, list[str]]:
    """An unsaved copy of `action` with `edit` applied (not checked: for the edit screen),
    and the fields that differ."""
    new = Action(
        id=action.id,
        kind=action.kind,
        title=edit.title if edit.title is not None else action.title,
        area_id=action.area_id,
        meeting_place=edit.meeting_place
        if edit.meeting_place is not None
        else action.meeting_place,
        starts_at=edit.starts_at or action.starts_at,
        ends_at=edit.ends_at or action.ends_at,
        volunteers_needed=edit.volunteers_needed or action.volunteers_needed,
        confirmed_count=action.confirmed_count,
        status=action.status,
        language=action.language,
    )
    return new, changes(action, new)


async def edit_action(
    *,
    session: AsyncSession,
    coordinator: Person,
    action_id: int,
    edit: ActionEdit,
    now: dt.datetime,
    tz: ZoneInfo,
    to_waitlist: Sequence[int] | None = None,
) -> Edited:
    """Apply `edit` to an action (see the module docstring). `to_waitlist`: person ids
    moved from a place to the front of the waiting list, in this order, when the places go
    below the number confirmed. Raises like `managed_editable`, `InvalidInput(field)` for
    a bad value (same rules as a new action), `TooFewPlaces` (fewer places, no choice) and
    `bot.domain.surplus.SurplusChanged` (the choice does not fit the places now)."""
    await managed_editable(session=session, coordinator=coordinator, action_id=action_id, now=now)
    action = await _locked_action(session, action_id)
    editable(action, now)
    draft = validate_draft(
        kind=action.kind,
        title=edit.title if edit.title is not None else action.title,
        area_id=action.area_id,
        meeting_place=edit.meeting_place
        if edit.meeting_place is not None
        else action.meeting_place,
        starts_at=edit.starts_at or action.starts_at,
        ends_at=edit.ends_at or action.ends_at,
        volunteers_needed=edit.volunteers_needed or action.volunteers_needed,
        now=now,
        language=action.language,
    )
    if draft.volunteers_needed < action.confirmed_count and not to_waitlist:
        coming = await surplus_.coming(session=session, action_id=action.id)
        raise TooFewPlaces(coming, action.confirmed_count - draft.volunteers_needed)
    if to_waitlist and draft.volunteers_needed >= action.confirmed_count:
        raise surplus_.SurplusChanged()
    was = {
        "title": action.title,
        "meeting_place": action.meeting_place,
        "starts_at": action.starts_at.isoformat(),
        "ends_at": action.ends_at.isoformat(),
        "volunteers_needed": action.volunteers_needed,
    }
    new = draft.to_action()
    changed = changes(action, new)
    result = Edited(action=action, changed=changed)
    if not changed:
        return result
    raised = draft.volunteers_needed > action.volunteers_needed
    if to_waitlist:
        moved = await surplus_.move_to_waitlist(
            session=session,
            action=action,
            person_ids=to_waitlist,
            new_needed=draft.volunteers_needed,
            now=now,
        )
        result.moved, result.withdrawn = moved.names, moved.withdrawn
    action.title, action.meeting_place = draft.title, draft.meeting_place
    action.starts_at, action.ends_at = draft.starts_at, draft.ends_at
    action.volunteers_needed = draft.volunteers_needed
    await session.flush()
    await session.refresh(action)
    if "times" in changed:
        await _follow_new_times(session=session, action=action, now=now, tz=tz)
    if raised:
        promoted = await _fill_from_waitlist(session=session, action=action, now=now, tz=tz)
        result.promoted = [name for _, name in promoted]
    else:
        promoted = []
    skip = {person_id for person_id, _ in promoted} | set(to_waitlist or ())
    result.told = await change_messages.tell_changes(
        session=session, action=action, changed=changed, was=was, skip=skip, now=now
    )
    if {"meeting_place", "times"} & set(changed):
        result.told += await change_messages.tell_unanswered(
            session=session, action=action, changed=changed, now=now
        )
    if {"title", "meeting_place", "times"} & set(changed):
        result.calendar_files = await _newer_calendar_copies(session=session, action=action)
    return result


async def _follow_new_times(
    *, session: AsyncSession, action: Action, now: dt.datetime, tz: ZoneInfo
) -> None:
    """Pending calls and notices expire at the new start; the attendance question moves to
    the new end; every confirmed volunteer's reminders move (see `_move_reminders`)."""
    pending = (OutboxMessage.action_id == action.id, OutboxMessage.status == OutboxStatus.PENDING)
    await session.execute(
        update(OutboxMessage)
        .where(*pending, OutboxMessage.message_key.in_(_UNTIL_START))
        .values(not_after=action.starts_at)
    )
    await session.execute(
        update(OutboxMessage)
        .where(*pending, OutboxMessage.message_key == MessageKind.ATTENDANCE_ASK)
        .values(due_at=action.ends_at, not_after=action.ends_at + dt.timedelta(days=7))
    )
    confirmed = await session.scalars(
        select(Person)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(Rsvp.action_id == action.id, Rsvp.status == PlaceStatus.CONFIRMED)
        .order_by(Person.id)
    )
    for person in confirmed.all():
        await _move_reminders(session=session, action=action, person=person, now=now, tz=tz)


_UNTIL_START = (
    MessageKind.ACTION_CALL,
    MessageKind.WAITLIST_PROMOTED,
    MessageKind.ACTION_CANCELLED,
)


async def _move_reminders(
    *, session: AsyncSession, action: Action, person: Person, now: dt.datetime, tz: ZoneInfo
) -> None:
    """Re-plan one person's reminders for the action's new start (same expiry rules as
    `bot.domain.reminders.schedule_reminders`: a reminder whose new time has passed is not
    queued). A reminder already sent for the old time is sent again for the new one (its
    dedup key then carries the new start, so it is still never queued twice)."""
    await outbox.cancel_pending(
        session=session, action_id=action.id, person_id=person.id, message_keys=REMINDER_KEYS
    )
    local_day = action.starts_at.astimezone(tz).date()
    midnight = dt.datetime.combine(local_day, dt.time(0), tz).astimezone(dt.UTC)
    expires = {
        MessageKind.REMINDER_24H: min(midnight, action.starts_at),
        MessageKind.REMINDER_2H: action.starts_at,
    }
    for key, due in reminder_times(action.starts_at, tz).items():
        if due <= now or expires[key] <= now:
            continue
        dedup = RULES[key].dedup(action.id, person.id, "")
        sent = await session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.dedup_key == dedup)
        )
        if sent not in (None, OutboxStatus.CANCELLED, OutboxStatus.EXPIRED, OutboxStatus.PENDING):
            dedup = RULES[key].dedup(action.id, person.id, str(int(action.starts_at.timestamp())))
        await outbox.enqueue(
            session=session,
            person=person,
            message_key=key,
            due_at=due,
            not_after=expires[key],
            dedup_key=dedup,
            action_id=action.id,
            now=now,
        )


async def _fill_from_waitlist(
    *, session: AsyncSession, action: Action, now: dt.datetime, tz: ZoneInfo
) -> list[tuple[int, str]]:
    """Give the new places to the waiting list in order (each is told and gets reminders,
    `bot.domain.rsvp`); returns (person id, display name) of those promoted, in order."""
    waiting = select(Rsvp.person_id).where(
        Rsvp.action_id == action.id, Rsvp.status == PlaceStatus.WAITLISTED
    )
    before = set(await session.scalars(waiting))
    await _promote_from_waitlist(session=session, action=action, now=now, tz=tz)
    after = set(await session.scalars(waiting))
    promoted = await session.execute(
        select(Person.id, Person.display_name)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(Rsvp.action_id == action.id, Person.id.in_(before - after))
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    await session.refresh(action)
    return [(person_id, name) for person_id, name in promoted.all()]


async def _newer_calendar_copies(*, session: AsyncSession, action: Action) -> list[CalendarFile]:
    """Everyone who still holds the action's .ics (`calendar.held_copies`: not withdrawn,
    not stopped), each with the next SEQUENCE (stored): the same UID with a higher SEQUENCE
    replaces their event (RFC 5545, 3.8.7.4). Someone who gave up their place is left out: a
    newer file would put the event back in their calendar."""
    rows = await session.execute(held_copies(action.id))
    area_name = (await areas.tree(session)).name(action.area_id)
    found = []
    for copy, person in rows.all():
        copy.sequence += 1
        found.append(
            CalendarFile(action, area_name, person.chat_id, person.language, copy.sequence)
        )
    await session.flush()
    return found
