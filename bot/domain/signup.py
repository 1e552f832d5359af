"""The sign-up flows the onboarding conversation calls, one per step.

Each flow takes `*, session, ...` plain values, works inside the update's transaction and
returns what the view needs (names, chosen codes), so the handlers never query. Nothing is
stored about a person before they agree (`consent`); until then the conversation keeps only
the invite's id (`open_invite`), never the raw token (issue 9).

Multi-select steps *set* a choice on or off (what the pressed button showed, issue 12) instead
of toggling it, so an old keyboard cannot undo a newer choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import actions, areas, availability, flyers, help_requests, invites, people
from bot.domain import consent as consent_
from bot.domain.errors import InvalidInput
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES, TASKS
from bot.domain.vocabulary import Role
from storage.models import Invite, Organisation, PartnerMember, Person


class Choice(StrEnum):
    """The multi-select steps of sign-up."""

    SPOKEN = "spoken"  # languages a volunteer speaks
    TASKS = "tasks"  # what a volunteer likes to do (stored as offers)
    WANTS = "wants"  # what a resident would like help with (help requests)
    OFFERS = "offers"  # what a resident can offer


@dataclass(frozen=True)
class SignedUp:
    """A person just created by consent: their id, role, and the name of the invite's area."""

    person_id: int
    role: Role
    area_name: str
    organisation_name: str | None = None  # a partner's organisation


@dataclass(frozen=True)
class BuurtOptions:
    """The buurten a person can pick (id, name; by name) within the invite's area."""

    area_name: str
    buurten: list[tuple[int, str]]


@dataclass(frozen=True)
class SignupChoices:
    """What someone chose while signing up (codes; `place` is a buurt or area name)."""

    place: str
    languages: list[str]
    offers: list[str]
    wants: list[str]
    slots: set[tuple[int, str]]


async def open_invite(*, session: AsyncSession, token: str, now: dt.datetime) -> int:
    """The id of the invite behind a link that can still be used; stores nothing.

    `now` is aware UTC. Raises `InviteInvalid`, `InviteExpired`, `InviteUsedUp`.
    """
    invite = await invites.check_invite(session=session, token=token, now=now)
    return invite.id


async def consent_purposes(*, session: AsyncSession, invite_id: object) -> list[str]:
    """The consent purpose keys (`bot.domain.consent.PURPOSES` order) that apply to the role
    of the invite being used: what the consent question lists. Every purpose when the
    invite is unknown (the question then still shows everything that may be asked)."""
    invite = await session.get(Invite, invite_id) if isinstance(invite_id, int) else None
    if invite is None:
        return [p.key for p in consent_.PURPOSES]
    return [p.key for p in consent_.purposes_for(invite.role)]


async def consent(
    *,
    session: AsyncSession,
    invite_id: int,
    telegram_user_id: int,
    chat_id: int,
    first_name: str | None,
    language: str,
    now: dt.datetime,
) -> SignedUp:
    """Create the person (one use of the invite); a coordinator or partner is signed up at
    once (a partner is linked to the invite's organisation).

    Raises `InviteInvalid`, `InviteExpired`, `InviteUsedUp`, `AlreadyRegistered`.
    """
    person = await people.register(
        session=session,
        invite_id=invite_id,
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        first_name=first_name,
        language=language,
        now=now,
    )
    # which invite (and so which flyer) brought this person: the overview counts per flyer
    await flyers.record_sign_up(session=session, person=person, invite_id=invite_id, now=now)
    if person.role in (Role.COORDINATOR, Role.PARTNER):
        people.finish_onboarding(person=person, now=now)
    if person.role == Role.COORDINATOR:  # residents without Telegram nobody answers for
        from bot.domain.coupling.contacts import adopt_orphans  # local: coupling imports us

        await adopt_orphans(session=session, coordinator=person, now=now)
    tree = await areas.tree(session)
    organisation = await session.scalar(
        select(Organisation.name)
        .join(PartnerMember, PartnerMember.organisation_id == Organisation.id)
        .where(PartnerMember.person_id == person.id)
    )
    return SignedUp(person.id, Role(person.role), tree.name(person.area_id), organisation)


