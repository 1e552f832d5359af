"""One codec for button data: typed fields, bounds, one registry of prefixes, <= 64 bytes.

Telegram limits `callback_data` to 1-64 bytes (Bot API, InlineKeyboardButton) and any client
can send any data, so every press is decoded here and checked again on the server by the
domain. A button's data is `<head>:<field>:<field>...`, where the head is the registered
prefix (e.g. `rsvp` or `act:r`) and each field is typed:

- `Id`: a database id, 1 .. 2**31-1 (id columns are 32-bit on PostgreSQL);
- `Int(lo, hi)`: a bounded integer (a page, a number of places, days of a pause);
- `Choice({...})`: one of a fixed set of short codes, decoded to its value (e.g. an `Answer`);
- `Text(max_len)`: a short code from `[A-Za-z0-9_-]` (one-time codes, ISO dates, task codes).

    RSVP = route("rsvp", Id("action_id"), Choice("answer", {"y": Answer.YES, ...}))
    RSVP.encode(action_id=42, answer=Answer.YES)  # 'rsvp:42:y'
    RSVP.decode("rsvp:42:y")                      # {'action_id': 42, 'answer': Answer.YES}
    RSVP.decode("rsvp:42:q")                      # None: forged or stale

`Route.pattern` is the regex for PTB's `CallbackQueryHandler`: it matches every press with
this head (also malformed ones), so the handler can answer a bad one politely instead of
letting it fall through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 64  # Telegram's limit for callback_data (Bot API, InlineKeyboardButton)
MAX_ID = 2**31 - 1  # id columns are 32-bit integers on PostgreSQL
_DIGITS = re.compile(r"-?[0-9]{1,10}")
_TEXT = re.compile(r"[A-Za-z0-9_-]+")


class Field:
    """One typed part of a button's data."""

    name: str

    def encode(self, value: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def decode(self, text: str) -> Any | None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Int(Field):
    """An integer within [lo, hi]."""

    name: str
    lo: int
    hi: int

    def encode(self, value: Any) -> str:
        if not isinstance(value, int) or not self.lo <= value <= self.hi:
            raise ValueError(f"{self.name}={value!r} outside [{self.lo}, {self.hi}]")
        return str(value)

    def decode(self, text: str) -> int | None:
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
        return number if self.lo <= number <= self.hi else None


def Id(name: str) -> Int:
    """A database id: 1 .. 2**31-1."""
    return Int(name, 1, MAX_ID)


@dataclass(frozen=True)
class Choice(Field):
    """One of a fixed set of codes; `codes` maps the code in the data to the decoded value."""

    name: str
    codes: Mapping[str, Any]

    def encode(self, value: Any) -> str:
        for code, decoded in self.codes.items():
            if decoded == value:
                return code
        raise ValueError(f"{self.name}={value!r} is not one of {list(self.codes.values())}")

    def decode(self, text: str) -> Any | None:
        return self.codes.get(text)


@dataclass(frozen=True)
class Text(Field):
    """A short code of letters, digits, '_' and '-' (at most `max_len` characters)."""

    name: str
    max_len: int

    def encode(self, value: Any) -> str:
        if not isinstance(value, str) or not _TEXT.fullmatch(value) or len(value) > self.max_len:
            raise ValueError(f"{self.name}={value!r} is not a short code")
        return value

    def decode(self, text: str) -> str | None:
        return text if _TEXT.fullmatch(text) and len(text) <= self.max_len else None


@dataclass(frozen=True)
class Route:
    """A registered head and its typed fields."""

    head: str
    fields: tuple[Field, ...]

    @property
    def pattern(self) -> str:
        """Regex matching every press with this head (well-formed or not)."""
        return rf"^{re.escape(self.head)}(:|$)"

    def encode(self, **values: Any) -> str:
        """The button data for these values; ValueError when a value or the length is wrong."""
        names = [field.name for field in self.fields]
        if sorted(values) != sorted(names):
            raise ValueError(f"{self.head} needs {names}, got {sorted(values)}")
        parts = [self.head, *(field.encode(values[field.name]) for field in self.fields)]
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
        return data

    def decode(self, data: str | None) -> dict[str, Any] | None:
        """The typed values, or None when the data is not exactly this route's (forged/stale)."""
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        if data == self.head:
            parts: list[str] = []
        elif data.startswith(self.head + ":"):
            parts = data[len(self.head) + 1 :].split(":")
        else:
            return None
        if len(parts) != len(self.fields):
            return None
        values: dict[str, Any] = {}
        for field, text in zip(self.fields, parts, strict=True):
            value = field.decode(text)
            if value is None:
                return None
            values[field.name] = value
        return values


ROUTES: dict[str, Route] = {}


def route(head: str, *fields: Field) -> Route:
    """Register a route; heads are unique and none is a field-wise prefix of another's data."""
    if head in ROUTES:
        raise ValueError(f"callback head {head!r} registered twice")
    if not re.fullmatch(r"[a-z]+(:[a-z]+)*", head):
        raise ValueError(f"callback head {head!r}: lowercase words separated by ':'")
    ROUTES[head] = Route(head, tuple(fields))
    return ROUTES[head]


def decode_any(data: str | None) -> tuple[Route, dict[str, Any]] | None:
    """Find the route of any button data and decode it (the fuzz tests use this)."""
    for candidate in sorted(ROUTES.values(), key=lambda r: -len(r.head)):
        values = candidate.decode(data)
        if values is not None:
            return candidate, values
    return None


# --- The registry: every button of the bot (handlers and views import these) -------------
# Heads in use: rsvp (answers to calls). Feature modules add theirs here, in one place.
from bot.domain.vocabulary import Answer  # noqa: E402

RSVP = route(
    "rsvp",
    Id("action_id"),
    Choice("answer", {"y": Answer.YES, "m": Answer.MAYBE, "n": Answer.NO}),
)
"""A volunteer's answer to a call: `rsvp:<action id>:<y|m|n>`."""

# Sign-up (bot.handlers.onboarding). Toggle buttons carry the state they set (1 = on,
# 0 = off), so an old keyboard can never undo a newer choice (issue 12).
from bot.domain.availability import PAUSE_DAYS  # noqa: E402
from bot.domain.tasks import HELP_REQUEST_TASKS, SPOKEN_LANGUAGES, TASKS  # noqa: E402
from bot.domain.vocabulary import DayPart  # noqa: E402

ON_OFF = {"1": True, "0": False}
DAY_PART_CODES = {"m": DayPart.MORNING, "a": DayPart.AFTERNOON, "e": DayPart.EVENING}

OB_LANG = route("ob:lang", Choice("code", {"nl": "nl", "en": "en"}))
OB_CONSENT = route("ob:consent", Choice("agreed", {"yes": True, "no": False}))
OB_BUURT = route("ob:buurt", Int("buurt_id", 0, MAX_ID))
"""`ob:buurt:<buurt id>`; 0 = "I don't know / the whole area"."""
OB_SPOKEN_DONE = route("ob:sl:done")
OB_SPOKEN = route("ob:sl", Choice("code", {c: c for c in SPOKEN_LANGUAGES}), Choice("on", ON_OFF))
OB_TASK_DONE = route("ob:task:done")
OB_TASK = route("ob:task", Choice("code", {c: c for c in TASKS}), Choice("on", ON_OFF))
OB_WANT_DONE = route("ob:want:done")
OB_WANT = route("ob:want", Choice("code", {c: c for c in HELP_REQUEST_TASKS}), Choice("on", ON_OFF))
OB_OFFER_DONE = route("ob:offer:done")
OB_OFFER = route("ob:offer", Choice("code", {c: c for c in TASKS}), Choice("on", ON_OFF))
OB_AV_DONE = route("ob:av:done")
OB_AV = route("ob:av", Int("weekday", 0, 6), Choice("part", DAY_PART_CODES), Choice("on", ON_OFF))
"""`ob:av:<weekday 0-6>:<m|a|e>:<1|0>`: set one slot of the grid on or off."""

# Availability screen (bot.handlers.availability).
AV_PAUSE = route("av:pause")
AV_BACK = route("av:back")
AV_RESUME = route("av:resume")
AV_UNTIL = route("av:p", Choice("days", {str(d): d for d in PAUSE_DAYS}))
AV_SLOT = route("av", Int("weekday", 0, 6), Choice("part", DAY_PART_CODES), Choice("on", ON_OFF))
"""`av:<weekday 0-6>:<m|a|e>:<1|0>`: set one slot of the weekly grid on or off."""

# Planning an action (bot.handlers.new_action); formats as before the codec.
from bot.domain.actions import NEEDED_MAX  # noqa: E402
from bot.domain.tasks import ACTION_KINDS  # noqa: E402

NA_KIND = route("na:k", Choice("kind", {k: k for k in ACTION_KINDS}))
NA_WIJK = route("na:w", Id("wijk_id"))
"""Open a wijk to choose one of its buurten."""
NA_WIJKEN = route("na:wb")
"""Back to the list of wijken."""
NA_PAGE = route("na:p", Int("wijk_id", 0, MAX_ID), Int("page", 0, 999))
"""Another page of the wijken (wijk_id 0) or of one wijk's buurten."""
NA_AREA = route("na:a", Id("area_id"))
NA_DATE = route("na:d", Text("day", 10))
"""The date, `YYYY-MM-DD` (checked by the step: one of the next 14 days)."""
NA_NEEDED = route("na:n", Int("needed", 1, NEEDED_MAX))
NA_CONFIRM = route("na:ok")
NA_RESTART = route("na:re")
NA_CANCEL = route("na:x")

# Coordinators: /acties, the roster and cancelling (bot.handlers.actions).
from bot.domain.vocabulary import Role  # noqa: E402

PAGE = 999  # the highest page number any list button carries
ACTION_LIST = route("act:l", Int("page", 0, PAGE))
"""A page of the coordinator's upcoming actions: `act:l:<page>` (page 0 is /acties)."""
ROSTER = route("act:r", Id("action_id"))
"""The roster of an action (first page; also "Refresh" and "No, keep it"): `act:r:<id>`."""
ROSTER_PAGE = route("act:rp", Id("action_id"), Int("page", 0, PAGE))
"""A later page of a long roster: `act:rp:<id>:<page>`."""
ASK_CANCEL = route("act:c", Id("action_id"))
"""Ask before cancelling: `act:c:<id>`."""
CANCEL = route("act:cc", Id("action_id"))
"""Cancel for real: `act:cc:<id>`."""
CALL_AGAIN = route("act:ra", Id("action_id"))
"""Under an urgent drop-out notice, "Roep opnieuw op": `act:ra:<id>` (bot.handlers.notices)."""
from bot.domain.vocabulary import NoticeLevel  # noqa: E402

NOTICE_LEVEL = route(
    "act:nl", Id("action_id"), Choice("level", {"a": NoticeLevel.ALL, "u": NoticeLevel.URGENT})
)
"""Roster: which notices this coordinator wants: `act:nl:<id>:<a|u>` (alles / alleen urgent)."""

# Coordinators: a message to the people coming (bot.handlers.action_message).
MESSAGE_START = route("act:m", Id("action_id"))
"""From the roster: write a message to the people coming: `act:m:<id>`."""
MESSAGE_SEND = route(
    "act:ms",
    Id("action_id"),
    Choice("to", {"c": (False, False), "m": (True, False), "w": (False, True), "a": (True, True)}),
)
"""Send it to: c = coming, m = + Misschien, w = + waiting list, a = all three."""

# Coordinators: cover while away (bot.handlers.cover). Dates are `YYYY-MM-DD` (checked by
# bot.domain.cover.set_away).
COVER_UNTIL = route("cov:d", Text("day", 10))
"""Away up to and including this day; next: choose the stand-in: `cov:d:<day>`."""
COVER_SET = route("cov:s", Text("day", 10), Id("stand_in_id"))
"""Away until `day`, notices to this stand-in: `cov:s:<day>:<person id>`."""
COVER_END = route("cov:end")
"""Back: notices come to me again."""

# /stop with upcoming places (bot.handlers.account): give them up, or keep them.
STOP_RELEASE = route("stop:rel")
"""Stop messages and give up every upcoming place (the waiting list moves up)."""
STOP_KEEP = route("stop:keep")
"""Stop messages and keep the places ("komt, krijgt geen berichten" on the roster)."""

# Coordinators: invite links (bot.handlers.invites). Role letters: v | r | c.
_ROLES = Choice("role", {"v": Role.VOLUNTEER, "r": Role.RESIDENT, "c": Role.COORDINATOR})
INVITE_ROLE = route("inv:r", _ROLES)
"""Role chosen; opens the coordinator's own area: `inv:r:<v|r|c>`."""
INVITE_AREA = route("inv:o", _ROLES, Id("area_id"), Int("page", 0, PAGE))
"""Open an area to choose it or a part of it: `inv:o:<v|r|c>:<area id>:<page>`."""
INVITE_CREATE = route("inv:a", _ROLES, Id("area_id"))
"""Make the invite for this area: `inv:a:<v|r|c>:<area id>`."""

# Everyone: language and erasure (bot.handlers.account).
LANGUAGE = route("acc:lang", Choice("language", {"nl": "nl", "en": "en"}))
"""Choose the language: `acc:lang:<nl|en>`."""
DELETE_YES = route("acc:del:yes", Text("code", 16))
"""Erase everything; `code` is the one-time code of the newest question: `acc:del:yes:<code>`."""
DELETE_NO = route("acc:del:no")
"""Keep everything: `acc:del:no`."""

# Coordinators: residents' help requests (bot.handlers.help_requests).
HELP_REQUESTS = route("hr:p", Int("page", 0, PAGE))
"""A page of /hulpvragen: `hr:p:<page>`."""

# Attendance (bot.handlers.attendance): open the checklist on a page, tick / untick one
# volunteer (the data carries the state the press sets, so a double press changes nothing),
# save. Every press is checked again by bot.domain.attendance.
ATTENDANCE_OPEN = route("att:o", Id("action_id"), Int("page", 0, 99))
"""Show the "Who came?" checklist of an action: `att:o:<action id>:<page>`."""
ATTENDANCE_SET = route(
    "att:t",
    Id("action_id"),
    Id("person_id"),
    Choice("attended", {"1": True, "0": False}),
    Int("page", 0, 99),
)
"""Set one volunteer's attendance: `att:t:<action id>:<person id>:<1|0>:<page>`."""
ATTENDANCE_SAVE = route("att:s", Id("action_id"))
"""Save the checklist and thank who came: `att:s:<action id>`."""
