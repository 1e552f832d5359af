"""The one rule for who gets a typed message, and what the bot keeps of a relay (issue 6 §3).

A person's **threads** are the people they can talk to through the bot:
- the other side of each of their couples that has not ended (for a resident without
  Telegram: their contact coordinator, `bot.domain.coupling.on_behalf`);
- anyone who relayed a message to them outside a couple (a resident and a coordinator)
  in the last `THREAD_OPEN_DAYS` days.

**Routing** of a typed message or voice note (`route`), in this order:
1. a reply (Telegram's reply-to) to a message the bot relayed goes back to whoever that
   message came from, if that thread is still open (else the rules below apply);
2. with exactly one open thread: to it;
3. with several: the person is asked "Aan wie?" (`Routing.ASK`, at most `ASK_MAX` choices,
   most recent first);
4. with none: a resident's message goes to the coordinators of their area, the owner of
   their help request first (`Routing.COORDINATORS`); anyone else gets a pointer to /help
   (`Routing.NOWHERE`).

The same rule serves a coordinator's message to the people coming to an action
(`bot.domain.action_messages`): each delivered copy is recorded like a relay, so a
volunteer's reply reaches the coordinator (rule 1) and the coordinator can reply back.

**Cover**: a thread to a coordinator who is away (`bot.domain.notices.covered_by`, until
and including their date) leads to their stand-in instead (`Thread.covering` names the
absent coordinator); after the date it leads to the coordinator again.

**What is stored**: for every copy the bot made, only the recipient, the chat and message
id of the copy, who it came from and the couple (`relay_message`); never the text, the
voice note or a phone number. Rows go with either person (erasure) and after
`RELAY_KEEP_DAYS` (retention).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.coupling import requests as requests_
from bot.domain.errors import NotAllowed
from bot.domain.notices import covered_by
from bot.domain.vocabulary import RelayRouting, Role
from storage.models import Couple, Person, RelayMessage

#: A conversation between a resident and a coordinator stays open this long after the
#: last message relayed in it (days).
THREAD_OPEN_DAYS = 7
#: At most this many people are offered under "Aan wie?" (a Telegram keyboard stays short).
ASK_MAX = 8
#: Relay ids are kept this long (days) so replies to older copies still find their thread;
#: deleted by the retention job.
RELAY_KEEP_DAYS = 90
#: The default local time zone (the bot's setting `TIMEZONE` is passed by the handlers).
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Thread:
    """Someone the person can write to: `peer_id`, their first name, the couple (None for
    a conversation with a coordinator), and where and how to reach them (chat id, language).
    """

    peer_id: int
    peer_name: str
    couple_id: int | None
    chat_id: int
    language: str
    covering: str | None = None  # the first name of the away coordinator it was meant for


def _thread(peer: Person, couple_id: int | None) -> Thread:
    return Thread(peer.id, peer.display_name, couple_id, peer.chat_id, peer.language)


async def _covered(
    session: AsyncSession, peer: Person, couple_id: int | None, today: dt.date
) -> Thread:
    """The thread to `peer`, or to their stand-in while `peer` is an away coordinator."""
    stand_in = await covered_by(session=session, person=peer, today=today)
    if stand_in.id == peer.id or couple_id is not None:
        return _thread(peer, couple_id)
    return Thread(
        stand_in.id,
        stand_in.display_name,
        None,
        stand_in.chat_id,
        stand_in.language,
        covering=peer.display_name,
    )


@dataclass(frozen=True)
class Route:
    """Where a message goes: `routing` and the threads it goes to (SEND: one; COORDINATORS:
    each coordinator, owner first) or the choices (ASK); none for NOWHERE."""

    routing: RelayRouting
    threads: list[Thread] = field(default_factory=list)


def _usable(person: Person | None) -> bool:
    return (
        person is not None
        and person.chat_id is not None
        and person.stopped_at is None
        and person.onboarded_at is not None
    )


async def open_threads(
    *, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo = AMSTERDAM
) -> list[Thread]:
    """The person's open threads (see the module docstring), most recent first: couples
    by their start, conversations by their last relayed message. One thread per peer; a
    conversation with an away coordinator leads to their stand-in (`tz`: for the date)."""
    today = now.astimezone(tz).date()
    found: dict[int, tuple[dt.datetime, Thread]] = {}
    couples = await session.scalars(
        select(Couple).where(
            (Couple.volunteer_id == person.id) | (Couple.resident_id == person.id),
            Couple.ended_at.is_(None),
        )
    )
    for couple in couples.all():
        peer_id = couple.resident_id if couple.volunteer_id == person.id else couple.volunteer_id
        peer = await session.get(Person, peer_id)
        if peer is not None and peer.chat_id is None:
            # a resident without Telegram: their contact coordinator is the thread
            from bot.domain.coupling.on_behalf import contact_of  # local: it imports requests

            contact = await contact_of(session=session, resident_id=peer.id)
            if _usable(contact) and contact is not None:
                found[contact.id] = (couple.since, _thread(contact, None))
            continue
        if _usable(peer) and peer is not None:
            found[peer_id] = (couple.since, _thread(peer, couple.id))
    since = now - dt.timedelta(days=THREAD_OPEN_DAYS)
    rows = await session.execute(
        select(RelayMessage.peer_id, RelayMessage.created_at)
        .where(
            RelayMessage.person_id == person.id,
            RelayMessage.couple_id.is_(None),
            RelayMessage.created_at >= since,
        )
        .order_by(RelayMessage.created_at)
    )
    for peer_id, at in rows.all():
        if peer_id in found and found[peer_id][1].couple_id is not None:
            continue
        peer = await session.get(Person, peer_id)
        if _usable(peer) and peer is not None:
            found[peer_id] = (at, await _covered(session, peer, None, today))
    ordered = sorted(found.values(), key=lambda item: item[0], reverse=True)
    threads: dict[int, Thread] = {}
    for _, thread in ordered:  # a stand-in reached through two threads: once
        threads.setdefault(thread.peer_id, thread)
    return list(threads.values())


async def _reply_thread(
    session: AsyncSession, person: Person, reply_to_message_id: int, now: dt.datetime, tz: ZoneInfo
) -> Thread | None:
    row = await session.scalar(
        select(RelayMessage).where(
            RelayMessage.chat_id == person.chat_id,
            RelayMessage.message_id == reply_to_message_id,
            RelayMessage.person_id == person.id,
        )
    )
    if row is None:
        return None
    peer = await session.get(Person, row.peer_id)
    if not _usable(peer) or peer is None:
        return None
    if row.couple_id is not None:
        couple = await session.get(Couple, row.couple_id)
        if couple is None or couple.ended_at is not None:
            return None
    elif row.created_at < now - dt.timedelta(days=RELAY_KEEP_DAYS):
        return None
    return await _covered(session, peer, row.couple_id, now.astimezone(tz).date())


async def coordinator_threads(
    *, session: AsyncSession, resident: Person, today: dt.date | None = None
) -> list[Thread]:
    """The coordinators of the resident's area (their buurt, or the invite's area, and
    every area above it), the owner of the resident's open help request first. With
    `today` (local date), an away coordinator's place goes to their stand-in (once)."""
    coordinators = await requests_.coordinators_of(session=session, area_id=resident.home_area_id)
    request = await requests_.active_request(session=session, resident_id=resident.id)
    owner_id = request.owner_id if request is not None else None
    coordinators.sort(key=lambda c: (c.id != owner_id, c.id))
    threads: dict[int, Thread] = {}
    for c in coordinators:
        if _usable(c):
            thread = await _covered(session, c, None, today) if today else _thread(c, None)
            threads.setdefault(thread.peer_id, thread)
    return list(threads.values())


