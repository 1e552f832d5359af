"""Domain errors. Handlers turn each into a kind, translated answer."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: an expected refusal, never a crash."""


class InviteInvalid(DomainError):
    """No invite has this token (typo, forged, or never existed)."""


class InviteExpired(DomainError):
    """The invite's expiry time has passed."""


class InviteUsedUp(DomainError):
    """The invite's maximum number of uses has been reached."""


class AlreadyRegistered(DomainError):
    """This Telegram account already belongs to a person."""


class NotAllowed(DomainError):
    """This person may not do this (wrong role, or outside their area)."""


class NotFound(DomainError):
    """The object does not exist (any more)."""


class ActionCancelled(DomainError):
    """The action was cancelled; answers are closed."""


class ActionStarted(DomainError):
    """The action has started; answers can no longer change."""


class InvalidInput(DomainError):
    """A value is out of range; `field` names which one."""

    def __init__(self, field: str, message: str = "") -> None:
        super().__init__(message or field)
        self.field = field


class NotSignedUp(DomainError):
    """The person has not finished signing up (or is not known at all)."""


class MessagesStopped(DomainError):
    """The person sent /stop; they take part again after /start."""


class ActionFull(DomainError):
    """Every place of the action is taken (nothing to call again for)."""
