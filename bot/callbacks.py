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

# Coordinators: change, copy and widen an action from its roster (bot.handlers.action_edit,
# issue 7 items 1-3). Every press is checked again by bot.domain.action_changes.
EDIT = route("act:e", Id("action_id"))
"""Open the edit screen of an action: `act:e:<id>`."""
ED_FIELD = route("ae:f", Choice("field", {"t": "title", "p": "place", "d": "date", "n": "needed"}))
"""Choose what to change: `ae:f:<t|p|d|n>`."""
ED_DATE = route("ae:d", Text("day", 10))
"""The new day, `YYYY-MM-DD` (checked: one of the next 14 days)."""
ED_NEEDED = route("ae:n", Int("needed", 1, NEEDED_MAX))
ED_SAVE = route("ae:ok")
ED_CANCEL = route("ae:x")
ED_PICK = route("ae:w", Id("person_id"), Int("page", 0, PAGE))
"""Fewer places than coming: tick or untick who moves to the waiting list (checked: they
have a place on the action being edited): `ae:w:<person id>:<page>`."""
ED_PICK_PAGE = route("ae:wp", Int("page", 0, PAGE))
"""Another page of the chooser: `ae:wp:<page>`."""
ED_MOVE = route("ae:wok")
"""Move the chosen to the waiting list and save the changes (checked again)."""
ED_PICK_BACK = route("ae:wb")
"""Back from the chooser to the edit screen (the places as they are now)."""
COPY = route("act:cp", Id("action_id"))
"""Plan the action once more ("Nog een keer"): `act:cp:<id>`."""
WIDEN = route("act:w", Id("action_id"))
"""Ask how far to widen the call: `act:w:<id>`."""
WIDEN_TO = route("act:wt", Id("action_id"), Id("area_id"))
"""Call the volunteers of this area too: `act:wt:<action id>:<area id>`."""
NA_LANGUAGES = route("na:lq")
"""Show the languages an action can ask for (on the preview)."""
NA_LANGUAGE = route("na:l", Choice("code", {**{c: c for c in SPOKEN_LANGUAGES}, "none": ""}))
"""The language the action also asks for (`none`: no language): `na:l:<code>`."""
NA_ANYWAY = route("na:dup")
"""Plan it even though the same action is already planned then."""
OVERLAP_NEW = route("ov:n", Id("action_id"), Id("other_id"))
"""A volunteer chooses the new action: Ja to it, Nee to the overlapping one:
`ov:n:<action id>:<other id>`."""
OVERLAP_KEEP = route("ov:k", Id("action_id"))
"""A volunteer keeps the action they already said Ja to: `ov:k:<action id>`."""

# Coordinators: invite links (bot.handlers.invites). Role letters: v | r | c.
_ROLES = Choice("role", {"v": Role.VOLUNTEER, "r": Role.RESIDENT, "c": Role.COORDINATOR})
INVITE_ROLE = route("inv:r", _ROLES)
"""Role chosen; opens the coordinator's own area: `inv:r:<v|r|c>`."""
INVITE_AREA = route("inv:o", _ROLES, Id("area_id"), Int("page", 0, PAGE))
"""Open an area to choose it or a part of it: `inv:o:<v|r|c>:<area id>:<page>`."""
INVITE_CREATE = route("inv:a", _ROLES, Id("area_id"))
"""Make the invite for this area: `inv:a:<v|r|c>:<area id>`."""
INVITE_PARTNER = route("inv:pt")
"""Partner invite: choose the organisation (of the coordinator's area): `inv:pt`."""
INVITE_ORGANISATION = route("inv:g", Id("organisation_id"))
"""Make a partner invite for this organisation: `inv:g:<organisation id>`."""

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

# Relaying between people (bot.handlers.relay, rule in bot.domain.relay). The copy's own
# message id is carried in "Aan wie?", so nothing about the held message is stored.
RELAY_TO = route("rl:to", Id("peer_id"), Id("message_id"))
"""Send my message `message_id` (in my chat) to `peer_id`: `rl:to:<peer id>:<message id>`."""
RELAY_FROM = route("rl:f")
"""The "From Anouk" label on a relayed copy; a press explains how to answer: `rl:f`."""

# Couples (bot.handlers.couples): check-in answers, ending a couple.
from bot.domain.vocabulary import CheckInAnswer  # noqa: E402