async def route(
    *,
    session: AsyncSession,
    person: Person,
    reply_to_message_id: int | None,
    now: dt.datetime,
    tz: ZoneInfo = AMSTERDAM,
) -> Route:
    """Where a typed message or voice note of `person` goes (the rule in the module
    docstring). `reply_to_message_id`: the message it replies to in the person's chat;
    `tz`: the local time zone (the date a cover ends is a local date)."""
    if reply_to_message_id is not None:
        thread = await _reply_thread(session, person, reply_to_message_id, now, tz)
        if thread is not None:
            return Route(RelayRouting.SEND, [thread])
    threads = await open_threads(session=session, person=person, now=now, tz=tz)
    if len(threads) == 1:
        return Route(RelayRouting.SEND, threads)
    if len(threads) > 1:
        return Route(RelayRouting.ASK, threads[:ASK_MAX])
    if person.role == Role.RESIDENT:
        coordinators = await coordinator_threads(
            session=session, resident=person, today=now.astimezone(tz).date()
        )
        if coordinators:
            return Route(RelayRouting.COORDINATORS, coordinators)
    return Route(RelayRouting.NOWHERE)


async def thread_to(
    *,
    session: AsyncSession,
    person: Person,
    peer_id: int,
    now: dt.datetime,
    tz: ZoneInfo = AMSTERDAM,
) -> Thread:
    """The person's open thread to `peer_id` (an answer to "Aan wie?"), checked again now.
    Raises `NotAllowed` when there is none (any more)."""
    for thread in await open_threads(session=session, person=person, now=now, tz=tz):
        if thread.peer_id == peer_id:
            return thread
    raise NotAllowed()


async def record_copy(
    *,
    session: AsyncSession,
    recipient_id: int,
    chat_id: int,
    message_id: int,
    sender_id: int,
    couple_id: int | None,
    now: dt.datetime,
) -> None:
    """Remember that message `message_id` in the recipient's chat (`chat_id`) is a copy
    from `sender_id` (ids only). A second record for the same message changes nothing; a
    recipient or sender erased meanwhile leaves nothing behind."""
    if (
        await session.get(Person, recipient_id) is None
        or await session.get(Person, sender_id) is None
    ):
        return
    exists = await session.scalar(
        select(RelayMessage.id).where(
            RelayMessage.chat_id == chat_id, RelayMessage.message_id == message_id
        )
    )
    if exists is not None:
        return
    session.add(
        RelayMessage(
            person_id=recipient_id,
            chat_id=chat_id,
            message_id=message_id,
            peer_id=sender_id,
            couple_id=couple_id,
            created_at=now,
        )
    )
    await session.flush()


async def delete_old(*, session: AsyncSession, now: dt.datetime) -> int:
    """Delete relay ids older than `RELAY_KEEP_DAYS` (retention). Returns how many."""
    cutoff = now - dt.timedelta(days=RELAY_KEEP_DAYS)
    result = await session.execute(delete(RelayMessage).where(RelayMessage.created_at < cutoff))
    return result.rowcount or 0


def require_person(person: Person | None) -> Person:
    """The person if they finished signing up and did not /stop; raises `NotAllowed`."""
    if person is None or not _usable(person):
        raise NotAllowed()
    return person
