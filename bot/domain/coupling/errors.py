"""Coupling's domain errors (handlers turn each into a kind, translated answer)."""

from __future__ import annotations

from bot.domain.errors import DomainError


class RequestNotOpen(DomainError):
    """The help request is not open (already proposed, coupled, handed over or closed)."""


class NotEligible(DomainError):
    """The volunteer does not pass the hard filters for this request (any more)."""


class AnswerClosed(DomainError):
    """The question was already answered differently, expired or withdrawn (stale press)."""
