"""Joint actions (issue 10 item 1): partner organisations that organise an action together
with the network, and what their partner staff may see of it.

- A coordinator chooses co-organisers among the organisations serving the action's area
  (the organisation's area holds the action's area: its own or one above it), when planning
  and later from the roster. Stored in `action_organisation`; organisational data.
- Partner staff (`partner_member`) of a co-organising organisation see the action in their
  `/acties` and its roster with **first names only** (the display name, which is Telegram's
  first name): who comes and who waits; Misschien and Nee as counts; the speakers of the
  action's language as a count. Nothing else about a volunteer, and no residents.
- They get its coordinator notices (`bot.domain.notices.tell`) at their own level per
  action (`action_notice_level`, no row: all, the same default as coordinators).
- Least privilege: every look-up of an action by a partner goes through `partner_action`;
  an action their organisation does not co-organise is `NotFound`, exactly like one that
  does not exist, so a forged id tells nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import areas
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.vocabulary import ActionStatus, Answer, NoticeLevel, PlaceStatus, Role
from storage.models import (
    Action,
    ActionNoticeLevel,
    ActionOrganisation,
    Organisation,
    PartnerMember,
    Person,
    PersonLanguage,
    Rsvp,
)

#: At most this many co-organisers per action (a screen of buttons; Centrum has 4).
MAX_ORGANISERS = 12


@dataclass(frozen=True)
class OrganisationChoice:
    """An organisation a coordinator can choose as co-organiser: id and name (from data)."""

    id: int
    name: str


async def choices_for(*, session: AsyncSession, area_id: int) -> list[OrganisationChoice]:
    """The organisations serving `area_id` (their area is it or one above it), by name.
    At most `MAX_ORGANISERS`."""
    tree = await areas.tree(session)
    rows = await session.execute(select(Organisation.id, Organisation.name, Organisation.area_id))
    found = [
        OrganisationChoice(i, name) for i, name, org_area in rows if tree.within(area_id, org_area)
    ]
    found.sort(key=lambda o: (o.name.casefold(), o.id))
    return found[:MAX_ORGANISERS]


async def check_choice(
    *, session: AsyncSession, area_id: int, organisation_ids: Iterable[int]
) -> tuple[int, ...]:
    """The ids, sorted and without repeats, when each is an organisation serving `area_id`.
    Raises `InvalidInput('organisations')` otherwise (a forged id, or one of another area)."""
    wanted = tuple(sorted(set(organisation_ids)))
    allowed = {o.id for o in await choices_for(session=session, area_id=area_id)}
    if not set(wanted) <= allowed:
        raise InvalidInput("organisations")
    return wanted


async def organiser_ids(*, session: AsyncSession, action_id: int) -> set[int]:
    """The ids of the organisations co-organising the action."""
    rows = await session.scalars(
        select(ActionOrganisation.organisation_id).where(ActionOrganisation.action_id == action_id)
    )
    return set(rows.all())


async def set_organisers(
    *, session: AsyncSession, action: Action, organisation_ids: Iterable[int]
) -> tuple[int, ...]:
    """Make exactly these organisations the action's co-organisers (the caller checked that
    the person may manage the action). Returns the ids stored. Raises `InvalidInput` like
    `check_choice`."""
    wanted = await check_choice(
        session=session, area_id=action.area_id, organisation_ids=organisation_ids
    )
    have = await organiser_ids(session=session, action_id=action.id)
    gone = have - set(wanted)
    if gone:
        await session.execute(
            delete(ActionOrganisation).where(
                ActionOrganisation.action_id == action.id,
                ActionOrganisation.organisation_id.in_(gone),
            )
        )
    for organisation_id in wanted:
        if organisation_id not in have:
            session.add(ActionOrganisation(action_id=action.id, organisation_id=organisation_id))
    await session.flush()
    return wanted


async def organiser_names(
    *, session: AsyncSession, action_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Per action id, its co-organisers' names (from data), by name; one query. Actions
    without co-organisers are absent."""
    ids = set(action_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(ActionOrganisation.action_id, Organisation.name)
        .join(Organisation, Organisation.id == ActionOrganisation.organisation_id)
        .where(ActionOrganisation.action_id.in_(ids))
    )
    found: dict[int, list[str]] = defaultdict(list)
    for action_id, name in rows.all():
        found[action_id].append(name)
    return {key: sorted(names, key=str.casefold) for key, names in found.items()}


