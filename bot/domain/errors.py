"""Domain errors. Handlers turn each into a kind, translated answer."""

from __future__ import annotations

import datetime as dt


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


class ActionClosed(DomainError):
    """Base of `ActionCancelled` and `ActionStarted`. `title` and `starts_at` (aware UTC) name
    the action when the raiser knows them, so the answer can say which action it was."""

    def __init__(self, title: str | None = None, starts_at: dt.datetime | None = None) -> None:
        super().__init__()  # no title in the message: exceptions may be logged
        self.title = title
        self.starts_at = starts_at


class ActionCancelled(ActionClosed):
    """The action was cancelled; answers are closed."""


class ActionStarted(ActionClosed):
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
