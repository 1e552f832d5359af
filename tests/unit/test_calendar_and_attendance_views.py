"""Calendar files (bot.views.calendar) and the attendance checklist (bot.views.attendance).

Every .ics is parsed back with `icalendar`; times are checked on the Amsterdam wall clock,
also across the clock change (last Sunday of October 2031: 26 October).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from icalendar import Calendar

from bot.callbacks import ATTENDANCE_OPEN, ATTENDANCE_SAVE, ATTENDANCE_SET
from bot.domain.attendance import Checklist, Entry
from bot.domain.text import isolate
from bot.i18n import Translator
from bot.views.attendance import PAGE_SIZE, checklist_keyboard, checklist_text
from bot.views.calendar import action_ics, event_uid
from storage.models import Action

AMS = ZoneInfo("Europe/Amsterdam")
STAMP = dt.datetime(2031, 10, 1, 8, 0, tzinfo=dt.UTC)


def english() -> Translator:
    return Translator("en", NullTranslations(), AMS)  # type: ignore[arg-type]


def action(starts_at: dt.datetime, hours: int = 2, title: str = "Soep & <koffie>; a,b") -> Action:
    return Action(
        id=7,
        kind="doorstep",
        title=title,
        area_id=1,
        meeting_place="Portiek 3\nachter",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        volunteers_needed=4,
        confirmed_count=0,
        status="open",
    )


def test_ics_keeps_the_wall_clock_across_the_clock_change() -> None:
    # Saturday 25 October 2031 23:30 local (CEST, UTC+2) to 03:30 local (CET, UTC+1): the
    # wall clock shows 4 hours, 5 real hours pass (the clock goes back at 03:00 CEST). (A
    # time inside the repeated hour 02:00-03:00 is ambiguous in iCalendar: RFC 5545 3.3.5
    # takes its first occurrence.)
    start = dt.datetime(2031, 10, 25, 21, 30, tzinfo=dt.UTC)
    data = action_ics(english(), action(start, hours=5), "Jordaan", sequence=0, stamp=STAMP)
    cal = Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2031, 10, 25, 23, 30, tzinfo=AMS)
    end = event.decoded("dtend")
    assert end == dt.datetime(2031, 10, 26, 3, 30, tzinfo=AMS)
    assert end.utcoffset() == dt.timedelta(hours=1)
    real = end.astimezone(dt.UTC) - event.decoded("dtstart").astimezone(dt.UTC)
    assert real == dt.timedelta(hours=5)
    assert b"DTSTART;TZID=Europe/Amsterdam:20311025T233000" in data
    assert b"DTEND;TZID=Europe/Amsterdam:20311026T033000" in data
    (tz,) = cal.walk("VTIMEZONE")
    assert {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_ics_texts_are_escaped_and_read_back_as_typed() -> None:
    start = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
    data = action_ics(english(), action(start), "Jordaan", sequence=3, stamp=STAMP, cancel=True)
    cal = Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    assert str(cal["method"]) == "CANCEL"
    assert str(event["summary"]) == "Soep & <koffie>; a,b"
    assert str(event["location"]) == "Portiek 3\nachter, Jordaan"
    assert str(event["description"]) == "Doorstep conversations"
    assert str(event["uid"]) == event_uid(7) == "action-7@wijkbot"
    assert int(event["sequence"]) == 3
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("dtstamp") == STAMP


def _checklist(count: int, *, saved: bool = False) -> Checklist:
    start = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
    entries = [Entry(100 + i, f"V<{i}>", i % 3 != 0) for i in range(count)]
    return Checklist(action(start), "Jordaan", entries, saved)


def test_long_checklists_are_paged_and_each_toggle_carries_the_state_it_sets() -> None:
    checklist = _checklist(PAGE_SIZE * 2 + 3)
    t = english()
    seen: list[int] = []
    for page in range(3):
        keyboard = checklist_keyboard(t, checklist, page)
        rows = keyboard.inline_keyboard
        toggles = [row[0] for row in rows if ATTENDANCE_SET.decode(row[0].callback_data)]
        for button in toggles:
            values = ATTENDANCE_SET.decode(button.callback_data)
            assert values is not None and values["page"] == page
            entry = next(e for e in checklist.entries if e.person_id == values["person_id"])
            assert values["attended"] is (not entry.attended)
            # the name is isolated (FSI..PDI): a right-to-left name keeps the mark in place
            assert button.text == ("✅ " if entry.attended else "⬜ ") + isolate(entry.name)
            seen.append(entry.person_id)
        nav = [ATTENDANCE_OPEN.decode(b.callback_data) for row in rows for b in row]
        pages = sorted(v["page"] for v in nav if v is not None)
        assert pages == {0: [1], 1: [0, 2], 2: [1]}[page]
        assert ATTENDANCE_SAVE.decode(rows[-1][0].callback_data) == {"action_id": 7}
        assert f"Page {page + 1} of 3" in checklist_text(t, checklist, page)
    assert seen == [e.person_id for e in checklist.entries]


def test_checklist_text_counts_and_escapes() -> None:
    checklist = _checklist(4, saved=True)
    text = checklist_text(english(), checklist, 0)
    assert text == (
        "Who came to <b>Soep &amp; &lt;koffie&gt;; a,b</b>?\n2 of 4 ticked.\n"
        "Saved. Tap a name to change it."
    )
