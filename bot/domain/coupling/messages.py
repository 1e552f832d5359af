"""What coupling outbox messages show, loaded at send time (never stored in the row).

The outbox row keeps only ids (`{"proposal_id"}`, `{"couple_id"}`, `{"request_id"}`); the
dispatcher calls `message_facts` just before rendering, so a message never carries a name
that was erased meanwhile, and a proposal that is no longer waiting is not sent (None).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.coupling import on_behalf
from bot.domain.coupling.summaries import proposal_facts, request_summary
from bot.domain.errors import NotFound
from bot.domain.vocabulary import CouplingMessageKind as Kind
from bot.domain.vocabulary import ProposalStatus
from storage.models import Couple, Person

#: Kinds whose text needs `message_facts` (the dispatcher asks only for these).
LOADED_KINDS = frozenset(
    {
        Kind.PROPOSAL_VOLUNTEER,
        Kind.PROPOSAL_RESIDENT,
        Kind.PROPOSAL_DECLINED,
        Kind.PROPOSAL_EXPIRED,
        Kind.COUPLED,
    }
)


async def message_facts(
    *, session: AsyncSession, kind: str, args: dict[str, Any], person_id: int
) -> dict[str, Any] | None:
    """The values the renderer of `kind` needs, for recipient `person_id`, or None when the
    message is no longer true (a proposal already answered, withdrawn or erased).

    Keys: proposals -> "proposal" (`ProposalFacts`); coupled -> "resident_name",
    "volunteer_name", "resident_place", "role" ("volunteer" | "resident" | "owner"),
    "other_name"; for a resident without Telegram also "contact_name" (the coordinator who
    relays for them)."""
    try:
        if kind in (Kind.PROPOSAL_VOLUNTEER, Kind.PROPOSAL_RESIDENT):
            facts = await proposal_facts(session=session, proposal_id=int(args["proposal_id"]))
            waiting = (
                ProposalStatus.VOLUNTEER
                if kind == Kind.PROPOSAL_VOLUNTEER
                else ProposalStatus.RESIDENT
            )
            return {"proposal": facts} if facts.status == waiting else None
        if kind in (Kind.PROPOSAL_DECLINED, Kind.PROPOSAL_EXPIRED):
            facts = await proposal_facts(session=session, proposal_id=int(args["proposal_id"]))
            return {"proposal": facts}
        if kind == Kind.COUPLED:
            couple = await session.get(Couple, int(args["couple_id"]))
            if couple is None or couple.ended_at is not None:
                return None
            summary = await request_summary(session=session, request_id=couple.request_id)
            volunteer = await session.scalar(
                select(Person.display_name).where(Person.id == couple.volunteer_id)
            )
            role = (
                "volunteer"
                if person_id == couple.volunteer_id
                else "resident"
                if person_id == couple.resident_id
                else "owner"
            )
            facts: dict[str, Any] = {
                "role": role,
                "resident_name": summary.resident_name,
                "resident_place": summary.place,
                "volunteer_name": volunteer or "?",
                "tasks": summary.tasks,
            }
            contact = await on_behalf.contact_of(session=session, resident_id=couple.resident_id)
            if contact is not None:  # the resident has no Telegram: their coordinator relays
                facts["contact_name"] = contact.display_name
            return facts
    except NotFound:
        return None
    return {}