@dataclass(frozen=True)
class OrganiserScreen:
    """The roster's co-organiser screen: the action, the organisations serving its area
    and the ids chosen."""

    action: Action
    choices: list[OrganisationChoice]
    chosen: set[int]


async def organiser_screen(
    *,
    session: AsyncSession,
    coordinator: Person | None,
    action_id: int,
    now: dt.datetime,
    toggle: tuple[int, bool] | None = None,
) -> OrganiserScreen:
    """A coordinator's co-organisers of an action they manage; with `toggle` (organisation
    id, on) that one is added or removed first (stored at once). Only while the action is
    open and has not started. Raises `NotAllowed` / `NotFound` (`get_managed_action`; an
    action that started or was cancelled is `NotFound` too: the button is stale) and
    `InvalidInput('organisations')` for an organisation that does not serve the area."""
    from bot.domain.actions import cancellable, get_managed_action  # actions -> joint

    if coordinator is None:
        raise NotAllowed()
    action = await get_managed_action(session=session, coordinator=coordinator, action_id=action_id)
    if not cancellable(action, now):
        raise NotFound()
    chosen = await organiser_ids(session=session, action_id=action.id)
    if toggle is not None:
        organisation_id, on = toggle
        wanted = (chosen | {organisation_id}) if on else (chosen - {organisation_id})
        chosen = set(await set_organisers(session=session, action=action, organisation_ids=wanted))
    choices = await choices_for(session=session, area_id=action.area_id)
    return OrganiserScreen(action, choices, chosen)


# --- partner staff ----------------------------------------------------------------------


def _active_partner(person: Person | None) -> bool:
    return (
        person is not None
        and person.role == Role.PARTNER
        and person.onboarded_at is not None
        and person.stopped_at is None
        and person.unreachable_at is None
    )


async def staff_organisation(*, session: AsyncSession, partner: Person | None) -> int:
    """The organisation id of a signed-up partner; raises `NotAllowed` for anyone else
    (another role, not onboarded, or a partner without an organisation)."""
    if partner is None or partner.role != Role.PARTNER or partner.onboarded_at is None:
        raise NotAllowed()
    organisation_id = await session.scalar(
        select(PartnerMember.organisation_id).where(PartnerMember.person_id == partner.id)
    )
    if organisation_id is None:
        raise NotAllowed()
    return organisation_id


async def partner_action(
    *, session: AsyncSession, partner: Person | None, action_id: int
) -> Action:
    """An action the partner's organisation co-organises. Raises `NotAllowed` (not a
    signed-up partner) and `NotFound` (no such action, or not co-organised by their
    organisation: one answer on purpose)."""
    organisation_id = await staff_organisation(session=session, partner=partner)
    linked = await session.get(ActionOrganisation, (action_id, organisation_id))
    action = await session.get(Action, action_id) if linked is not None else None
    if action is None:
        raise NotFound()
    return action


@dataclass(frozen=True)
class JointItem:
    """One line of a partner's /acties: action id, title, start (aware UTC)."""

    id: int
    title: str
    starts_at: dt.datetime


@dataclass(frozen=True)
class JointPage:
    """One page of a partner's joint actions: items, how many in all, first index shown."""

    items: list[JointItem]
    total: int
    offset: int

    @property
    def remaining(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.offset - len(self.items))


