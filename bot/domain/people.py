"""People: sign-up through an invite, onboarding choices, stop/resume, language, erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas, consent, text
from bot.domain.coupling import requests as coupling_requests
from bot.domain.errors import AlreadyRegistered, InvalidInput, NotAllowed
from bot.domain.invites import redeem_invite
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES, TASKS
from bot.domain.vocabulary import HelpRequestStatus
from storage import volunteer_match
from storage.models import Offer, PartnerMember, Person

if TYPE_CHECKING:
    from bot.domain.erasure import ErasureResult

NAME_MAX = 64


async def by_telegram_id(*, session: AsyncSession, telegram_user_id: int) -> Person | None:
    """The person with this Telegram user id, or None."""
    return await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))


def clean_name(first_name: str | None) -> str:
    """A display name from Telegram's first_name: no control or format characters (zero-
    width, bidi overrides), single spaces, at most 64 characters; "?" when nothing visible
    remains (see `bot.domain.text.clean_name`)."""
    return text.clean_name(first_name, NAME_MAX)


async def register(
    *,
    session: AsyncSession,
    telegram_user_id: int,
    chat_id: int,
    first_name: str | None,
    language: str,
    now: dt.datetime,
    token: str | None = None,
    invite_id: int | None = None,
) -> Person:
    """Create a person after consent, with role and area fixed by the invite (given by its
    token, or by its id as sign-up state keeps it).

    Counts one use of the invite and records consent to the current purposes (see
    `bot.domain.consent`). Raises `InviteInvalid`, `InviteExpired`, `InviteUsedUp`,
    or `AlreadyRegistered` when this Telegram account already has a person.
    """
    if await by_telegram_id(session=session, telegram_user_id=telegram_user_id) is not None:
        raise AlreadyRegistered()
    invite = await redeem_invite(session=session, token=token, invite_id=invite_id, now=now)
    person = Person(
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        display_name=clean_name(first_name),
        role=invite.role,
        area_id=invite.area_id,
        language=language,
        language_rows=[],  # an empty, loaded collection: no lazy load in async code
        consent_at=now,
        created_at=now,
    )
    session.add(person)
    await session.flush()
    if invite.organisation_id is not None:  # a partner invite names the organisation
        session.add(PartnerMember(person_id=person.id, organisation_id=invite.organisation_id))
        await session.flush()
    await consent.give(
        session=session,
        person=person,
        purposes=[p.key for p in consent.purposes_for(person.role)],
        now=now,
    )
    return person


async def set_buurt(*, session: AsyncSession, person: Person, buurt_id: int | None) -> None:
    """Set the person's buurt; it must lie within the invite's area (None: no preference).

    Raises `NotAllowed` for a buurt outside the area or an unknown id (a forged button).
    """
    tree = await areas.tree(session)
    if buurt_id is not None and not tree.within(buurt_id, person.area_id):
        raise NotAllowed()
    person.buurt_id = buurt_id


def set_spoken_languages(*, person: Person, languages: Iterable[str]) -> None:
    """Languages the person speaks, from SPOKEN_LANGUAGES (rows of `person_language`,
    written at the next flush). Raises `InvalidInput`."""
    chosen = list(dict.fromkeys(languages))
    if any(code not in SPOKEN_LANGUAGES for code in chosen):
        raise InvalidInput("languages")
    current = list(person.spoken_languages)
    for code in current:
        if code not in chosen:
            person.spoken_languages.remove(code)
    for code in chosen:
        if code not in current:
            person.spoken_languages.append(code)


async def set_offers(*, session: AsyncSession, person: Person, tasks: Iterable[str]) -> None:
    """Replace what the person likes to do / can offer. Raises `InvalidInput`."""
    chosen = _valid_tasks(tasks)
    await session.execute(delete(Offer).where(Offer.person_id == person.id))
    session.add_all(Offer(person_id=person.id, task=task) for task in chosen)
    await session.flush()
    await volunteer_match.refresh(session, [person.id])  # the Core delete bypassed the ORM


async def set_help_requests(
    *, session: AsyncSession, person: Person, tasks: Iterable[str], now: dt.datetime
) -> None:
    """Replace the tasks of the resident's current help request (made when the first task
    is chosen; an open request left without tasks is removed). Raises `InvalidInput`."""
    chosen = _valid_tasks(tasks, HELP_REQUEST_TASKS)
    request = await coupling_requests.active_request(session=session, resident_id=person.id)
    if request is None:
        if chosen:
            await coupling_requests.create_request(
                session=session, resident=person, tasks=chosen, now=now
            )
        return
    if not chosen and request.status == HelpRequestStatus.OPEN:
        await session.delete(request)
        await session.flush()
        return
    await coupling_requests.set_tasks(session=session, request=request, tasks=chosen)


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
    """Task codes of the person's current help request, in list order ([] without one)."""
    request = await coupling_requests.active_request(session=session, resident_id=person_id)
    if request is None:
        return []
    rows = await coupling_requests.tasks_of(session=session, request_id=request.id)
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


async def erase(
    *, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo
) -> ErasureResult:
    """Delete the person and everything stored about them (GDPR erasure); see
    `bot.domain.erasure.erase` for what goes, what is handed over and what stays."""
    from bot.domain.coupling.couples import end_for_erasure
    from bot.domain.erasure import erase as erase_person

    await end_for_erasure(session=session, person=person, now=now)
    return await erase_person(session=session, person=person, now=now, tz=tz)
