"""People: sign-up through an invite, onboarding choices, stop/resume, language, erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import AlreadyRegistered, InvalidInput, NotAllowed
from bot.domain.invites import redeem_invite
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES, TASKS
from storage.areas import descendant_ids
from storage.models import HelpRequest, Offer, Person, Rsvp

NAME_MAX = 64


async def by_telegram_id(*, session: AsyncSession, telegram_user_id: int) -> Person | None:
    """The person with this Telegram user id, or None."""
    return await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))


def clean_name(first_name: str | None) -> str:
    """A display name from Telegram's first_name: trimmed, at most 64 characters."""
    name = " ".join((first_name or "").split())[:NAME_MAX]
    return name or "?"


async def register(
    *,
    session: AsyncSession,
    token: str,
    telegram_user_id: int,
    chat_id: int,
    first_name: str | None,
    language: str,
    now: dt.datetime,
) -> Person:
    """Create a person after consent, with role and area fixed by the invite.

    Counts one use of the invite. Raises `InviteInvalid`, `InviteExpired`, `InviteUsedUp`,
    or `AlreadyRegistered` when this Telegram account already has a person.
    """
    if await by_telegram_id(session=session, telegram_user_id=telegram_user_id) is not None:
        raise AlreadyRegistered()
    invite = await redeem_invite(session=session, token=token, now=now)
    person = Person(
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        display_name=clean_name(first_name),
        role=invite.role,
        area_id=invite.area_id,
        language=language,
        spoken_languages=[],
        consent_at=now,
        created_at=now,
    )
    session.add(person)
    await session.flush()
    return person


async def set_buurt(*, session: AsyncSession, person: Person, buurt_id: int | None) -> None:
    """Set the person's buurt; it must lie within the invite's area (None: no preference).

    Raises `NotAllowed` for a buurt outside the area (a forged button).
    """
    if buurt_id is not None and buurt_id not in await descendant_ids(session, person.area_id):
        raise NotAllowed()
    person.buurt_id = buurt_id


def set_spoken_languages(*, person: Person, languages: Iterable[str]) -> None:
    """Languages the person speaks, from SPOKEN_LANGUAGES. Raises `InvalidInput`."""
    chosen = list(dict.fromkeys(languages))
    if any(code not in SPOKEN_LANGUAGES for code in chosen):
        raise InvalidInput("languages")
    person.spoken_languages = chosen


async def set_offers(*, session: AsyncSession, person: Person, tasks: Iterable[str]) -> None:
    """Replace what the person likes to do / can offer. Raises `InvalidInput`."""
    chosen = _valid_tasks(tasks)
    await session.execute(delete(Offer).where(Offer.person_id == person.id))
    session.add_all(Offer(person_id=person.id, task=task) for task in chosen)
    await session.flush()


async def set_help_requests(
    *, session: AsyncSession, person: Person, tasks: Iterable[str], now: dt.datetime
) -> None:
    """Replace what a resident would like help with. Raises `InvalidInput`."""
    chosen = _valid_tasks(tasks, HELP_REQUEST_TASKS)
    await session.execute(delete(HelpRequest).where(HelpRequest.person_id == person.id))
    session.add_all(
        HelpRequest(person_id=person.id, task=task, status="open", created_at=now)
        for task in chosen
    )
    await session.flush()


def _valid_tasks(tasks: Iterable[str], allowed: tuple[str, ...] = TASKS) -> list[str]:
    chosen = list(dict.fromkeys(tasks))
    if any(task not in allowed for task in chosen):
        raise InvalidInput("tasks")
    return chosen


async def offers_of(*, session: AsyncSession, person_id: int) -> list[str]:
    """Task codes the person offers, in list order."""
    rows = set(await session.scalars(select(Offer.task).where(Offer.person_id == person_id)))
    return [t for t in TASKS if t in rows]


async def help_requests_of(*, session: AsyncSession, person_id: int) -> list[str]:
    """Task codes the person would like help with, in list order."""
    rows = set(
        await session.scalars(select(HelpRequest.task).where(HelpRequest.person_id == person_id))
    )
    return [t for t in TASKS if t in rows]


def finish_onboarding(*, person: Person, now: dt.datetime) -> None:
    """Mark onboarding complete (the person now gets calls, if a volunteer)."""
    person.onboarded_at = person.onboarded_at or now


def stop(*, person: Person, now: dt.datetime) -> None:
    """The person asked for no more messages (/stop)."""
    person.stopped_at = now


def resume(*, person: Person) -> None:
    """Messages may be sent again (/start after /stop, or after unblocking the bot)."""
    person.stopped_at = None
    person.unreachable_at = None


def mark_unreachable(*, person: Person, now: dt.datetime) -> None:
    """The person blocked the bot (Telegram's my_chat_member "kicked"): no message is sent to
    them until they send /start again (`resume`). `now` is aware UTC."""
    person.unreachable_at = now


def set_language(*, person: Person, language: str, supported: Iterable[str]) -> None:
    """Change the person's language. Raises `InvalidInput` for an unsupported one."""
    if language not in supported:
        raise InvalidInput("language")
    person.language = language


async def erase(*, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo) -> None:
    """Delete the person and everything stored about them (GDPR erasure).

    Places they held on actions are released first, so waiting lists move up.
    """
    from bot.domain.rsvp import answer  # local import: rsvp imports this module's helpers

    rsvps = await session.scalars(
        select(Rsvp).where(Rsvp.person_id == person.id, Rsvp.status == "confirmed")
    )
    for rsvp in rsvps.all():
        await answer(
            session=session,
            action_id=rsvp.action_id,
            person=person,
            answer="no",
            now=now,
            tz=tz,
            enforce_start=False,
        )
    await session.delete(person)
    await session.flush()