CHECK_IN = route(
    "chk",
    Id("check_in_id"),
    Choice(
        "answer",
        {"g": CheckInAnswer.GOOD, "b": CheckInAnswer.COULD_BE_BETTER, "s": CheckInAnswer.STOPPED},
    ),
)
"""Answer "Hoe gaat het?": `chk:<check-in id>:<g|b|s>`."""
COUPLE_END = route("cpl:end", Id("couple_id"))
"""Ask to end a couple: `cpl:end:<couple id>`."""
COUPLE_END_DO = route("cpl:ed", Id("couple_id"), Choice("reopen", {"o": True, "c": False}))
"""End it; the request reopens (o: still needs help) or closes (c): `cpl:ed:<id>:<o|c>`."""

# /koppelen (bot.handlers.bulk_coupling): drop or keep one pair of the plan, send them all.
BULK_TOGGLE = route("kp:t", Int("index", 0, 999))
"""Drop or keep pair number `index` of the plan under review: `kp:t:<index>`."""
BULK_SEND = route("kp:s")
"""Send every kept pair as a proposal: `kp:s`."""

# Hand-over (bot.handlers.handover): the owner picks a request and an organisation; the
# resident agrees or not; the partner's staff view it and answer.
HO_REQUEST = route("ho:r", Id("request_id"))
"""Pick a request to hand over: `ho:r:<request id>`."""
HO_ORGANISATION = route("ho:o", Id("request_id"), Id("organisation_id"))
"""Ask the resident about this organisation: `ho:o:<request id>:<organisation id>`."""
HO_CONSENT = route(
    "ho:c", Id("request_id"), Id("organisation_id"), Choice("agreed", {"y": True, "n": False})
)
"""The resident's answer: `ho:c:<request id>:<organisation id>:<y|n>`."""
HO_VIEW = route("ho:v", Id("hand_over_id"))
"""Staff: see a hand-over: `ho:v:<hand-over id>`."""
HO_NOT_FOR_US = route("ho:n", Id("hand_over_id"))
"""Staff: "Niet voor ons", choose the reason: `ho:n:<hand-over id>`."""
HO_ANSWER = route(
    "ho:a",
    Id("hand_over_id"),
    Choice(
        "answer",
        {"p": "picked_up", "w": "not_our_work", "c": "no_capacity", "o": "outside_area"},
    ),
)
"""Staff: Opgepakt (p) or Niet voor ons with a reason (w, c, o): `ho:a:<id>:<code>`."""
# Coupling (issue 6): a resident's own help request (bot.handlers.my_help_request),
# coordinators' requests, suggestions and readiness (bot.handlers.help_requests), and the
# answers to proposals (bot.handlers.proposals). Every press is checked again by the
# coupling domain (role, area, state).
from bot.domain.vocabulary import ProposalAnswer  # noqa: E402

MY_REQUEST_TASK = route(
    "hq:t", Choice("code", {c: c for c in HELP_REQUEST_TASKS}), Choice("on", ON_OFF)
)
"""Set one task of the resident's request: `hq:t:<task>:<1|0>`."""
MY_REQUEST_LANGUAGE = route(
    "hq:l", Choice("code", {c: c for c in SPOKEN_LANGUAGES}), Choice("on", ON_OFF)
)
"""Set one language of the resident's request: `hq:l:<code>:<1|0>`."""
MY_REQUEST_EDIT = route("hq:e", Choice("what", {"t": "tasks", "l": "languages", "s": "times"}))
"""Open the tasks, languages or times of the request: `hq:e:<t|l|s>`."""
MY_REQUEST_SLOT = route(
    "hq:sl", Int("weekday", 0, 6), Choice("part", DAY_PART_CODES), Choice("on", ON_OFF)
)
"""Set one weekly day part that suits the resident: `hq:sl:<weekday>:<m|a|e>:<1|0>`."""
MY_REQUEST_DONE = route("hq:d")
"""Done: tell the coordinators (once) and show the status: `hq:d`."""
MY_REQUEST_WITHDRAW = route("hq:w")
"""Ask whether to withdraw the request: `hq:w`."""
MY_REQUEST_WITHDRAW_YES = route("hq:wy")
"""Withdraw it: `hq:wy`."""

