"""The overview as a chart (PNG for sendPhoto) and a CSV file (for sendDocument).

Chart: horizontal bars per buurt (residents reached, volunteers active, new sign-ups),
1080 px wide (Telegram shows photos at phone width; 1080 px is the usual full-HD phone
width), matplotlib's Agg backend through the object API (no pyplot state, safe in a bot
process), colours from the Okabe-Ito palette (readable with colour blindness).

CSV: UTF-8 with a byte order mark, so Excel recognises the encoding; the separator is ';'
for Dutch (Excel with Dutch regional settings expects ';' because ',' is the decimal sign)
and ',' for English. One row per wijk and buurt, then the total; counts only, no names of
people. A suppressed count is written as '<5' (for `suppress_below=5`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html import escape as esc

from babel.dates import format_date
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from telegram import InlineKeyboardMarkup

from bot.callbacks import OVERVIEW_PERIOD
from bot.domain.overview import Overview, OverviewRow
from bot.domain.overview_periods import PERIODS
from bot.domain.vocabulary import AreaLevel
from bot.i18n import Translator
from bot.views.lists import button_rows, keyboard

WIDTH_PX = 1080
DPI = 100
MAX_BARS = 20  # buurten in the chart; the CSV has them all
COLOURS = ("#0072B2", "#E69F00", "#009E73")  # Okabe-Ito blue, orange, green


def period_text(t: Translator, overview: Overview) -> str:
    """'1 mei 2027 – 31 mei 2027' / '1 May 2027 – 31 May 2027'."""
    first = format_date(overview.first_day, "d MMM y", locale=t.language)
    last = format_date(overview.last_day, "d MMM y", locale=t.language)
    return f"{first} – {last}"


def _metrics(t: Translator) -> list[tuple[str, Callable[[OverviewRow], int | None]]]:
    return [
        (t.gettext("Residents reached (conversations)"), lambda r: r.residents_reached),
        (t.gettext("Volunteers active"), lambda r: r.volunteers_active),
        (t.gettext("New sign-ups"), lambda r: r.sign_ups),
    ]


def chart_rows(overview: Overview) -> tuple[list[OverviewRow], int]:
    """The rows the chart shows and how many more rows with figures it leaves out.

    Buurten with something to show (else the wijken, else the total), most residents
    reached first (suppressed counts sort as 0), at most `MAX_BARS`.
    """

    def shown(row: OverviewRow) -> bool:
        return any(v != 0 for v in (row.residents_reached, row.volunteers_active, row.sign_ups))

    buurten = [r for r in overview.rows if r.level == AreaLevel.BUURT and shown(r)]
    wijken = [r for r in overview.rows if r.level == AreaLevel.WIJK and shown(r)]
    rows = buurten or wijken or [overview.total]
    rows = sorted(rows, key=lambda r: (-(r.residents_reached or 0), r.name))
    return rows[:MAX_BARS], max(0, len(rows) - MAX_BARS)


def overview_chart_png(overview: Overview, t: Translator) -> bytes:
    """The chart as PNG bytes: 1080 px wide, 260 px plus 95 px per buurt high (at least 500)."""
    rows, left_out = chart_rows(overview)
    metrics = _metrics(t)
    height_in = max(5.0, 2.6 + 0.95 * len(rows))
    fig = Figure(figsize=(WIDTH_PX / DPI, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    bar = 0.27
    suppressed = f"<{overview.suppress_below}" if overview.suppress_below else ""
    top = max([v or 0 for r in rows for _, get in metrics for v in [get(r)]] + [1])
    for index, (label, get) in enumerate(metrics):
        values = [get(r) for r in rows]
        ys = [n + (index - 1) * bar for n in range(len(rows))]
        ax.barh(ys, [v or 0 for v in values], height=bar, color=COLOURS[index], label=label)
        for y, value in zip(ys, values, strict=True):
            text = suppressed if value is None else str(value)
            ax.text((value or 0) + top * 0.01, y, text, va="center", fontsize=13)
    ax.set_yticks(range(len(rows)), [r.name for r in rows], fontsize=15)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15)
    ax.tick_params(axis="x", labelsize=12)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = t.gettext("Overview {area}", area=overview.area_name)
    fig.suptitle(f"{title}\n{period_text(t, overview)}", fontsize=20, x=0.02, ha="left")
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=1,
        fontsize=14,
        frameon=False,
    )
    notes = []
    if left_out:
        notes.append(t.gettext("{n} more in the CSV file", n=left_out))
    if overview.suppress_below:
        notes.append(
            t.gettext("<{n}: fewer than {n}, not shown for privacy", n=overview.suppress_below)
        )
    if notes:
        fig.text(0.02, 0.005, " · ".join(notes), fontsize=12, va="bottom")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def csv_delimiter(language: str) -> str:
    """';' for Dutch (Excel's list separator with Dutch settings), ',' otherwise."""
    return ";" if language == "nl" else ","


def _cell(value: int | None, below: int | None) -> str:
    return f"<{below}" if value is None else str(value)


def _safe(text: str) -> str:
    """Text for a spreadsheet cell: a leading = + - @ (or tab/CR) would make Excel read a
    formula, so such text gets a leading apostrophe (OWASP, "CSV Injection")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


#: The overview's signal statuses, in column order ("niet voor ons" counts as done).
SIGNAL_STATUSES = ("open", "picked_up", "done")


def _signal_labels(t: Translator) -> dict[str, str]:
    return {
        "open": t.gettext("open"),
        "picked_up": t.gettext("picked up"),
        "done": t.gettext("done"),
    }


def signals_line(t: Translator, overview: Overview) -> str:
    """'Signals: Ymere 1 open, 0 picked up, 2 done; ...' for the total (HTML), or ''."""
    total, below, labels = overview.total, overview.suppress_below, _signal_labels(t)
    parts = [
        esc(org)
        + " "
        + ", ".join(
            f"{esc(_cell(total.signals.get((org, status), 0), below))} {labels[status]}"
            for status in SIGNAL_STATUSES
        )
        for org in overview.signal_organisations
    ]
    return t.gettext("Signals: {counts}", counts="; ".join(parts)) if parts else ""


def overview_csv(overview: Overview, t: Translator) -> bytes:
    """The overview as CSV bytes (UTF-8 with BOM, `csv_delimiter` of the reader's language).

    Header row, then one row per wijk and buurt in reading order, then the total. Columns:
    level, wijk, name, the six counts, one column per theme, one per flyer label, three per
    organisation with signals (open, picked up, done). English
    names each Dutch area word once, in the header ("neighbourhood (buurt)"), and has
    plain English level values; the Dutch file uses "wijk" / "buurt" / "totaal".
    """
    # Level values are plain words a spreadsheet can filter on ("district", "neighbourhood"
    # in English; "wijk", "buurt" in Dutch); the English header names the Dutch words once.
    levels = {
        AreaLevel.WIJK: t.gettext("district"),
        AreaLevel.BUURT: t.gettext("neighbourhood"),
        "total": t.gettext("total"),
    }
    header = [
        t.gettext("level: district (wijk) or neighbourhood (buurt)"),
        t.gettext("wijk"),
        t.gettext("area"),
        t.gettext("Actions held"),
        t.gettext("Volunteers active"),
        t.gettext("Residents reached (conversations)"),
        t.gettext("New residents met"),
        t.gettext("New sign-ups"),
        t.gettext("Help requests open now"),
    ]
    header += [t.gettext("Theme: {theme}", theme=th.name(t.language)) for th in overview.themes]
    header += [
        t.gettext("Sign-ups via: {label}", label=source or t.gettext("other invite"))
        for source in overview.sources
    ]
    header += [
        t.gettext("Signals {organisation}: {status}", organisation=org, status=label)
        for org in overview.signal_organisations
        for label in _signal_labels(t).values()
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_delimiter(t.language), lineterminator="\r\n")
    writer.writerow([_safe(cell) for cell in header])
    below = overview.suppress_below
    for row in [*overview.rows, overview.total]:
        counts = [
            row.actions_held,
            row.volunteers_active,
            row.residents_reached,
            row.new_residents_met,
            row.sign_ups,
            row.help_requests_open,
        ]
        writer.writerow(
            [levels.get(row.level, row.level), _safe(row.wijk), _safe(row.name)]
            + [_cell(v, below) for v in counts]
            + [_cell(row.themes.get(th.key, 0), below) for th in overview.themes]
            + [_cell(row.sign_ups_by_source.get(s, 0), below) for s in overview.sources]
            + [
                _cell(row.signals.get((org, status), 0), below)
                for org in overview.signal_organisations
                for status in SIGNAL_STATUSES
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def overview_filename(overview: Overview, extension: str) -> str:
    """'overzicht-centrum-2027-05-01-2027-05-31.csv' (ASCII, no spaces)."""
    slug = "".join(c if c.isalnum() else "-" for c in overview.area_name.casefold())
    slug = "-".join(part for part in slug.split("-") if part) or "area"
    return f"overzicht-{slug}-{overview.first_day}-{overview.last_day}.{extension}"


def overview_text(overview: Overview, t: Translator, *, top_themes: int = 3) -> str:
    """A short HTML text to go with the chart: the area, the period, the total's figures,
    sign-ups per flyer label and the most heard themes (at most `top_themes`)."""
    total, below = overview.total, overview.suppress_below
    by_source = total.sign_ups_by_source
    sources = ", ".join(
        f"{esc(label or t.gettext('other invite'))}: {esc(_cell(by_source[label], below))}"
        for label in overview.sources
        if by_source.get(label) != 0
    )
    figures = [
        (t.gettext("Actions held"), total.actions_held, ""),
        (t.gettext("Volunteers active"), total.volunteers_active, ""),
        (t.gettext("Residents reached (conversations)"), total.residents_reached, ""),
        (t.gettext("New residents met"), total.new_residents_met, ""),
        (t.gettext("New sign-ups"), total.sign_ups, f" ({sources})" if sources else ""),
        (t.gettext("Help requests open now"), total.help_requests_open, ""),
    ]
    lines = [
        "<b>" + esc(t.gettext("Overview {area}", area=overview.area_name)) + "</b>",
        period_text(t, overview),
        "",
        *(f"{label}: {esc(_cell(value, below))}{extra}" for label, value, extra in figures),
    ]
    heard = [
        (count, theme)
        for theme in overview.themes
        if (count := total.themes.get(theme.key)) is None or count > 0
    ]
    heard.sort(key=lambda item: -(item[0] or 0))
    if heard[:top_themes]:
        named = ", ".join(
            f"{esc(theme.name(t.language))} ({esc(_cell(count, below))})"
            for count, theme in heard[:top_themes]
        )
        lines.append(t.gettext("Heard most: {themes}", themes=named))
    if signals := signals_line(t, overview):
        lines.append(signals)
    if below:
        lines += ["", esc(t.gettext("<{n}: fewer than {n}, not shown for privacy", n=below))]
    return "\n".join(lines)


def period_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """The period buttons of /overzicht (`bot.domain.overview_periods.PERIODS`)."""
    labels = {
        "4w": t.gettext("Last 4 weeks"),
        "lm": t.gettext("Last month"),
        "3m": t.gettext("Last 3 months"),
        "y": t.gettext("This year"),
    }
    pairs = [(labels[code], OVERVIEW_PERIOD.encode(period=code)) for code in PERIODS]
    return keyboard(button_rows(pairs, 2))
