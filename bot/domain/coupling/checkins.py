"""Check-ins ("Hoe gaat het?") for couples: after 1 week, after 4 weeks, then every 3
months (issue 6 §4), to both sides. "Kan beter", "We zijn gestopt", or two check-ins in a
row without an answer tell the owner.

Messages queued: coupling_check_in {"check_in_id"} to each side;
coupling_check_in_alert {"couple_id", "reason": "could_be_better"|"stopped"|"no_answer",
"side": "volunteer"|"resident"} to the owner (or the area's coordinators).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import outbox
from bot.domain.coupling.vocabulary import CheckInAnswer, MessageKind
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.vocabulary import Role
from storage.models import CheckIn, Couple, HelpRequest, Person

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: A check-in counts as unanswered this long after it was asked.
ANSWER_GRACE = dt.timedelta(days=7)


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_checkin_at(since: dt.datetime, round_: int, tz: ZoneInfo = AMSTERDAM) -> dt.datetime:
    """When check-in round `round_` (1, 2, ...) of a couple that started at `since` (aware
    UTC) is due: round 1 after 7 days, round 2 after 28 days, round k >= 3 at 28 days plus
    3·(k-2) calendar months, keeping the local wall-clock time (Europe/Amsterdam), so clock
    changes don't move it. Raises `ValueError` for round < 1."""
    if round_ < 1:
        raise ValueError("round starts at 1")
    local = since.astimezone(tz)
    if round_ == 1:
        day = local.date() + dt.timedelta(days=7)
    else:
        day = local.date() + dt.timedelta(days=28)
        day = _add_months(day, 3 * (round_ - 2))
    return dt.datetime.combine(day, local.time(), tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class CheckInRound:
    """One round sent: the couple, the round number and the check-in ids (one per side)."""

    couple_id: int
    round: int
    check_in_ids: list[int]


async def _tell(
    session: AsyncSession, couple: Couple, reason: str, side: str, dedup: str, now: dt.datetime
) -> None:
    from bot.domain.coupling.proposals import tell_owner

    request = await session.get(HelpRequest, couple.request_id)
    if request is None:
        return
    await tell_owner(
        session=session,
        request=request,
        kind=MessageKind.CHECK_IN_ALERT,
        args={"couple_id": couple.id, "reason": reason, "side": side},
        dedup=dedup,
        now=now,
    )


async def send_due(*, session: AsyncSession, now: dt.datetime) -> list[CheckInRound]:
    """Send every check-in round that is due (couples not ended), schedule the next one,
    and first tell the owner about sides that left their two newest rounds unanswered
    (`flag_unanswered`). Returns the rounds sent. Run from a periodic job."""
    await flag_unanswered(session=session, now=now)
    couples = await session.scalars(
        select(Couple)
        .where(Couple.ended_at.is_(None), Couple.next_checkin_at <= now)
        .order_by(Couple.id)
        .with_for_update(skip_locked=True)
    )
    rounds = []
    for couple in couples.all():
        round_ = couple.checkins_sent + 1
        ids = []
        for person_id in (couple.volunteer_id, couple.resident_id):
            person = await session.get(Person, person_id)
            if person is None:
                continue
            check_in = CheckIn(couple_id=couple.id, person_id=person_id, round=round_, asked_at=now)
            session.add(check_in)
            await session.flush()
            await outbox.enqueue(
                session=session,
                person=person,
                message_key=MessageKind.CHECK_IN,
                due_at=now,
                dedup_key=f"{MessageKind.CHECK_IN}:{check_in.id}",
                args={"check_in_id": check_in.id},
                now=now,
            )
            ids.append(check_in.id)
        couple.checkins_sent = round_
        couple.next_checkin_at = next_checkin_at(couple.since, round_ + 1)
        rounds.append(CheckInRound(couple_id=couple.id, round=round_, check_in_ids=ids))
    await session.flush()
    return rounds


async def flag_unanswered(*, session: AsyncSession, now: dt.datetime) -> int:
    """Tell the owner once per side when its two newest check-ins are both unanswered and
    the newest was asked at least 7 days ago. Returns how many alerts were queued (a
    repeated run queues nothing new: dedup by couple, side and round)."""
    rows = await session.execute(
        select(CheckIn, Couple)
        .join(Couple, Couple.id == CheckIn.couple_id)
        .where(Couple.ended_at.is_(None))
        .order_by(CheckIn.couple_id, CheckIn.person_id, CheckIn.round.desc())
    )
    latest: dict[tuple[int, int], list[CheckIn]] = {}
    couples: dict[int, Couple] = {}
    for check_in, couple in rows.all():
        couples[couple.id] = couple
        latest.setdefault((couple.id, check_in.person_id), []).append(check_in)
    alerts = 0
    for (couple_id, person_id), items in latest.items():
        last_two = items[:2]
        if len(last_two) < 2 or any(c.answer is not None for c in last_two):
            continue
        if now - last_two[0].asked_at < ANSWER_GRACE:
            continue
        couple = couples[couple_id]
        side = Role.VOLUNTEER if person_id == couple.volunteer_id else Role.RESIDENT
        await _tell(
            session, couple, "no_answer", side, f"{couple_id}:{side}:{last_two[0].round}", now
        )
        alerts += 1
    return alerts


async def answer(
    *,
    session: AsyncSession,
    check_in_id: int,
    person: Person,
    answer: CheckInAnswer,
    now: dt.datetime,
) -> CheckIn:
    """Record one side's answer. The first answer counts (double presses change nothing).
    "Kan beter" and "We zijn gestopt" tell the owner. The contact coordinator of a resident
    without Telegram answers for them. Raises `NotFound`, `NotAllowed`."""
    check_in = await session.get(CheckIn, check_in_id)
    if check_in is None:
        raise NotFound()
    from bot.domain.coupling.on_behalf import acts_for  # the contact answers for an offline one

    if not await acts_for(session=session, person=person, resident_id=check_in.person_id):
        raise NotAllowed()
    if check_in.answer is not None:
        return check_in
    check_in.answer = answer
    check_in.answered_at = now
    couple = await session.get(Couple, check_in.couple_id)
    if couple is not None and answer in (CheckInAnswer.COULD_BE_BETTER, CheckInAnswer.STOPPED):
        side = Role.VOLUNTEER if check_in.person_id == couple.volunteer_id else Role.RESIDENT
        await _tell(session, couple, str(answer), side, f"{check_in.id}", now)
    await session.flush()
    return check_in