REQUEST_OPEN = route("cr:o", Id("request_id"))
"""One request with its buttons: `cr:o:<request id>`."""
REQUEST_TAKE = route("cr:t", Id("request_id"))
""""Ik pak dit op": become the owner: `cr:t:<request id>`."""
REQUEST_SUGGEST = route("cr:s", Id("request_id"))
"""The top 5 volunteers with reasons: `cr:s:<request id>`."""
REQUEST_PROPOSE = route("cr:v", Id("request_id"), Id("volunteer_id"))
"""Propose this volunteer: `cr:v:<request id>:<volunteer id>`."""
READY_LIST = route("rd:p", Int("page", 0, PAGE))
"""A page of volunteers to mark "klaar voor koppelen": `rd:p:<page>`."""
READY_SET = route("rd:s", Id("volunteer_id"), Int("page", 0, PAGE))
"""Mark one volunteer ready: `rd:s:<volunteer id>:<page>`."""

_PROPOSAL_ANSWERS = {
    "y": ProposalAnswer.YES,
    "n": ProposalAnswer.NO,
    "l": ProposalAnswer.NOT_NOW,
}
PROPOSAL_VOLUNTEER = route("pv", Id("proposal_id"), Choice("answer", _PROPOSAL_ANSWERS))
"""A volunteer's answer to a proposal: `pv:<proposal id>:<y|n|l>`."""
PROPOSAL_RESIDENT = route(
    "pr", Id("proposal_id"), Choice("answer", {"y": ProposalAnswer.YES, "n": ProposalAnswer.NO})
)
"""A resident's answer to being introduced: `pr:<proposal id>:<y|n>`."""
# Coordinators: the overview (bot.handlers.overview).
from bot.domain.overview_periods import PERIODS  # noqa: E402

OVERVIEW_PERIOD = route("ov:p", Choice("period", {p: p for p in PERIODS}))
"""Make the overview of the coordinator's area for a period: `ov:p:<4w|lm|3m|y>`."""

# Results of an action in a few taps (bot.handlers.results). The theme is its index in
# `bot.domain.results.themes_for_area(action's area)` (keys are too long for 64 bytes).
from bot.domain.results import MAX_COUNT  # noqa: E402

RESULTS_OPEN = route("res:a", Id("action_id"))
"""Open the results screen of an action: `res:a:<action id>`."""
RESULTS_COUNT = route("res:n", Id("action_id"), Int("count", 0, MAX_COUNT))
"""Record the number of conversations: `res:n:<action id>:<count>`."""
RESULTS_THEME = route("res:t", Id("action_id"), Int("index", 0, 99), Choice("on", ON_OFF))
"""Tick / untick a theme heard: `res:t:<action id>:<theme index>:<1|0>`."""
RESULTS_STREET = route("res:s", Id("action_id"))
"""Ask for a street name (results per street): `res:s:<action id>`."""
RESULTS_ADD_THEME = route("res:nt", Id("action_id"))
"""Coordinators: ask for a new theme for their area: `res:nt:<action id>`."""
RESULTS_DONE = route("res:d", Id("action_id"))
"""Close the results screen with a summary: `res:d:<action id>`."""

# Coordinators: a printable flyer with its own invite (bot.handlers.flyers).
FLYER_START = route("fly", _ROLES, Id("area_id"))
"""Make a flyer (asks for its label): `fly:<v|r>:<area id>`."""

# Volunteers: worried about someone (bot.handlers.worries).
WORRIED = route("wr")
"""The safeguarding numbers, and a coordinator is asked to call back: `wr`."""

# Volunteers at the klaptafel: a one-time sign-up link for a resident (bot.handlers.assisted).
ASSISTED = route("as", Id("action_id"))
"""Make a one-time resident invite for this action: `as:<action id>`."""

# Olievlek: "Here too" under the overview used to have its own route; new buttons use
# `act:ct` (below), older ones still work (the same step, bot.handlers.new_action).
NA_COPY = route("na:cp", Id("action_id"), Id("area_id"))
"""Older "Here too" buttons: copy action `action_id` to the buurt `area_id`."""
# /profiel (bot.handlers.profile): the same choices as at sign-up, changed later. Every
# press is checked again by the domain (a buurt outside the invite's area, a forged code).
from bot.domain.coupling.volunteers import MAX_COUPLES_LIMIT  # noqa: E402

