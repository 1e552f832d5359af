"""The outbox's message kinds and the domain's rules for each (one registry).

`RULES` holds, per kind, everything the domain knows about it: whether it is about an
action, its "still true?" check (`bot.domain.outbox_checks`), its expiry rule, its dedup key
and whether it waits for quiet hours. `bot.delivery.kinds` adds the renderer for each kind
and checks at import time that both sides list the same kinds. Adding a kind = one
`MessageKind` member, one `KindRule` here, one renderer there, and its texts. Queueing
rows is `bot.domain.outbox`, which re-exports these names.

Kinds and their args:
- action_call        {} (action): the call with Ja/Misschien/Nee buttons
- reminder_24h       {} (action): reminder the day before (wall clock)
- reminder_2h        {} (action): reminder two hours before
- action_cancelled   {} (action): the action does not go ahead
- waitlist_promoted  {} (action): a place came free; you are now on the list
- help_request_new   {"place": buurt name} (no action): to coordinators, a resident of
                     their area signed up and would like help (no personal details)
- coordinator_left   {"actions": n, "invites": n} (no action): to coordinators, what an
                     erased coordinator left them
- attendance_ask     {} (action): to its coordinators at the action's end, "Who came?"
                     (bot.domain.attendance)
- attendance_thanks  {} (action): one thank-you to a volunteer who came
- coupling_check_in  {"check_in_id"} (no action): "Hoe gaat het?" to one side of a couple
                     (bot.domain.coupling.checkins)
- coupling_check_in_alert {"couple_id", "reason", "side"}: to the owner, a side answered
                     "Kan beter" / "gestopt" or left two check-ins unanswered
- coupling_couple_ended {"couple_id" | None, "reason": "ended" | "erased"}: to the other
                     side and the owner (bot.domain.coupling.couples); no names
- coupling_kennismaking {"couple_id", "at" (ISO UTC), "place"}: to both sides, the first
                     meeting the owner planned; coupling_kennismaking_reminder (same args)
                     a day before, not after it (bot.domain.coupling.follow_up)
- coupling_hand_over_consent {"request_id", "organisation_id", "organisation", "asked_by"}:
                     the resident is asked before a hand-over; coupling_hand_over_consent_answer
                     {"organisation", "agreed"} tells the coordinator who asked
- coupling_hand_over {"hand_over_id"}: to the organisation's staff (details on a press);
                     coupling_hand_over_answered {"hand_over_id", "answer", "reason",
                     "organisation"} to the owner (bot.domain.coupling.handover)
- action_changed     {"changed": [field, ...], "was": {field: old value}} (action): the
                     coordinator edited the action (bot.domain.action_changes); to everyone
                     who answered Ja/Misschien or waits, with their answer buttons
- worry_callback     {"volunteer": first name, "user_id": Telegram id, "place": area name}
                     (no action): to the nearest coordinators, a volunteer is worried about
                     someone and asks to be called back; nothing about that person
                     (bot.domain.worries)
- answer_updated     {"message_id": n, "position"?: p} (action): not a new message but an
                     edit of message n (where the person answered) once the waiting list
                     moved: "Je antwoord: Ja — tot dan!" instead of "nummer 1 op de
                     wachtlijst", or (with `position`) their new number on the list
- coordinator_notice {"event": full|dropout, "urgent", "who", "promoted"} (action): to the
                     action's coordinator or their stand-in (bot.domain.notices)
- place_free         {} (action): "er is weer plek", once per action per person
- maybe_followup     {} (action): "Weet je het al?" to a Misschien, 48 h before the start
- action_message     {"text", "from", "from_id"} (action): a coordinator's message to the
                     people coming (bot.domain.action_messages; args wiped once done)
- call_changed       {"changed": [field, ...]} (action): the time or place changed, to who
                     got the call and has not answered, with the call's buttons
- moved_to_waitlist  {"position": n} (action): the places went down and the coordinator
                     moved this person from a place to the waiting list (bot.domain.surplus)
- signal_new         {"signal_id"}: a place signal, to the organisation's staff of the area;
                     signal_answered {"signal_id", "status"} to the sender and coordinators;
                     signal_raised {"signal_id"}: nobody picked it up in 5 working days
                     (bot.domain.signals; the text is loaded at send time)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.coupling.vocabulary import MessageKind as CouplingKind
from bot.domain.outbox_checks import (
    ActionFacts,
    PersonFacts,
    Verdict,
    _always,
    _call_still_true,
    _not_cancelled,
    _open_and_not_started,
)
from bot.domain.vocabulary import OutboxStatus


class MessageKind(enum.StrEnum):
    """What a proactive message is about (stored in `outbox_message.message_key`)."""

    ACTION_CALL = "action_call"
    REMINDER_24H = "reminder_24h"
    REMINDER_2H = "reminder_2h"
    ACTION_CANCELLED = "action_cancelled"
    WAITLIST_PROMOTED = "waitlist_promoted"
    HELP_REQUEST_NEW = "help_request_new"
    COORDINATOR_LEFT = "coordinator_left"
    ATTENDANCE_ASK = "attendance_ask"
    ATTENDANCE_THANKS = "attendance_thanks"
    # Coupling kinds with a renderer (the rest stay in COUPLING_KEYS until theirs exist).
    CHECK_IN = CouplingKind.CHECK_IN.value
    CHECK_IN_ALERT = CouplingKind.CHECK_IN_ALERT.value
    COUPLE_ENDED = CouplingKind.COUPLE_ENDED.value
    KENNISMAKING = CouplingKind.KENNISMAKING.value
    KENNISMAKING_REMINDER = CouplingKind.KENNISMAKING_REMINDER.value
    HAND_OVER = CouplingKind.HAND_OVER.value
    HAND_OVER_ANSWERED = CouplingKind.HAND_OVER_ANSWERED.value
    HAND_OVER_CONSENT = CouplingKind.HAND_OVER_CONSENT.value
    HAND_OVER_CONSENT_ANSWER = CouplingKind.HAND_OVER_CONSENT_ANSWER.value
    ACTION_CHANGED = "action_changed"
    # Coupling (issue 6): the same strings as `CouplingMessageKind`; args are ids only, the
    # texts load their facts at send time (bot.domain.coupling.messages).
    PROPOSAL_VOLUNTEER = CouplingKind.PROPOSAL_VOLUNTEER.value
    PROPOSAL_RESIDENT = CouplingKind.PROPOSAL_RESIDENT.value
    PROPOSAL_DECLINED = CouplingKind.PROPOSAL_DECLINED.value
    PROPOSAL_EXPIRED = CouplingKind.PROPOSAL_EXPIRED.value
    COUPLED = CouplingKind.COUPLED.value
    REQUEST_RAISED = CouplingKind.REQUEST_RAISED.value
    WORRY_CALLBACK = "worry_callback"
    ANSWER_UPDATED = "answer_updated"
    COORDINATOR_NOTICE = "coordinator_notice"
    PLACE_FREE = "place_free"
    MAYBE_FOLLOWUP = "maybe_followup"
    ACTION_MESSAGE = "action_message"
    CALL_CHANGED = "call_changed"
    MOVED_TO_WAITLIST = "moved_to_waitlist"
    SIGNAL_NEW = "signal_new"
    SIGNAL_ANSWERED = "signal_answered"
    SIGNAL_RAISED = "signal_raised"


@dataclass(frozen=True)
class KindRule:
    """The domain's rules for one message kind.

    `needs_action`: the row's `action_id` must be set and the action must exist.
    `still_true(action, now)`: the "still true?" check at send time (None = send); only
    called for kinds that need an action.
    `expiry`: a sentence naming the `not_after` rule (enforced by `not_after` on the row).
    `dedup(action_id, person_id, extra)`: the row's unique dedup key.
    `waits_for_quiet_hours`: held during quiet hours until the morning, unless its action
    starts before 10:00 that morning (the rule: `bot.domain.quiet_hours`).
    """

    needs_action: bool
    still_true: Callable[[ActionFacts, dt.datetime], Verdict]
    expiry: str
    dedup: Callable[[int | None, int, str], str]
    waits_for_quiet_hours: bool

    @property
    def stops_when_action_cancelled(self) -> bool:
        """True when a cancelled action makes this kind untrue (calls, reminders)."""
        return self.still_true is not _always


def _key(kind: MessageKind) -> Callable[[int | None, int, str], str]:
    def dedup(action_id: int | None, person_id: int, extra: str = "") -> str:
        base = f"{kind.value}:{action_id}:{person_id}" if action_id is not None else ""
        if not base:
            base = f"{kind.value}:{extra}:{person_id}"
        elif extra:
            base = f"{base}:{extra}"
        return base

    return dedup


RULES: dict[MessageKind, KindRule] = {
    MessageKind.ACTION_CALL: KindRule(
        True, _call_still_true, "the action's start", _key(MessageKind.ACTION_CALL), True
    ),
    MessageKind.REMINDER_24H: KindRule(
        True,
        _open_and_not_started,
        "midnight before the action's day (it says 'tomorrow'), or the start",
        _key(MessageKind.REMINDER_24H),
        True,
    ),
    MessageKind.REMINDER_2H: KindRule(
        True, _open_and_not_started, "the action's start", _key(MessageKind.REMINDER_2H), True
    ),
    MessageKind.ACTION_CANCELLED: KindRule(
        True, _always, "the action's start", _key(MessageKind.ACTION_CANCELLED), False
    ),
    MessageKind.WAITLIST_PROMOTED: KindRule(
        True,
        _open_and_not_started,
        "the action's start",
        _key(MessageKind.WAITLIST_PROMOTED),
        True,
    ),
    # dedup: help_request_new:<resident id>:<coordinator id> (extra = resident id).
    MessageKind.HELP_REQUEST_NEW: KindRule(
        False, _always, "none", _key(MessageKind.HELP_REQUEST_NEW), True
    ),
    # {"actions": n, "invites": n}: an erased coordinator's open actions and invites now
    # belong to the other coordinators of the area (bot.domain.erasure; no name of who left)
    MessageKind.COORDINATOR_LEFT: KindRule(
        False, _always, "none", _key(MessageKind.COORDINATOR_LEFT), False
    ),
    # bot.domain.attendance: queued when the action is created, due at its end
    MessageKind.ATTENDANCE_ASK: KindRule(
        True,
        _not_cancelled,
        "7 days after the action's end",
        _key(MessageKind.ATTENDANCE_ASK),
        False,
    ),
    MessageKind.ATTENDANCE_THANKS: KindRule(
        True,
        _not_cancelled,
        "2 days after the attendance was saved",
        _key(MessageKind.ATTENDANCE_THANKS),
        True,
    ),
    # bot.domain.coupling.checkins: asked until the next round is due (about a week)
    MessageKind.CHECK_IN: KindRule(False, _always, "none", _key(MessageKind.CHECK_IN), True),
    MessageKind.CHECK_IN_ALERT: KindRule(
        False, _always, "none", _key(MessageKind.CHECK_IN_ALERT), False
    ),
    MessageKind.COUPLE_ENDED: KindRule(
        False, _always, "none", _key(MessageKind.COUPLE_ENDED), False
    ),
    MessageKind.KENNISMAKING: KindRule(
        False, _always, "none", _key(MessageKind.KENNISMAKING), False
    ),
    MessageKind.KENNISMAKING_REMINDER: KindRule(
        False, _always, "the meeting's start", _key(MessageKind.KENNISMAKING_REMINDER), False
    ),
    MessageKind.HAND_OVER: KindRule(False, _always, "none", _key(MessageKind.HAND_OVER), False),
    MessageKind.HAND_OVER_ANSWERED: KindRule(
        False, _always, "none", _key(MessageKind.HAND_OVER_ANSWERED), False
    ),
    MessageKind.HAND_OVER_CONSENT: KindRule(
        False, _always, "none", _key(MessageKind.HAND_OVER_CONSENT), False
    ),
    MessageKind.HAND_OVER_CONSENT_ANSWER: KindRule(
        False, _always, "none", _key(MessageKind.HAND_OVER_CONSENT_ANSWER), False
    ),
    # bot.domain.action_changes: dedup action_changed:<action>:<person>:<edit time>
    MessageKind.ACTION_CHANGED: KindRule(
        True, _open_and_not_started, "the action's start", _key(MessageKind.ACTION_CHANGED), False
    ),
    # Coupling (bot.domain.coupling.proposals, requests): dedup keys are made there.
    # A proposal expires with its answer deadline (not_after); the dispatcher also skips
    # one that is no longer waiting (bot.domain.coupling.messages.message_facts).
    MessageKind.PROPOSAL_VOLUNTEER: KindRule(
        False, _always, "the answer deadline", _key(MessageKind.PROPOSAL_VOLUNTEER), True
    ),
    MessageKind.PROPOSAL_RESIDENT: KindRule(
        False, _always, "the answer deadline", _key(MessageKind.PROPOSAL_RESIDENT), True
    ),
    MessageKind.PROPOSAL_DECLINED: KindRule(
        False, _always, "none", _key(MessageKind.PROPOSAL_DECLINED), True
    ),
    MessageKind.PROPOSAL_EXPIRED: KindRule(
        False, _always, "none", _key(MessageKind.PROPOSAL_EXPIRED), True
    ),
    MessageKind.COUPLED: KindRule(False, _always, "none", _key(MessageKind.COUPLED), False),
    MessageKind.REQUEST_RAISED: KindRule(
        False, _always, "none", _key(MessageKind.REQUEST_RAISED), True
    ),
    # bot.domain.worries; dedup worry_callback:<volunteer id>:<UTC hour>:<coordinator id>.
    # Urgent: never held for quiet hours.
    MessageKind.WORRY_CALLBACK: KindRule(
        False, _always, "2 days after the tap", _key(MessageKind.WORRY_CALLBACK), False
    ),
    # bot.domain.rsvp: an edit (silent), so it never waits for quiet hours
    MessageKind.ANSWER_UPDATED: KindRule(
        True, _open_and_not_started, "the action's start", _key(MessageKind.ANSWER_UPDATED), False
    ),
    # bot.domain.notices (issue 7 items 5 and 11)
    MessageKind.COORDINATOR_NOTICE: KindRule(
        True,
        _open_and_not_started,
        "the action's start",
        _key(MessageKind.COORDINATOR_NOTICE),
        True,
    ),
    MessageKind.PLACE_FREE: KindRule(
        True, _call_still_true, "the action's start", _key(MessageKind.PLACE_FREE), True
    ),
    MessageKind.MAYBE_FOLLOWUP: KindRule(
        True, _open_and_not_started, "the action's start", _key(MessageKind.MAYBE_FOLLOWUP), True
    ),
    MessageKind.ACTION_MESSAGE: KindRule(  # a relay: not held by quiet hours
        True, _open_and_not_started, "the action's start", _key(MessageKind.ACTION_MESSAGE), False
    ),
    # bot.domain.action_changes: like a call, only while places are open
    MessageKind.CALL_CHANGED: KindRule(
        True, _call_still_true, "the action's start", _key(MessageKind.CALL_CHANGED), True
    ),
    # bot.domain.surplus: sent at once (the edit just happened; it is about their place)
    MessageKind.MOVED_TO_WAITLIST: KindRule(
        True,
        _open_and_not_started,
        "the action's start",
        _key(MessageKind.MOVED_TO_WAITLIST),
        False,
    ),
    # Signals (bot.domain.signals): work messages, held by quiet hours like notices; a new
    # signal or a raise that is no longer open is dropped at send time (its facts are None).
    MessageKind.SIGNAL_NEW: KindRule(False, _always, "none", _key(MessageKind.SIGNAL_NEW), True),
    MessageKind.SIGNAL_ANSWERED: KindRule(
        False, _always, "none", _key(MessageKind.SIGNAL_ANSWERED), True
    ),
    MessageKind.SIGNAL_RAISED: KindRule(
        False, _always, "none", _key(MessageKind.SIGNAL_RAISED), True
    ),
}

#: Kinds delivered by editing the message `args["message_id"]` in the recipient's chat
#: instead of sending a new one (bot.delivery.sending).
EDIT_KINDS = frozenset({MessageKind.ANSWER_UPDATED})

#: Coupling kinds (issue 6, `bot.domain.coupling.vocabulary.MessageKind`): the coupling
#: domain may queue them, but they have no renderer yet (their handlers are not built), so
#: the dispatcher records them as failed ("unknown message key"). No handler queues them yet.
COUPLING_KEYS: tuple[str, ...] = tuple(kind.value for kind in CouplingKind)

#: Kinds a person gets only while they hold a place on the action.
PLACE_KINDS = (MessageKind.REMINDER_24H, MessageKind.REMINDER_2H, MessageKind.WAITLIST_PROMOTED)


def verdict(
    *,
    kind: str,
    person: PersonFacts | None,
    action: ActionFacts | None,
    has_action_id: bool,
    not_after: dt.datetime | None,
    now: dt.datetime,
) -> Verdict:
    """Whether a claimed row of `kind` should still be sent at `now` (aware UTC).

    Returns None to send, else `(status, reason)`: 'cancelled' when the person is gone,
    stopped or unreachable, the action is gone, or the kind's `still_true` says no;
    'expired' when `not_after` has passed; 'failed' for an unknown kind or a row of an
    action kind without `action_id`. The person checks come first, then the action's
    status (a cancelled action beats expiry), then expiry, then the rest of the kind's check.
    """
    if person is None:
        return OutboxStatus.CANCELLED, "person gone"
    if person.stopped_at is not None:
        return OutboxStatus.CANCELLED, "stopped"
    if person.unreachable_at is not None:
        return OutboxStatus.CANCELLED, "unreachable"
    try:
        rule = RULES[MessageKind(kind)]
    except ValueError:
        return OutboxStatus.FAILED, "unknown message key"
    expired = not_after is not None and now > not_after
    if not rule.needs_action:
        return (OutboxStatus.EXPIRED, "not_after passed") if expired else None
    if not has_action_id:
        return OutboxStatus.FAILED, "no action"
    if action is None:
        return OutboxStatus.CANCELLED, "action gone"
    result = rule.still_true(action, now)
    if result == (OutboxStatus.CANCELLED, "action cancelled"):
        return result
    if expired:
        return OutboxStatus.EXPIRED, "not_after passed"
    return result


#: Kept for callers and tests that list the kinds as strings.
MESSAGE_KEYS = tuple(kind.value for kind in MessageKind)