async def buurt_options(*, session: AsyncSession, person: Person) -> BuurtOptions:
    """The buurten within the person's invite area (without the area itself), by name."""
    tree = await areas.tree(session)
    buurten = [
        (b.id, b.name) for b in tree.buurten_within(person.area_id) if b.id != person.area_id
    ]
    return BuurtOptions(tree.name(person.area_id), buurten)


async def buurt_by_name(*, session: AsyncSession, person: Person, text: str) -> int | None:
    """The id of the buurt within the person's area with this name (any case), or None."""
    tree = await areas.tree(session)
    wanted = text.strip().casefold()
    for buurt in tree.buurten_within(person.area_id):
        if buurt.name.casefold() == wanted:
            return buurt.id
    return None


async def choose_buurt(*, session: AsyncSession, person: Person, buurt_id: int | None) -> None:
    """Set the person's buurt (None: no preference). Raises `NotAllowed` outside their area."""
    await people.set_buurt(session=session, person=person, buurt_id=buurt_id)


def options(step: Choice) -> tuple[str, ...]:
    """The codes a multi-select step offers, in the order shown."""
    if step == Choice.SPOKEN:
        return SPOKEN_LANGUAGES
    return HELP_REQUEST_TASKS if step == Choice.WANTS else TASKS


async def chosen(*, session: AsyncSession, person: Person, step: Choice) -> set[str]:
    """The codes chosen so far in a multi-select step."""
    if step == Choice.SPOKEN:
        return set(person.spoken_languages)
    if step == Choice.WANTS:
        return set(await people.help_requests_of(session=session, person_id=person.id))
    return set(await people.offers_of(session=session, person_id=person.id))


async def set_choice(
    *, session: AsyncSession, person: Person, step: Choice, code: str, on: bool, now: dt.datetime
) -> set[str]:
    """Set one code of a multi-select step on or off; returns the codes chosen after.

    Raises `InvalidInput` for a code the step does not offer (a forged button).
    """
    if code not in options(step):
        raise InvalidInput(str(step))
    current = await chosen(session=session, person=person, step=step)
    after = current | {code} if on else current - {code}
    if after == current:
        return current
    if step == Choice.SPOKEN:
        people.set_spoken_languages(
            person=person, languages=[c for c in SPOKEN_LANGUAGES if c in after]
        )
    elif step == Choice.WANTS:
        await people.set_help_requests(session=session, person=person, tasks=after, now=now)
    else:
        await people.set_offers(session=session, person=person, tasks=after)
    return after


async def set_slot(
    *, session: AsyncSession, person: Person, weekday: int, day_part: str, on: bool
) -> set[tuple[int, str]]:
    """Set one availability slot on or off during sign-up; returns all slots after."""
    return await availability.set_slot(
        session=session, person_id=person.id, weekday=weekday, day_part=day_part, on=on
    )


async def complete_signup(
    *, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo
) -> SignupChoices:
    """Finish sign-up: the person gets calls from now on (open actions that fit are sent at
    once), coordinators hear of a resident's help requests; returns the choices to show.

    `now` is aware UTC, `tz` the wall clock (Europe/Amsterdam) for the calls.
    """
    people.finish_onboarding(person=person, now=now)
    await actions.call_joiner(session=session, person=person, now=now, tz=tz)
    await help_requests.tell_coordinators(session=session, resident=person, now=now)
    return await choices_of(session=session, person=person)


async def choices_of(*, session: AsyncSession, person: Person) -> SignupChoices:
    """What the person chose at sign-up (or changed since in /profiel), to show them."""
    tree = await areas.tree(session)
    return SignupChoices(
        place=tree.name(person.home_area_id),
        languages=list(person.spoken_languages),
        offers=await people.offers_of(session=session, person_id=person.id),
        wants=await people.help_requests_of(session=session, person_id=person.id),
        slots=await availability.slots_of(session=session, person_id=person.id),
    )


async def welcome_back(
    *, session: AsyncSession, person: Person, now: dt.datetime, tz: ZoneInfo
) -> bool:
    """A known person sent /start: messages are on again. Returns True when they had stopped
    (or were unreachable); then the calls cancelled while they were away are queued again."""
    was_stopped = person.stopped_at is not None or person.unreachable_at is not None
    people.resume(person=person)
    if was_stopped:
        await actions.call_joiner(session=session, person=person, now=now, tz=tz)
    return was_stopped