PF_MENU = route("pf:m")
"""Back to the profile and its buttons: `pf:m`."""
PF_BUURTEN = route("pf:b")
"""Show the buurten of the invite's area: `pf:b`."""
PF_BUURT = route("pf:bs", Int("buurt_id", 0, MAX_ID))
"""Choose a buurt (0 = the whole area): `pf:bs:<buurt id>`."""
PF_SPOKEN_OPEN = route("pf:l")
PF_SPOKEN = route("pf:ls", Choice("code", {c: c for c in SPOKEN_LANGUAGES}), Choice("on", ON_OFF))
PF_TASKS_OPEN = route("pf:t")
PF_TASK = route("pf:ts", Choice("code", {c: c for c in TASKS}), Choice("on", ON_OFF))
PF_WANTS_OPEN = route("pf:w")
PF_WANT = route("pf:ws", Choice("code", {c: c for c in HELP_REQUEST_TASKS}), Choice("on", ON_OFF))
PF_COUPLES_OPEN = route("pf:c")
PF_COUPLES = route("pf:cs", Int("count", 0, MAX_COUPLES_LIMIT))
"""A volunteer's maximum number of couples: `pf:cs:<0-10>`."""
PF_NOT_NOW = route("pf:n")
"""A volunteer's "liever niet nu" (no coupling proposals for 4 weeks): `pf:n`."""
PF_TIMES_OPEN = route("pf:h")
"""A resident's times that suit them (those of their open help request): `pf:h`."""
PF_TIME = route("pf:hs", Int("weekday", 0, 6), Choice("part", DAY_PART_CODES), Choice("on", ON_OFF))
"""Set one day part of the resident's open help request: `pf:hs:<weekday>:<m|a|e>:<1|0>`."""

# /mijnacties: a person's couples (bot.handlers.my_actions); checked by the coupling domain.
MY_COUPLE_ASK = route("mc:a", Id("couple_id"))
"""Ask before ending a couple: `mc:a:<couple id>`."""
MY_COUPLE_END = route("mc:e", Id("couple_id"))
"""End the couple for real: `mc:e:<couple id>`."""
MY_COUPLE_KEEP = route("mc:k")
"""Keep it (answers "Okay, nothing changed."): `mc:k`."""
# Consent asked again when a purpose is new or changed (bot.handlers.consent_check). The
# purpose is a short code checked by the domain (`bot.domain.consent.record`), so a purpose
# added later needs no change here.
CONSENT_ANSWER = route(
    "cs",
    Text("purpose", 24),
    Int("version", 1, 9999),
    Choice("agreed", {"y": True, "n": False}),
)
"""An answer for one purpose: `cs:<purpose>:<version>:<y|n>`."""

