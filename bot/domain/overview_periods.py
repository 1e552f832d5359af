"""The periods a coordinator can choose for `/overzicht`, as local days.

Codes (also in the button data, `bot.callbacks.OVERVIEW_PERIOD`):
- `4w`: the last 28 days up to and including today;
- `lm`: the previous calendar month;
- `3m`: the last 91 days (13 weeks) up to and including today;
- `y`: this calendar year up to and including today.
Our choice: a month and a quarter are what netwerkmanagers report on; four weeks answers
"what happened lately".
"""

from __future__ import annotations

import datetime as dt

from bot.domain.errors import InvalidInput

PERIODS = ("4w", "lm", "3m", "y")


def period_days(code: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last local day (inclusive) of the period `code` seen from `today`.

    Raises `InvalidInput('period')` for an unknown code.
    """
    if code == "4w":
        return today - dt.timedelta(days=27), today
    if code == "3m":
        return today - dt.timedelta(days=90), today
    if code == "y":
        return dt.date(today.year, 1, 1), today
    if code == "lm":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    raise InvalidInput("period")