async def joint_actions(
    *,
    session: AsyncSession,
    partner: Person | None,
    now: dt.datetime,
    offset: int = 0,
    limit: int = 10,
) -> JointPage:
    """Open actions co-organised by the partner's organisation that have not ended,
    soonest first, `limit` from `offset`. Raises `NotAllowed` like `staff_organisation`."""
    organisation_id = await staff_organisation(session=session, partner=partner)
    where = (
        ActionOrganisation.organisation_id == organisation_id,
        Action.status == ActionStatus.OPEN,
        Action.ends_at > now,
    )
    joined = select(Action.id).join(ActionOrganisation, ActionOrganisation.action_id == Action.id)
    total = await session.scalar(select(func.count()).select_from(joined.where(*where).subquery()))
    rows = await session.execute(
        select(Action.id, Action.title, Action.starts_at)
        .join(ActionOrganisation, ActionOrganisation.action_id == Action.id)
        .where(*where)
        .order_by(Action.starts_at, Action.id)
        .offset(max(0, offset))
        .limit(limit)
    )
    items = [JointItem(i, title, start) for i, title, start in rows.all()]
    return JointPage(items=items, total=total or 0, offset=max(0, offset))


@dataclass
class PartnerRoster:
    """What partner staff see of a joint action: first names of who comes and who waits
    (answer order), counts of Misschien and Nee, the confirmed speakers of the action's
    language (None: no language asked), the co-organisers' names and the area's name."""

    action: Action
    area_name: str
    organisers: list[str]
    coming: list[str]
    waiting: list[str]
    maybe: int = 0
    declined: int = 0
    speakers: int | None = None


async def partner_roster(
    *, session: AsyncSession, partner: Person | None, action_id: int
) -> PartnerRoster:
    """The partner's view of a joint action (see `PartnerRoster`). Raises like
    `partner_action`."""
    action = await partner_action(session=session, partner=partner, action_id=action_id)
    tree = await areas.tree(session)
    names = await organiser_names(session=session, action_ids=[action.id])
    result = PartnerRoster(action, tree.name(action.area_id), names.get(action.id, []), [], [])
    rows = await session.execute(
        select(Rsvp.answer, Rsvp.status, Person.display_name)
        .join(Person, Person.id == Rsvp.person_id)
        .where(Rsvp.action_id == action.id)
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    for answer, status, name in rows.all():
        if status == PlaceStatus.CONFIRMED:
            result.coming.append(name)
        elif status == PlaceStatus.WAITLISTED:
            result.waiting.append(name)
        elif answer == Answer.MAYBE:
            result.maybe += 1
        else:
            result.declined += 1
    if action.language:
        result.speakers = (
            await session.scalar(
                select(func.count())
                .select_from(Rsvp)
                .join(
                    PersonLanguage,
                    (PersonLanguage.person_id == Rsvp.person_id)
                    & (PersonLanguage.language == action.language),
                )
                .where(Rsvp.action_id == action.id, Rsvp.status == PlaceStatus.CONFIRMED)
            )
            or 0
        )
    return result


async def partners_of(*, session: AsyncSession, action_id: int) -> list[Person]:
    """Active partner staff (onboarded, not stopped, reachable) of the organisations that
    co-organise the action, by id: they get its coordinator notices."""
    rows = await session.scalars(
        select(Person)
        .join(PartnerMember, PartnerMember.person_id == Person.id)
        .join(
            ActionOrganisation,
            ActionOrganisation.organisation_id == PartnerMember.organisation_id,
        )
        .where(ActionOrganisation.action_id == action_id)
        .order_by(Person.id)
    )
    return [p for p in rows.unique().all() if _active_partner(p)]


async def set_partner_level(
    *, session: AsyncSession, partner: Person | None, action_id: int, level: str
) -> NoticeLevel:
    """A partner's "alles" / "alleen urgent" for a joint action of their organisation.
    Raises `InvalidInput('level')`, and like `partner_action`."""
    if level not in tuple(NoticeLevel):
        raise InvalidInput("level")
    action = await partner_action(session=session, partner=partner, action_id=action_id)
    assert partner is not None
    row = await session.get(ActionNoticeLevel, (action.id, partner.id))
    if row is None:
        session.add(ActionNoticeLevel(action_id=action.id, person_id=partner.id, level=level))
    else:
        row.level = level
    await session.flush()
    return NoticeLevel(level)


def organisers_text(names: Sequence[str], language: str) -> str:
    """The co-organisers' names as one list in `language` ('DOCK Centrum, Ymere en
    Buurtteam' / '..., and ...'), with Babel's `format_list` (CLDR list patterns)."""
    from babel.lists import format_list

    return format_list(list(names), locale=language) if names else ""