# /namens (/onbehalf): a coordinator registers a resident without Telegram
# (bot.handlers.on_behalf); the answers are scratch data until "Aanmelden", checked again by
# `bot.domain.coupling.on_behalf` (a coordinator, a buurt of their area, known codes).
ON_BEHALF_BUURT = route("nb:b", Id("buurt_id"))
"""The resident's buurt: `nb:b:<area id>`."""
ON_BEHALF_LANGUAGE = route(
    "nb:l", Choice("code", {c: c for c in SPOKEN_LANGUAGES}), Choice("on", ON_OFF)
)
"""Set one language the resident speaks: `nb:l:<code>:<1|0>`."""
ON_BEHALF_TASK = route(
    "nb:t", Choice("code", {c: c for c in HELP_REQUEST_TASKS}), Choice("on", ON_OFF)
)
"""Set one task the resident would like help with: `nb:t:<task>:<1|0>`."""
ON_BEHALF_SLOT = route(
    "nb:s", Int("weekday", 0, 6), Choice("part", DAY_PART_CODES), Choice("on", ON_OFF)
)
"""Set one day part that suits the resident: `nb:s:<weekday>:<m|a|e>:<1|0>`."""
ON_BEHALF_DONE = route("nb:d")
"""Done with the languages, tasks or times (the conversation's state says which): `nb:d`."""
ON_BEHALF_NO_NOTE = route("nb:n")
"""No note: `nb:n`."""
ON_BEHALF_CONFIRM = route("nb:ok")
"""The resident agreed orally; register them: `nb:ok`."""
OFFLINE_ERASE_ASK = route("nb:ea", Id("person_id"))
"""Ask before erasing a resident without Telegram: `nb:ea:<person id>`."""
OFFLINE_ERASE = route("nb:e", Id("person_id"))
"""Erase them: `nb:e:<person id>`."""
# A typed note in /hulpvraag (bot.handlers.request_note) and a VOG date after marking a
# volunteer ready (bot.handlers.vog).
MY_REQUEST_NOTE = route("hq:n")
"""Type a note for the coordinator: `hq:n`."""
MY_REQUEST_NO_NOTE = route("hq:nx")
"""Remove the note (or write none): `hq:nx`."""
READY_NO_VOG = route("rd:nv", Int("page", 0, PAGE))
"""No VOG date to note: `rd:nv:<page>`."""
# Joint actions (issue 10 item 1): co-organising partner organisations, chosen when planning
# (bot.handlers.new_action.organisers) and from the roster (bot.handlers.organisers); partner
# staff see their organisation's joint actions (bot.handlers.partner_actions). Every press is
# checked again by bot.domain.joint (manages the action / co-organises it).
NA_ORGANISERS = route("na:og")
"""On the preview: choose the organisations that organise the action too: `na:og`."""
NA_ORGANISER = route("na:o", Id("organisation_id"), Choice("on", ON_OFF))
"""Tick / untick one co-organiser of the draft: `na:o:<organisation id>:<1|0>`."""
NA_ORGANISERS_DONE = route("na:od")
"""Back to the preview with the co-organisers chosen: `na:od`."""
ORGANISERS = route("act:og", Id("action_id"))
"""Roster: the co-organisers of an action, as toggles: `act:og:<id>`."""
ORGANISER_SET = route("act:ot", Id("action_id"), Id("organisation_id"), Choice("on", ON_OFF))
"""Roster: add or remove one co-organiser at once: `act:ot:<action id>:<organisation>:<1|0>`."""
PARTNER_LIST = route("pa:l", Int("page", 0, PAGE))
"""Partner staff: a page of their organisation's joint actions (`/acties`): `pa:l:<page>`."""
PARTNER_ROSTER = route("pa:r", Id("action_id"), Int("page", 0, PAGE))
"""Partner staff: a joint action's roster, first names only: `pa:r:<id>:<page>`."""
PARTNER_NOTICE_LEVEL = route(
    "pa:nl", Id("action_id"), Choice("level", {"a": NoticeLevel.ALL, "u": NoticeLevel.URGENT})
)
"""Partner staff: their notices for a joint action: `pa:nl:<id>:<a|u>`."""
COPY_TO = route("act:ct", Id("action_id"), Id("area_id"))
"""Olievlek "Here too": plan the action once more in this buurt: `act:ct:<id>:<area id>`
(the "Once more" path; old `na:cp` buttons are handled by the same step)."""
# Place signals (bot.handlers.signals): every press is checked again by bot.domain.signals
# (who may send or answer, on this signal, now); partner staff only ever pass their own
# organisation's signals.
from bot.domain.vocabulary import SignalStatus  # noqa: E402

SIGNAL_START = route("sg:a", Id("action_id"))
"""Start a signal linked to an action (results screen): `sg:a:<action id>`."""
SIGNAL_ORGANISATION = route("sg:o", Id("organisation_id"), Int("action_id", 0, MAX_ID))
"""Send the signal to this organisation (0 = no action): `sg:o:<organisation>:<action>`."""
SIGNAL_ANSWER = route(
    "sg:r", Id("signal_id"), Choice("answer", {"p": SignalStatus.PICKED_UP, "d": SignalStatus.DONE})
)
"""Staff: Opgepakt (p) or Afgerond (d): `sg:r:<signal id>:<p|d>`."""
SIGNAL_NOT_FOR_US = route("sg:n", Id("signal_id"))
"""Staff: Niet voor ons, then the reason is typed: `sg:n:<signal id>`."""
SIGNAL_VIEW = route("sg:v", Id("signal_id"))
"""One signal with its answer buttons (staff) or its status: `sg:v:<signal id>`."""
SIGNAL_LIST = route("sg:l", Int("page", 0, PAGE))
"""A page of /signalen: `sg:l:<page>`."""
