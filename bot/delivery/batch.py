"""One claimed batch: check every row against the registry and render it, in memory.

`prepare_batch` needs the claim's session only to load the batch's persons, actions and
area names (three queries for the whole batch, `storage.outbox.load_recipients_and_actions`)
and, for calls, the co-organisers of joint actions (one more, `bot.domain.joint`).
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup

from bot.delivery.kinds import REGISTRY
from bot.domain import cover, joint
from bot.domain.coupling import on_behalf
from bot.domain.coupling.messages import LOADED_KINDS, message_facts
from bot.domain.outbox import FOR_RESIDENT, MessageKind, verdict
from bot.domain.quiet_hours import QuietHours
from bot.domain.signal_jobs import SIGNAL_KINDS, signal_facts
from bot.domain.vocabulary import OutboxStatus
from bot.i18n import Translator
from bot.views.on_behalf import for_resident_header
from storage.outbox import ClaimedRow, Outcome, load_recipients_and_actions

logger = logging.getLogger("bot.delivery.dispatcher")
CALL_KIND = MessageKind.ACTION_CALL.value

#: `Outcome.error` of a row given back because Telegram answered 429 (it was attempted).
RETRY_AFTER = "retry_after"


class TranslatorSource(Protocol):
    """What the dispatcher needs of `bot.i18n.I18n`."""

    def translator(self, language: str | None) -> Translator: ...


def where(exc: BaseException) -> str:
    """'file.py:123' of the innermost frame: enough to debug, no data."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"


@dataclass
class DispatchReport:
    """Counts of one batch (no personal data).

    `retried`: attempted but put back to pending (network error, 5xx, or 429).
    `held_back`: claimed but not attempted (per-chat pace or pause); they stay pending.
    `paused_until`: aware UTC end of a 429 pause in force after this batch, else None.
    """

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    retried: int = 0
    held_back: int = 0
    paused_until: dt.datetime | None = None

    @property
    def busy(self) -> bool:
        """True when the batch changed any row."""
        return any(
            (self.sent, self.blocked, self.failed, self.expired, self.cancelled, self.retried)
        )

    def count(self, outcomes: Iterable[Outcome]) -> None:
        """Add recorded outcomes to the counts."""
        for o in outcomes:
            if o.kind == "postpone":
                self.held_back += 1
            elif o.kind == "retry" or (o.kind == "release" and o.error == RETRY_AFTER):
                self.retried += 1
            elif o.kind == "release":
                self.held_back += 1
            elif o.kind == "unreachable":
                self.failed += 1
            else:
                setattr(self, o.kind, getattr(self, o.kind) + 1)

    def log(self, log: logging.Logger) -> None:
        """One INFO line of counts when anything changed."""
        if self.busy:
            log.info(
                "outbox: sent=%d blocked=%d failed=%d expired=%d cancelled=%d retried=%d",
                self.sent,
                self.blocked,
                self.failed,
                self.expired,
                self.cancelled,
                self.retried,
            )


@dataclass
class Item:
    """A row ready to send: its text (Telegram HTML) and keyboard."""

    row: ClaimedRow
    text: str
    keyboard: InlineKeyboardMarkup | None
    must_be_open: bool  # its action must still go ahead (re-checked before sending)


@dataclass
class Batch:
    """A claimed batch split into what to send, what to record unsent, what to put back."""

    claimed: list[int] = field(default_factory=list)
    to_send: list[Item] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    chats: set[int] = field(default_factory=set)

    def action_ids_that_must_be_open(self) -> set[int]:
        """Actions whose cancellation stops rows of this batch."""
        return {i.row.action_id for i in self.to_send if i.must_be_open and i.row.action_id}


