"""Coupling words, re-exported from `bot.domain.vocabulary` (the one vocabulary).

Kept so `from bot.domain.coupling.vocabulary import ...` keeps working; new code imports
from `bot.domain.vocabulary`.
"""

from __future__ import annotations

from bot.domain.vocabulary import (
    ACTIVE_REQUEST_STATUSES,
    PENDING_PROPOSAL_STATUSES,
    CheckInAnswer,
    HandOverAnswer,
    OrganisationKind,
    ProposalAnswer,
    ProposalStatus,
    ReasonKind,
    RequestStatus,
)
from bot.domain.vocabulary import CouplingMessageKind as MessageKind

__all__ = [
    "ACTIVE_REQUEST_STATUSES",
    "PENDING_PROPOSAL_STATUSES",
    "CheckInAnswer",
    "HandOverAnswer",
    "MessageKind",
    "OrganisationKind",
    "ProposalAnswer",
    "ProposalStatus",
    "ReasonKind",
    "RequestStatus",
]
