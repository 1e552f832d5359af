"""What a coordinator types while planning an action: times, numbers, the whole draft."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from babel.support import NullTranslations

from bot.domain.actions import validate_draft
from bot.domain.errors import InvalidInput
from bot.handlers.action_input import (
    SkippedTime,
    draft_from_data,
    parse_clock_time,
    parse_needed,
    wall_clock_to_utc,
)
from bot.handlers.common import callback_id
from bot.handlers.keyboards import MAX_BUTTONS, PAGE_SIZE
from bot.handlers.keyboards import paged as _paged
from bot.handlers.new_action import DATE, START, _earlier_gap, _passed_step
from bot.i18n import Translator

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 9, 0, tzinfo=dt.UTC)  # Monday 10:00 in Amsterdam


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30", dt.time(9, 30)),
        ("09:30", dt.time(9, 30)),
        ("09.30", dt.time(9, 30)),
        ("0930", dt.time(9, 30)),
        ("930", dt.time(9, 30)),
        ("9h30", dt.time(9, 30)),
        (" 14:00 ", dt.time(14, 0)),
        ("14", dt.time(14, 0)),
        ("14 uur", dt.time(14, 0)),
        ("14u", dt.time(14, 0)),
        ("0:00", dt.time(0, 0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_times_people_type(text: str, expected: dt.time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "25:00",
        "24:00",
        "12:60",
        "9:3",
        "12345",
        "",
        "  ",
        "noon",
        "14:00:00",
        "-1:00",
        "١٤:٠٠",
        "uur",
        "9:30 pm",
        "14,30",
    ],
)
def test_not_times(text: str) -> None:
    assert parse_clock_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("6", 6),
        (" 12 ", 12),
        ("500", 500),
        ("0", None),
        ("501", None),
        ("-3", None),
        ("six", None),
        ("²", None),
        ("1.5", None),
        ("", None),
        ("00012", None),
    ],
)
def test_volunteers_needed(text: str, expected: int | None) -> None:
    assert parse_needed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("0", 0),
        ("2147483647", 2**31 - 1),
        ("2147483648", None),
        ("99999999999", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("-1", None),
        ("４２", None),
    ],
)
def test_callback_ids(text: str | None, expected: int | None) -> None:
    assert callback_id(text) == expected


def test_wall_clock_to_utc_follows_summer_and_winter_time() -> None:
    winter = wall_clock_to_utc(dt.date(2031, 12, 6), dt.time(14, 0), AMS)
    summer = wall_clock_to_utc(dt.date(2031, 6, 7), dt.time(14, 0), AMS)
    assert winter == dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
    assert summer == dt.datetime(2031, 6, 7, 12, 0, tzinfo=dt.UTC)


def test_wall_clock_to_utc_refuses_the_skipped_hour_in_march() -> None:
    # Sunday 30 March 2031: clocks jump from 02:00 to 03:00.
    with pytest.raises(ValueError):
        wall_clock_to_utc(dt.date(2031, 3, 30), dt.time(2, 30), AMS)
    assert wall_clock_to_utc(dt.date(2031, 3, 30), dt.time(3, 0), AMS) == dt.datetime(
        2031, 3, 30, 1, 0, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("time", [dt.time(2, 0), dt.time(2, 30), dt.time(2, 59)])
def test_the_skipped_hour_is_told_apart_from_a_typing_mistake(time: dt.time) -> None:
    # Sunday 28 March 2027: clocks jump from 02:00 to 03:00. The time was typed fine
    # (parse_clock_time reads it); it just does not exist that night.
    assert parse_clock_time(time.strftime("%H:%M")) == time
    with pytest.raises(SkippedTime):
        wall_clock_to_utc(dt.date(2027, 3, 28), time, AMS)
    # the same time on the day before exists
    assert wall_clock_to_utc(dt.date(2027, 3, 27), time, AMS).tzinfo == dt.UTC


def test_wall_clock_to_utc_takes_the_first_of_the_double_hour_in_october() -> None:
    # Sunday 26 October 2031: 02:00-03:00 happens twice; the first is still summer time.
    assert wall_clock_to_utc(dt.date(2031, 10, 26), dt.time(2, 30), AMS) == dt.datetime(
        2031, 10, 26, 0, 30, tzinfo=dt.UTC
    )


def _data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "street_stand",
        "title": "  Soep &   <koffie>  ",
        "area_id": 7,
        "place": "Noordermarkt",
        "date": "2031-12-06",
        "start": "14:00",
        "end": "16:00",
        "needed": 6,
    }
    data.update(changes)
    return data


def test_a_complete_draft() -> None:
    draft = draft_from_data(_data(), tz=AMS, now=NOW)
    assert draft.title == "Soep & <koffie>"  # spaces tidied, nothing else changed
    assert (draft.kind, draft.area_id, draft.meeting_place) == ("street_stand", 7, "Noordermarkt")
    assert draft.starts_at == dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
    assert draft.ends_at == dt.datetime(2031, 12, 6, 15, 0, tzinfo=dt.UTC)
    assert draft.volunteers_needed == 6


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"kind": None}, "kind"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"area_id": None}, "area"),
        ({"place": ""}, "meeting_place"),
        ({"place": "p" * 201}, "meeting_place"),
        ({"date": "6 december"}, "date"),
        ({"date": "2031-11-30"}, "starts_at"),  # yesterday
        ({"date": "2031-12-01", "start": "09:00", "end": "11:00"}, "starts_at"),  # passed today
        ({"start": "25:00"}, "starts_at"),
        ({"end": "13:00"}, "ends_at"),  # before the start
        ({"end": "14:00"}, "ends_at"),  # zero length
        ({"start": "08:00", "end": "20:01"}, "ends_at"),  # longer than 12 hours
        ({"needed": 0}, "volunteers_needed"),
        ({"needed": 501}, "volunteers_needed"),
        ({"needed": None}, "volunteers_needed"),
    ],
)
def test_bad_drafts_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        draft_from_data(_data(**changes), tz=AMS, now=NOW)
    assert info.value.field == field


def test_twelve_hours_is_the_longest_action() -> None:
    draft = draft_from_data(_data(start="08:00", end="20:00"), tz=AMS, now=NOW)
    assert draft.ends_at - draft.starts_at == dt.timedelta(hours=12)


def test_validate_draft_counts_real_hours_across_the_clock_change() -> None:
    # Sunday 26 October 2031, 00:00-11:30 on the wall clock is 12.5 real hours.
    start = wall_clock_to_utc(dt.date(2031, 10, 26), dt.time(0, 0), AMS)
    end = wall_clock_to_utc(dt.date(2031, 10, 26), dt.time(11, 30), AMS)
    with pytest.raises(InvalidInput) as info:
        validate_draft(
            kind="doorstep",
            title="t",
            area_id=1,
            meeting_place="p",
            starts_at=start,
            ends_at=end,
            volunteers_needed=2,
            now=NOW.replace(year=2030),
        )
    assert info.value.field == "ends_at"


def _t() -> Translator:
    return Translator("en", NullTranslations(), AMS)  # type: ignore[arg-type]


def test_area_buttons_fit_on_one_page_up_to_twelve() -> None:
    buttons = [(f"Buurt {i}", f"na:a:{i}") for i in range(MAX_BUTTONS)]
    markup = _paged(_t(), buttons, 0, "na:p:5", [("« Other wijk", "na:wb")])
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == [f"Buurt {i}" for i in range(MAX_BUTTONS)] + ["« Other wijk"]


def test_more_than_twelve_area_buttons_are_paged() -> None:
    buttons = [(f"Buurt {i}", f"na:a:{i}") for i in range(23)]
    first = _paged(_t(), buttons, 0, "na:p:5", [])
    rows = [[(b.text, b.callback_data) for b in row] for row in first.inline_keyboard]
    assert [label for row in rows[:-1] for label, _ in row] == [f"Buurt {i}" for i in range(10)]
    assert rows[-1] == [("More »", "na:p:5:1")]
    last = _paged(_t(), buttons, 2, "na:p:5", [])
    rows = [[(b.text, b.callback_data) for b in row] for row in last.inline_keyboard]
    assert [label for row in rows[:-1] for label, _ in row] == ["Buurt 20", "Buurt 21", "Buurt 22"]
    assert rows[-1] == [("« Previous", "na:p:5:1")]
    # a forged page number is clamped to the last page
    assert _paged(_t(), buttons, 99, "na:p:5", []).inline_keyboard == last.inline_keyboard
    assert PAGE_SIZE < MAX_BUTTONS


def test_callback_data_stays_within_64_bytes() -> None:
    biggest = 2**31 - 1
    for data in (
        f"na:p:{biggest}:{biggest}",
        f"na:a:{biggest}",
        f"act:cc:{biggest}",
        f"rsvp:{biggest}:y",
        f"inv:o:c:{biggest}:{biggest}",
        "na:d:2031-12-06",
        "na:k:street_stand",
    ):
        assert len(data.encode()) <= 64


@pytest.mark.parametrize(
    ("date_text", "step"),
    [
        ("2031-11-30", DATE),  # yesterday: no time that day can work any more
        ("2031-11-01", DATE),
        ("2031-12-01", START),  # today: a later time still works
        ("2031-12-02", START),
        ("not a date", DATE),
        (None, DATE),
    ],
)
def test_a_start_that_passed_goes_back_to_the_date_only_when_the_day_is_over(
    date_text: object, step: str
) -> None:
    assert _passed_step(date_text, dt.date(2031, 12, 1)) == step


def test_a_draft_that_lost_values_goes_back_to_the_first_missing_step() -> None:
    full = _data()
    assert _earlier_gap(full, "end") is None
    assert _earlier_gap({**full, "date": None}, "end") == "date"
    assert _earlier_gap({}, "start") == "kind"
    assert _earlier_gap({"kind": "other"}, "title") is None
