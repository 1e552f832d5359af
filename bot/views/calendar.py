"""Calendar files (.ics, RFC 5545) for an action, built with the `icalendar` library.

One VEVENT per file, with a stable UID per action (`action-<id>@wijkbot`), so an update
or cancellation replaces the event the person already has; DTSTART/DTEND carry
TZID=Europe/Amsterdam (the translator's zone) with its VTIMEZONE, so calendar programs
show the wall-clock time the coordinator planned, also across the clock change.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from icalendar import Calendar, Event

from bot.i18n import Translator
from bot.views.action import kind_label

if TYPE_CHECKING:
    from storage.models import Action

PRODID = "-//wijkbot//wijkbot//NL"


def event_uid(action_id: int) -> str:
    """The UID of an action's event: the same in every file about that action."""
    return f"action-{action_id}@wijkbot"


def file_name(action: Action) -> str:
    """A file name for the .ics document, e.g. `actie-42.ics`."""
    return f"actie-{action.id}.ics"


def action_ics(
    t: Translator,
    action: Action,
    area_name: str,
    *,
    sequence: int,
    stamp: dt.datetime,
    cancel: bool = False,
) -> bytes:
    """The .ics bytes for `action`: METHOD:PUBLISH (add/update) or METHOD:CANCEL.

    Times: DTSTART/DTEND in `t.tz` (Europe/Amsterdam by default) with TZID and the
    VTIMEZONE; DTSTAMP is `stamp` (aware UTC, when the file is made). `sequence` must grow
    with each newer file for the same person (RFC 5545, 3.8.7.4). Texts (summary,
    description) are in the translator's language; title and place are plain text (the
    iCalendar library escapes them).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", event_uid(action.id))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", action.starts_at.astimezone(t.tz))
    event.add("dtend", action.ends_at.astimezone(t.tz))
    event.add("summary", action.title)
    event.add("location", f"{action.meeting_place}, {area_name}")
    event.add("description", kind_label(t, action.kind))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
