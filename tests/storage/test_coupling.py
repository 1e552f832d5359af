"""Coupling on a real database (SQLite and PostgreSQL): suggestions with hard filters and
reasons, proposals answered by both sides, decline / liever niet nu / timeout, check-ins,
hand-over, re-raising unowned requests, erasure mid-couple and the area assignment.

People are made the way the bot makes them: an invite, `people.register`, onboarding.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PROJECT_ROOT
from bot.domain import consent, invites, people
from bot.domain.availability import set_slots
from bot.domain.coupling import (
    assignment,
    checkins,
    couples,
    handover,
    matching,
    organisations,
    proposals,
    requests,
    volunteers,
)
from bot.domain.coupling.errors import AnswerClosed, NotEligible, RequestNotOpen
from bot.domain.coupling.vocabulary import (
    CheckInAnswer,
    HandOverAnswer,
    MessageKind,
    ProposalAnswer,
    ProposalStatus,
    RequestStatus,
)
from bot.domain.coupling.vocabulary import ReasonKind as R
from bot.domain.errors import InvalidInput, NotAllowed
from storage.areas import find_area
from storage.db import Database
from storage.models import Couple, HelpRequest, OutboxMessage, Person, Proposal

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
NOW = dt.datetime(2027, 1, 8, 9, 0, tzinfo=UTC)  # Friday 10:00 in Amsterdam
WED_AFTERNOON = (2, "afternoon")
_tg = itertools.count(50_000)


async def add_person(
    session: AsyncSession,
    name: str,
    *,
    role: str = "volunteer",
    area: str = "Jordaan",
    buurt: str | None = "Marnixbuurt Noord",
    languages: tuple[str, ...] = ("nl",),
    tasks: tuple[str, ...] = ("shopping",),
    ready: bool = True,
    slots: set[tuple[int, str]] | None = None,
) -> Person:
    home = await find_area(session, area)
    assert home is not None
    new = await invites.create_invite(session=session, role=role, area=home, now=NOW)
    tg = next(_tg)
    person = await people.register(
        session=session,
        token=new.token,
        telegram_user_id=tg,
        chat_id=tg,
        first_name=name,
        language="nl",
        now=NOW,
    )
    if buurt:
        place = await find_area(session, buurt)
        assert place is not None
        await people.set_buurt(session=session, person=person, buurt_id=place.id)
    people.set_spoken_languages(person=person, languages=languages)
    if role == "volunteer":
        await people.set_offers(session=session, person=person, tasks=tasks)
        await set_slots(session=session, person_id=person.id, slots=slots or set())
    people.finish_onboarding(person=person, now=NOW)
    await session.flush()
    if role == "volunteer" and ready:
        boss = await session.scalar(select(Person).where(Person.role == "coordinator"))
        await volunteers.mark_ready(
            session=session, volunteer_id=person.id, coordinator=boss, now=NOW
        )
    return person


async def world(session: AsyncSession) -> dict[str, Person]:
    """A Jordaan coordinator, a Turkish-speaking resident in Marnixbuurt Noord asking for
    shopping help on Wednesday afternoons, and volunteers that do or do not fit."""
    p: dict[str, Person] = {}
    p["coord"] = await add_person(session, "Coco", role="coordinator", area="Centrum", buurt=None)
    p["ayse"] = await add_person(session, "Ayşe", role="resident", languages=("tr",))
    p["anouk"] = await add_person(
        session,
        "Anouk",
        languages=("nl", "tr"),
        tasks=("shopping", "company"),
        slots={WED_AFTERNOON},
    )
    p["bram"] = await add_person(
        session, "Bram", languages=("tr",), tasks=("shopping",), buurt="Bloemgrachtbuurt"
    )
    p["kees"] = await add_person(session, "Kees", languages=("nl",))  # no Turkish
    p["lotte"] = await add_person(session, "Lotte", languages=("tr",), ready=False)
    p["mo"] = await add_person(session, "Mo", languages=("tr",), tasks=("odd_jobs",))
    p["stopped"] = await add_person(session, "Sem", languages=("tr",))
    people.stop(person=p["stopped"], now=NOW)
    request = await requests.create_request(
        session=session, resident=p["ayse"], tasks=["shopping"], slots=[WED_AFTERNOON], now=NOW
    )
    p["request_id"] = request.id  # type: ignore[assignment]
    await session.flush()
    return p


async def outbox_keys(session: AsyncSession, person: Person) -> list[str]:
    rows = await session.scalars(
        select(OutboxMessage.message_key)
        .where(OutboxMessage.person_id == person.id)
        .order_by(OutboxMessage.id)
    )
    return list(rows)


async def test_suggestions_filter_hard_and_explain_themselves(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        found = await matching.top_suggestions(session=session, request_id=p["request_id"], now=NOW)
    assert [(s.name, s.score) for s in found] == [
        ("Anouk", 40 + 5 + 15 + 10),  # same buurt, Wednesday afternoon free, no couple
        ("Bram", 30 + 0 + 15 + 10),  # sibling buurt in the Jordaan
    ]
    assert found[0].reasons == [
        (R.SAME_BUURT, "Marnixbuurt Noord"),
        (R.LANGUAGE, "tr"),
        (R.TASK, "shopping"),
        (R.TIME, WED_AFTERNOON),
        (R.NO_COUPLE, None),
    ]
    assert found[1].reasons == [
        (R.SIBLING_BUURT, "Jordaan"),
        (R.LANGUAGE, "tr"),
        (R.TASK, "shopping"),
        (R.NO_COUPLE, None),
    ]


async def test_both_yes_make_a_couple_with_history_and_messages(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        rid = p["request_id"]
        state = await proposals.propose(
            session=session,
            request_id=rid,
            volunteer_id=p["anouk"].id,
            coordinator=p["coord"],
            now=NOW,
        )
        assert state.status == ProposalStatus.VOLUNTEER
        assert state.request_status == RequestStatus.PROPOSED
        # One volunteer per request: a second proposal is refused while one is running.
        with pytest.raises(RequestNotOpen):
            await proposals.propose(
                session=session,
                request_id=rid,
                volunteer_id=p["bram"].id,
                coordinator=p["coord"],
                now=NOW,
            )
        # A forged press by someone else is refused.
        with pytest.raises(NotAllowed):
            await proposals.answer_volunteer(
                session=session,
                proposal_id=state.proposal_id,
                volunteer=p["bram"],
                answer=ProposalAnswer.YES,
                now=NOW,
            )
        later = NOW + dt.timedelta(hours=3)
        yes = await proposals.answer_volunteer(
            session=session,
            proposal_id=state.proposal_id,
            volunteer=p["anouk"],
            answer=ProposalAnswer.YES,
            now=later,
        )
        again = await proposals.answer_volunteer(
            session=session,
            proposal_id=state.proposal_id,
            volunteer=p["anouk"],
            answer=ProposalAnswer.YES,
            now=later,
        )
        assert yes == again and yes.status == ProposalStatus.RESIDENT  # double press: once
        with pytest.raises(AnswerClosed):  # stale: a different answer after Ja
            await proposals.answer_volunteer(
                session=session,
                proposal_id=state.proposal_id,
                volunteer=p["anouk"],
                answer=ProposalAnswer.NO,
                now=later,
            )
        done = await proposals.answer_resident(
            session=session,
            proposal_id=state.proposal_id,
            resident=p["ayse"],
            answer=ProposalAnswer.YES,
            now=later + dt.timedelta(hours=1),
        )
        assert done.status == ProposalStatus.ACCEPTED
        assert done.request_status == RequestStatus.COUPLED and done.couple_id is not None
        couple = await session.get(Couple, done.couple_id)
        assert (couple.volunteer_id, couple.resident_id) == (p["anouk"].id, p["ayse"].id)
        assert couple.next_checkin_at == later + dt.timedelta(hours=1, days=7)
        history = await requests.history(session=session, request_id=rid)
        assert [(h.from_status, h.to_status, h.by_id) for h in history] == [
            (None, "open", p["ayse"].id),
            ("open", "proposed", p["coord"].id),
            ("proposed", "coupled", p["ayse"].id),
        ]
        assert await outbox_keys(session, p["anouk"]) == [
            MessageKind.PROPOSAL_VOLUNTEER,
            MessageKind.COUPLED,
        ]
        assert await outbox_keys(session, p["ayse"]) == [
            MessageKind.PROPOSAL_RESIDENT,
            MessageKind.COUPLED,
        ]
        assert await outbox_keys(session, p["coord"]) == [MessageKind.COUPLED]
        # Anouk (maximum 1) now has a couple: she is no longer suggested anywhere.
        other = await add_person(session, "Fatma", role="resident", languages=("tr",))
        second = await requests.create_request(
            session=session, resident=other, tasks=["shopping"], now=NOW
        )
        names = [
            s.name
            for s in await matching.top_suggestions(session=session, request_id=second.id, now=NOW)
        ]
        assert names == ["Bram"]


async def test_no_and_not_now_reopen_and_are_never_proposed_again(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        rid = p["request_id"]
        first = await proposals.propose(
            session=session,
            request_id=rid,
            volunteer_id=p["anouk"].id,
            coordinator=p["coord"],
            now=NOW,
        )
        declined = await proposals.answer_volunteer(
            session=session,
            proposal_id=first.proposal_id,
            volunteer=p["anouk"],
            answer=ProposalAnswer.NOT_NOW,
            now=NOW,
        )
        assert declined.status == ProposalStatus.DECLINED
        assert declined.request_status == RequestStatus.OPEN
        assert await outbox_keys(session, p["coord"]) == [MessageKind.PROPOSAL_DECLINED]
        names = [
            s.name for s in await matching.top_suggestions(session=session, request_id=rid, now=NOW)
        ]
        assert names == ["Bram"]  # Anouk: proposed before, and "liever niet nu"
        with pytest.raises(NotEligible):  # a forged or stale suggestion button
            await proposals.propose(
                session=session,
                request_id=rid,
                volunteer_id=p["anouk"].id,
                coordinator=p["coord"],
                now=NOW,
            )
        # "Liever niet nu" lasts 4 weeks for other requests too.
        other = await add_person(session, "Fatma", role="resident", languages=("tr",))
        second = await requests.create_request(
            session=session, resident=other, tasks=["shopping"], now=NOW
        )
        names = [
            s.name
            for s in await matching.top_suggestions(
                session=session, request_id=second.id, now=NOW + dt.timedelta(days=27)
            )
        ]
        assert names == ["Bram"]
        names = [
            s.name
            for s in await matching.top_suggestions(
                session=session, request_id=second.id, now=NOW + dt.timedelta(days=28)
            )
        ]
        assert names == ["Anouk", "Bram"]
        bram = await proposals.propose(
            session=session,
            request_id=rid,
            volunteer_id=p["bram"].id,
            coordinator=p["coord"],
            now=NOW,
        )
        await proposals.answer_volunteer(
            session=session,
            proposal_id=bram.proposal_id,
            volunteer=p["bram"],
            answer=ProposalAnswer.YES,
            now=NOW,
        )
        no = await proposals.answer_resident(
            session=session,
            proposal_id=bram.proposal_id,
            resident=p["ayse"],
            answer=ProposalAnswer.NO,
            now=NOW,
        )
        assert (no.status, no.request_status) == (ProposalStatus.DECLINED, RequestStatus.OPEN)
        with pytest.raises(InvalidInput):
            await proposals.answer_resident(
                session=session,
                proposal_id=bram.proposal_id,
                resident=p["ayse"],
                answer=ProposalAnswer.NOT_NOW,
                now=NOW,
            )


async def test_no_answer_in_time_expires_and_quiet_hours_are_the_callers_rule(
    db: Database,
) -> None:
    def skip_nights(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        return start + duration + dt.timedelta(hours=20)  # e.g. two nights of 10 h

    async with db.begin() as session:
        p = await world(session)
        state = await proposals.propose(
            session=session,
            request_id=p["request_id"],
            volunteer_id=p["anouk"].id,
            coordinator=p["coord"],
            now=NOW,
            awake_after=skip_nights,
        )
        proposal = await session.get(Proposal, state.proposal_id)
        assert proposal.deadline_at == NOW + dt.timedelta(hours=68)
        assert await proposals.expire_due(session=session, now=NOW + dt.timedelta(hours=67)) == []
        assert await proposals.expire_due(session=session, now=NOW + dt.timedelta(hours=68)) == [
            state.proposal_id
        ]
        request = await session.get(HelpRequest, p["request_id"])
        assert (proposal.status, request.status) == ("expired", "open")
        assert await outbox_keys(session, p["coord"]) == [MessageKind.PROPOSAL_EXPIRED]
        with pytest.raises(AnswerClosed):  # a late Ja is a stale press
            await proposals.answer_volunteer(
                session=session,
                proposal_id=state.proposal_id,
                volunteer=p["anouk"],
                answer=ProposalAnswer.YES,
                now=NOW + dt.timedelta(hours=70),
            )


async def _couple(session: AsyncSession, p: dict[str, Person]) -> Couple:
    state = await proposals.propose(
        session=session,
        request_id=p["request_id"],
        volunteer_id=p["anouk"].id,
        coordinator=p["coord"],
        now=NOW,
    )
    await proposals.answer_volunteer(
        session=session,
        proposal_id=state.proposal_id,
        volunteer=p["anouk"],
        answer=ProposalAnswer.YES,
        now=NOW,
    )
    done = await proposals.answer_resident(
        session=session,
        proposal_id=state.proposal_id,
        resident=p["ayse"],
        answer=ProposalAnswer.YES,
        now=NOW,
    )
    couple = await session.get(Couple, done.couple_id)
    assert couple is not None
    return couple


async def test_check_ins_after_a_week_and_kan_beter_reaches_the_owner(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        couple = await _couple(session, p)
        assert await checkins.send_due(session=session, now=NOW + dt.timedelta(days=6)) == []
        week = NOW + dt.timedelta(days=7)
        (sent,) = await checkins.send_due(session=session, now=week)
        assert sent.round == 1 and len(sent.check_in_ids) == 2
        assert couple.next_checkin_at == NOW + dt.timedelta(days=28)
        volunteer_ci, resident_ci = sent.check_in_ids
        with pytest.raises(NotAllowed):
            await checkins.answer(
                session=session,
                check_in_id=volunteer_ci,
                person=p["ayse"],
                answer=CheckInAnswer.GOOD,
                now=week,
            )
        await checkins.answer(
            session=session,
            check_in_id=resident_ci,
            person=p["ayse"],
            answer=CheckInAnswer.COULD_BE_BETTER,
            now=week,
        )
        await checkins.answer(
            session=session,
            check_in_id=resident_ci,
            person=p["ayse"],
            answer=CheckInAnswer.COULD_BE_BETTER,
            now=week,
        )  # once
        alerts = await session.scalars(
            select(OutboxMessage.args).where(
                OutboxMessage.person_id == p["coord"].id,
                OutboxMessage.message_key == MessageKind.CHECK_IN_ALERT,
            )
        )
        assert list(alerts) == [
            {"couple_id": couple.id, "reason": "could_be_better", "side": "resident"}
        ]
        # Anouk answers neither round 1 nor round 2: the owner hears it once, a week later.
        await checkins.send_due(session=session, now=NOW + dt.timedelta(days=28))
        await checkins.send_due(session=session, now=NOW + dt.timedelta(days=34))
        assert await checkins.flag_unanswered(session=session, now=NOW + dt.timedelta(days=34)) == 0
        assert await checkins.flag_unanswered(session=session, now=NOW + dt.timedelta(days=35)) == 1
        await checkins.flag_unanswered(session=session, now=NOW + dt.timedelta(days=36))
        alerts = await session.scalars(
            select(OutboxMessage.args)
            .where(
                OutboxMessage.person_id == p["coord"].id,
                OutboxMessage.message_key == MessageKind.CHECK_IN_ALERT,
            )
            .order_by(OutboxMessage.id)
        )
        assert list(alerts)[1:] == [
            {"couple_id": couple.id, "reason": "no_answer", "side": "volunteer"}
        ]


async def test_ending_and_erasure_mid_couple(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        couple = await _couple(session, p)
        with pytest.raises(NotAllowed):
            await couples.end_couple(
                session=session, couple_id=couple.id, by=p["bram"], reopen=True, now=NOW
            )
        await people.erase(session=session, person=p["anouk"], now=NOW, tz=AMS)
        request = await session.get(HelpRequest, p["request_id"])
        assert request.status == "open"  # Ayşe still needs help
        ended = await session.scalars(
            select(OutboxMessage.args).where(
                OutboxMessage.person_id == p["ayse"].id,
                OutboxMessage.message_key == MessageKind.COUPLE_ENDED,
            )
        )
        assert list(ended) == [{"couple_id": None, "reason": "erased"}]
        assert (
            await session.scalar(select(Couple).where(Couple.volunteer_id == p["anouk"].id)) is None
        )


async def test_hand_over_to_the_buurtteam_answered_by_its_partner(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        await session.run_sync(
            lambda s: organisations.load_organisations(
                s, PROJECT_ROOT / "storage" / "data" / "organisations-amsterdam-centrum.toml"
            )
        )
        social = await organisations.social_map(session=session, area_id=p["ayse"].buurt_id)
        assert [(e.kind, e.name) for e in social] == [
            ("neighbourhood_team", "Buurtteam Amsterdam Centrum"),
            ("social_base", "DOCK Centrum"),
            ("housing_corporation", "Ymere"),
            ("area_broker", "Gebiedsmakelaar Centrum (gemeente)"),
        ]
        team, ymere = social[0].id, social[2].id
        bea = await add_person(session, "Bea", role="volunteer", ready=False)  # staff member
        await organisations.link_partner(session=session, person=bea, organisation_id=team)
        eve = await add_person(session, "Eve", role="volunteer", ready=False)
        await organisations.link_partner(session=session, person=eve, organisation_id=ymere)
        with pytest.raises(InvalidInput):
            await handover.hand_over(
                session=session,
                request_id=p["request_id"],
                organisation_id=team,
                coordinator=p["coord"],
                consent_at=NOW + dt.timedelta(minutes=1),
                now=NOW,
            )
        h = await handover.hand_over(
            session=session,
            request_id=p["request_id"],
            organisation_id=team,
            coordinator=p["coord"],
            consent_at=NOW,
            now=NOW,
        )
        assert (await session.get(HelpRequest, p["request_id"])).status == "handed_over"
        assert await outbox_keys(session, bea) == [MessageKind.HAND_OVER]
        assert await outbox_keys(session, eve) == []
        with pytest.raises(NotAllowed):  # Ymere's staff see nothing of it
            await handover.answer(
                session=session,
                hand_over_id=h.id,
                partner=eve,
                answer=HandOverAnswer.PICKED_UP,
                now=NOW,
            )
        assert await handover.for_partner(session=session, partner=eve) == []
        with pytest.raises(NotAllowed):
            await handover.for_partner(session=session, partner=p["kees"])
        with pytest.raises(InvalidInput):
            await handover.answer(
                session=session,
                hand_over_id=h.id,
                partner=bea,
                answer=HandOverAnswer.NOT_FOR_US,
                now=NOW,
            )
        await handover.answer(
            session=session,
            hand_over_id=h.id,
            partner=bea,
            answer=HandOverAnswer.NOT_FOR_US,
            reason="Geen zorgvraag",
            now=NOW,
        )
        assert (await session.get(HelpRequest, p["request_id"])).status == "open"
        (seen,) = await handover.for_partner(session=session, partner=bea)
        assert (seen.tasks, seen.answer) == (["shopping"], HandOverAnswer.NOT_FOR_US)
        assert await outbox_keys(session, p["coord"]) == [MessageKind.HAND_OVER_ANSWERED]


async def test_unowned_request_is_raised_again_after_two_working_days(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)  # request made on Friday 10:00
        monday = dt.datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
        tuesday = dt.datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
        assert await requests.reraise_unowned(session=session, now=monday) == []
        assert await requests.reraise_unowned(session=session, now=tuesday) == [p["request_id"]]
        assert (
            await requests.reraise_unowned(session=session, now=tuesday + dt.timedelta(hours=1))
            == []
        )
        assert await outbox_keys(session, p["coord"]) == [MessageKind.REQUEST_RAISED]
        await requests.take_ownership(
            session=session, request_id=p["request_id"], coordinator=p["coord"], now=tuesday
        )
        assert (
            await requests.reraise_unowned(session=session, now=tuesday + dt.timedelta(days=7))
            == []
        )
        with pytest.raises(NotAllowed):
            await requests.take_ownership(
                session=session, request_id=p["request_id"], coordinator=p["anouk"], now=tuesday
            )


async def test_area_assignment_is_exact_and_reports_the_unassignable(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        await volunteers.set_max_couples(session=session, volunteer=p["bram"], count=2)
        extra = []
        for name, langs in (
            ("Fatma", ("tr",)),
            ("Hans", ("nl",)),
            ("Zeynep", ("tr",)),
            ("Pap", ("pap",)),
        ):
            resident = await add_person(session, name, role="resident", languages=langs)
            extra.append(
                await requests.create_request(
                    session=session, resident=resident, tasks=["shopping"], now=NOW
                )
            )
        plan = await assignment.plan_area(session=session, coordinator=p["coord"], now=NOW)
        problem = await assignment.build_problem(
            session=session, area_id=p["coord"].area_id, now=NOW
        )
        assert plan.objective == assignment.solve_dense(problem)
        taken = {v for _, v, _ in plan.pairs}
        assert taken <= {p["anouk"].id, p["bram"].id, p["kees"].id}
        assert sum(v == p["bram"].id for _, v, _ in plan.pairs) <= 2
        assert extra[3].id in plan.unassigned  # nobody speaks Papiamentu
        assert len(plan.pairs) == 4  # Anouk 1 + Bram 2 + Kees 1 (Dutch)
        with pytest.raises(NotAllowed):
            await assignment.plan_area(session=session, coordinator=p["anouk"], now=NOW)


async def test_resident_withdraws_and_onboarding_tasks_stay_one_request(db: Database) -> None:
    async with db.begin() as session:
        p = await world(session)
        await people.set_help_requests(
            session=session, person=p["ayse"], tasks=["shopping", "paperwork"], now=NOW
        )
        assert await people.help_requests_of(session=session, person_id=p["ayse"].id) == [
            "shopping",
            "paperwork",
        ]
        count = await session.scalar(
            select(HelpRequest.id)
            .where(HelpRequest.person_id == p["ayse"].id)
            .order_by(HelpRequest.id.desc())
        )
        assert count == p["request_id"]  # still the same single request
        with pytest.raises(NotAllowed):
            await requests.withdraw(
                session=session, request_id=p["request_id"], resident=p["anouk"], now=NOW
            )
        await requests.withdraw(
            session=session, request_id=p["request_id"], resident=p["ayse"], now=NOW
        )
        assert await people.help_requests_of(session=session, person_id=p["ayse"].id) == []
        assert (await session.get(HelpRequest, p["request_id"])).status == "closed"


async def test_nobody_is_coupled_without_consent_to_coupling(db: Database) -> None:
    """Issue 9: a volunteer who refused (or never gave) consent to 'coupling' is not
    suggested, and a resident without it gets no proposal."""
    async with db.begin() as session:
        p = await world(session)
        await consent.withdraw(session=session, person=p["anouk"], purpose="coupling")
        found = await matching.top_suggestions(session=session, request_id=p["request_id"], now=NOW)
        assert [s.name for s in found] == ["Bram"]
        assert not await matching.is_eligible(
            session=session, request_id=p["request_id"], volunteer_id=p["anouk"].id, now=NOW
        )
        await consent.withdraw(session=session, person=p["ayse"], purpose="coupling")
        with pytest.raises(NotEligible):
            await proposals.propose(
                session=session,
                request_id=p["request_id"],
                volunteer_id=p["bram"].id,
                coordinator=p["coord"],
                now=NOW,
            )
        assert (await session.scalars(select(Proposal))).all() == []
