"""Complete erasure of one person (AVG/GDPR art. 17), used by `/verwijderen` and retention.

What goes (see `bot.domain.privacy` for personal vs organisational text):
- the person row and, by cascade, offers, help requests, availability, answers, consents
  and their own outbox rows;
- PTB state: their `user_data` row and every `conversation:*` row whose key holds their
  Telegram id (the in-memory copy is dropped by `bot.persistence.forget_user`);
- their couples end first, kindly: the other side is told without a name
  (`bot.domain.coupling.couples.end_for_erasure`); relay ids to and from them go by cascade;
- other people's outbox rows that name them in args or dedup key (e.g. the notice that told
  coordinators a resident asked for help: `help_request_new:<resident id>:<coordinator>`).

What is passed on: residents without Telegram an erased coordinator answered for get
another coordinator of their area as contact and owner (`bot.domain.coupling.on_behalf`);
an erased coordinator's open actions and invites go to the other active
coordinators whose area holds them (each is told, message `coordinator_left`, counts only).
With none, the open actions are cancelled (volunteers get the usual notice) and the invites
revoked (expire now). Organisational text stays with its author set to NULL.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, outbox
from bot.domain.vocabulary import ActionStatus, Answer, PlaceStatus, Role
from storage.models import (
    Action,
    Invite,
    OutboxChatPace,
    OutboxMessage,
    PersistedState,
    Person,
    Rsvp,
)

#: Message keys whose dedup key names another person, and which segment (after splitting
#: on ":") holds that person's internal id. Rows naming an erased person are deleted.
DEDUP_PERSON_SEGMENTS: dict[str, tuple[int, ...]] = {
    "help_request_new": (1,),
    "worry_callback": (1,),
    # coordinator_notice:<action>:<recipient>:<who>:<promoted>:<ms> (bot.domain.notices)
    "coordinator_notice": (3, 4),
}


@dataclass(frozen=True)
class ErasureResult:
    """What erasure did: Telegram user id (for dropping in-memory state), actions and
    invites handed over, actions cancelled, invites revoked, coordinators told."""

    telegram_user_id: int | None  # None: a resident without Telegram
    actions_handed_over: int = 0
    invites_handed_over: int = 0
    actions_cancelled: int = 0
    invites_revoked: int = 0
    coordinators_told: int = 0


async def erase(
    *, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo
) -> ErasureResult:
    """Delete the person and everything stored about them; see the module docstring.

    Places they held on actions are released first, so waiting lists move up. `now` is
    aware UTC, `tz` the wall-clock zone (for rules that need it). Does not commit.
    """
    from bot.domain.coupling.proposals import release_volunteer  # imports people
    from bot.domain.rsvp import answer  # local import: rsvp imports people, people us

    rsvps = await session.scalars(
        select(Rsvp).where(Rsvp.person_id == person.id, Rsvp.status == PlaceStatus.CONFIRMED)
    )
    for rsvp in rsvps.all():
        await answer(
            session=session,
            action_id=rsvp.action_id,
            person=person,
            answer=Answer.NO,
            now=now,
            tz=tz,
            enforce_start=False,
            name_hidden=True,
        )
    handed = await _hand_over(session=session, coordinator=person, now=now)
    from bot.domain.coupling.follow_up import end_for_erasure  # local: coupling imports us

    await end_for_erasure(session=session, person=person, now=now)
    await release_volunteer(session=session, volunteer_id=person.id, now=now)
    if person.telegram_user_id is not None:
        await delete_ptb_state(session=session, telegram_user_ids=[person.telegram_user_id])
    await _delete_outbox_naming(session=session, person_id=person.id)
    # The shared send budget's pacing row for their chat (PostgreSQL senders; issue 11).
    if person.chat_id is not None:
        await session.execute(
            delete(OutboxChatPace).where(OutboxChatPace.chat_id == person.chat_id)
        )
    telegram_user_id = person.telegram_user_id
    await session.delete(person)
    await session.flush()
    return ErasureResult(telegram_user_id=telegram_user_id, **handed)


async def delete_ptb_state(*, session: AsyncSession, telegram_user_ids: list[int]) -> int:
    """Delete `user_data` rows and `conversation:*` rows whose key (a JSON array of chat and
    user ids) holds one of the ids. Returns the number of rows deleted."""
    if not telegram_user_ids:
        return 0
    wanted = set(telegram_user_ids)
    deleted = await session.execute(
        delete(PersistedState).where(
            PersistedState.kind == "user_data",
            PersistedState.key.in_([str(i) for i in wanted]),
        )
    )
    count = deleted.rowcount or 0
    rows = await session.scalars(
        select(PersistedState).where(
            PersistedState.kind.like("conversation:%"),
            or_(*(PersistedState.key.contains(str(i)) for i in wanted)),
        )
    )
    for row in rows.all():
        try:
            key = json.loads(row.key)
        except ValueError:
            key = []
        if wanted & {k for k in key if isinstance(k, int)}:
            await session.delete(row)
            count += 1
    await session.flush()
    return count


async def _delete_outbox_naming(*, session: AsyncSession, person_id: int) -> None:
    for key, segments in DEDUP_PERSON_SEGMENTS.items():
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.message_key == key,
                OutboxMessage.dedup_key.like(f"{key}:%"),
            )
        )
        for row in rows.all():
            parts = row.dedup_key.split(":")
            if any(len(parts) > i and parts[i] == str(person_id) for i in segments):
                await session.delete(row)


async def other_coordinators(*, session: AsyncSession, area_id: int, besides: int) -> list[Person]:
    """Active coordinators (onboarded, not stopped, reachable) whose area holds `area_id`,
    other than the person with id `besides`; by id."""
    rows = await session.scalars(
        select(Person)
        .where(
            Person.role == Role.COORDINATOR,
            Person.id != besides,
            Person.onboarded_at.is_not(None),
            Person.stopped_at.is_(None),
            Person.unreachable_at.is_(None),
        )
        .order_by(Person.id)
    )
    tree = await areas.tree(session)
    return [c for c in rows.all() if area_id in tree.descendant_ids(c.area_id)]


async def _hand_over(
    *, session: AsyncSession, coordinator: Person, now: dt.datetime
) -> dict[str, int]:
    from bot.domain.actions import cancel_action  # actions imports rsvp imports people

    counts = dict.fromkeys(
        (
            "actions_handed_over",
            "invites_handed_over",
            "actions_cancelled",
            "invites_revoked",
            "coordinators_told",
        ),
        0,
    )
    if coordinator.role != Role.COORDINATOR:
        return counts
    from bot.domain.coupling.on_behalf import hand_over_contacts  # local: coupling imports us

    await hand_over_contacts(session=session, coordinator=coordinator)
    told: dict[int, tuple[Person, int, int]] = {}
    actions = await session.scalars(
        select(Action)
        .where(
            Action.created_by_id == coordinator.id,
            Action.status == ActionStatus.OPEN,
            Action.starts_at > now,
        )
        .order_by(Action.id)
    )
    for action in actions.all():
        others = await other_coordinators(
            session=session, area_id=action.area_id, besides=coordinator.id
        )
        if others:
            action.created_by_id = others[0].id
            counts["actions_handed_over"] += 1
            for other in others:
                p, a, i = told.get(other.id, (other, 0, 0))
                told[other.id] = (p, a + 1, i)
        else:
            await cancel_action(
                session=session, coordinator=coordinator, action_id=action.id, now=now
            )
            counts["actions_cancelled"] += 1
    invites = await session.scalars(
        select(Invite).where(
            Invite.created_by_id == coordinator.id,
            or_(Invite.expires_at.is_(None), Invite.expires_at > now),
        )
    )
    for invite in invites.all():
        others = await other_coordinators(
            session=session, area_id=invite.area_id, besides=coordinator.id
        )
        if others:
            invite.created_by_id = others[0].id
            counts["invites_handed_over"] += 1
            for other in others:
                p, a, i = told.get(other.id, (other, 0, 0))
                told[other.id] = (p, a, i + 1)
        else:
            invite.expires_at = now
            counts["invites_revoked"] += 1
    for other, n_actions, n_invites in told.values():
        await outbox.enqueue(
            session=session,
            person=other,
            message_key="coordinator_left",
            due_at=now,
            # a fresh key: it must not name the erased coordinator
            dedup_key=f"coordinator_left:{other.id}:{uuid.uuid4().hex}",
            args={"actions": n_actions, "invites": n_invites},
            now=now,
        )
    counts["coordinators_told"] = len(told)
    await session.flush()
    return counts