async def prepare_batch(
    session: AsyncSession,
    rows: list[ClaimedRow],
    *,
    now: dt.datetime,
    i18n: TranslatorSource,
    report: DispatchReport,
    quiet: QuietHours | None = None,
    tz: ZoneInfo | None = None,
) -> Batch:
    """Check each claimed row (`bot.domain.outbox.verdict`) and render the ones to send in
    the recipient's language. One row per chat per batch: the others are held (released,
    keeping their place). Unsendable rows become `skipped` outcomes (counted in `report`).
    During `quiet` hours rows of waiting kinds are postponed to the morning
    (`QuietHours.hold_until`, the one rule), where they are checked again. With `tz` (the
    local time zone), rows for a coordinator who is away go to their stand-in
    (`bot.domain.cover.readdress`).
    """
    batch = Batch(claimed=[r.id for r in rows])
    if not rows:
        return batch
    if tz is not None:
        rows, dropped = await cover.readdress(
            session=session, rows=rows, today=now.astimezone(tz).date()
        )
        batch.skipped += [Outcome(i, OutboxStatus.CANCELLED, "covered") for i in dropped]
    persons, actions, area_names = await load_recipients_and_actions(session, rows)
    # a joint action's call names its co-organisers (issue 10 item 1): one query per batch
    organisers = await joint.organiser_names(
        session=session,
        action_ids={r.action_id for r in rows if r.action_id and r.message_key == CALL_KIND},
    )
    for row in rows:
        person = persons.get(row.person_id) if row.person_id is not None else None
        action = actions.get(row.action_id) if row.action_id is not None else None
        result = verdict(
            kind=row.message_key,
            person=person,
            action=action,
            has_action_id=row.action_id is not None,
            not_after=row.not_after,
            now=now,
        )
        if result is not None:
            batch.skipped.append(Outcome(row.id, result[0], result[1]))
            continue
        assert person is not None  # verdict checked it
        kind = REGISTRY[MessageKind(row.message_key)]
        if quiet is not None:
            morning = quiet.hold_until(
                waits=kind.rule.waits_for_quiet_hours,
                action_starts_at=action.starts_at if action is not None else None,
                now=now,
            )
            if morning is not None:
                batch.skipped.append(Outcome(row.id, "postpone", due_at=morning))
                continue
        if row.chat_id in batch.chats:
            batch.held.append(row.id)
            continue
        args = dict(row.args or {})
        # A row meant for a resident without Telegram goes to their contact coordinator
        # (bot.domain.coupling.on_behalf): the text is the resident's, under a header.
        for_resident = on_behalf_facts = None
        if args.get(FOR_RESIDENT) is not None:
            for_resident = int(args[FOR_RESIDENT])
            on_behalf_facts = await on_behalf.facts(session=session, person_id=for_resident)
            if on_behalf_facts is None:
                batch.skipped.append(Outcome(row.id, OutboxStatus.CANCELLED, "resident gone"))
                continue
        if row.message_key in LOADED_KINDS:  # coupling texts load their facts now
            facts = await message_facts(
                session=session,
                kind=row.message_key,
                args=args,
                person_id=for_resident or person.id,
            )
            if facts is None:
                batch.skipped.append(Outcome(row.id, OutboxStatus.CANCELLED, "no longer true"))
                continue
            args.update(facts)
        if row.message_key == CALL_KIND and row.action_id in organisers:
            args["organisers"] = organisers[row.action_id]
        elif row.message_key in SIGNAL_KINDS:  # signal texts too (bot.domain.signal_jobs)
            facts = await signal_facts(session=session, kind=row.message_key, args=args)
            if facts is None:
                batch.skipped.append(Outcome(row.id, OutboxStatus.CANCELLED, "no longer true"))
                continue
            args.update(facts)
        try:
            t = i18n.translator(person.language)
            text, keyboard = kind.render(
                t, action, area_names.get(action.area_id, "") if action else "", args
            )
            if on_behalf_facts is not None:
                text = f"{for_resident_header(t, on_behalf_facts)}\n\n{text}"
        except Exception as exc:  # a rendering bug must not stop the others
            logger.error("outbox: render failed: %s at %s", type(exc).__name__, where(exc))
            batch.skipped.append(
                Outcome(row.id, OutboxStatus.FAILED, f"render: {type(exc).__name__}")
            )
            continue
        batch.chats.add(row.chat_id)
        must_be_open = kind.rule.stops_when_action_cancelled
        batch.to_send.append(Item(row, text, keyboard, must_be_open))
    report.count(batch.skipped)
    report.held_back += len(batch.held)
    if report.expired:
        logger.info("outbox: %d messages expired unsent", report.expired)
    return batch
