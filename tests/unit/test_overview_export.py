"""The overview's chart (PNG) and CSV (`bot.views.overview_chart`), from a hand-made
overview: the CSV is parsed back (Dutch and English, exact and suppressed), the PNG is a
real image of phone width and a sensible size."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.config import PROJECT_ROOT
from bot.domain.overview import Overview, OverviewRow
from bot.domain.results import default_themes
from bot.i18n import I18n, Translator
from bot.views.overview_chart import (
    MAX_BARS,
    chart_rows,
    overview_chart_png,
    overview_csv,
    overview_filename,
    overview_text,
)

AMS = ZoneInfo("Europe/Amsterdam")
I18N = I18n(PROJECT_ROOT / "locales", default_language="nl", tz=AMS)
THEMES = list(default_themes())


def row(name: str, level: str = "buurt", wijk: str = "Haarlemmerbuurt", **counts) -> OverviewRow:
    themes = {t.key: counts.pop(t.key, 0) for t in THEMES}
    return OverviewRow(
        area_id=len(name), name=name, level=level, wijk=wijk, themes=themes, **counts
    )


def make_overview(suppress_below: int | None = None, buurten: int = 2) -> Overview:
    unknown = None if suppress_below else 3
    rows = [
        row(
            "Haarlemmerbuurt",
            "wijk",
            actions_held=3,
            volunteers_active=6,
            residents_reached=41,
            new_residents_met=unknown,
            sign_ups=7,
            help_requests_open=unknown,
            loneliness=5,
            sign_ups_by_source={"Bibliotheek": 5, "": unknown},
        ),
        row(
            "Haarlemmerbuurt West",
            actions_held=2,
            volunteers_active=5,
            residents_reached=29,
            new_residents_met=unknown,
            sign_ups=5,
            help_requests_open=0,
            loneliness=unknown,
            sign_ups_by_source={"Bibliotheek": 5, "": 0},
        ),
        row("Westerdokseiland", sign_ups_by_source={"Bibliotheek": 0, "": 0}),
    ]
    rows += [
        row(
            f"Buurt {n:02}",
            residents_reached=n,
            volunteers_active=unknown,
            sign_ups_by_source={"Bibliotheek": 0, "": 0},
        )
        for n in range(1, buurten - 1)
    ]
    total = row(
        "Centrum",
        "total",
        "",
        actions_held=3,
        volunteers_active=6,
        residents_reached=41,
        new_residents_met=unknown,
        sign_ups=7,
        help_requests_open=unknown,
        loneliness=5,
        sign_ups_by_source={"Bibliotheek": 5, "": unknown},
    )
    return Overview(
        area_id=1,
        area_name="Centrum",
        first_day=dt.date(2027, 5, 1),
        last_day=dt.date(2027, 5, 31),
        since=dt.datetime(2027, 4, 30, 22, tzinfo=dt.UTC),
        until=dt.datetime(2027, 5, 31, 22, tzinfo=dt.UTC),
        rows=rows,
        total=total,
        themes=THEMES,
        sources=["Bibliotheek", ""],
        suppress_below=suppress_below,
    )


def parse(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def t(lang: str) -> Translator:
    return I18N.translator(lang)


def test_csv_in_dutch_has_translated_headers_and_exact_counts() -> None:
    table = parse(overview_csv(make_overview(), t("nl")), ";")
    header, *body = table
    assert header[:9] == [
        "niveau",
        "wijk",
        "gebied",
        "Acties gehouden",
        "Actieve vrijwilligers",
        "Bewoners gesproken (gesprekken)",
        "Nieuwe bewoners ontmoet",
        "Nieuwe aanmeldingen",
        "Open hulpvragen nu",
    ]
    assert header[9:16] == [f"Thema: {t.name('nl')}" for t in THEMES]
    assert header[9] == "Thema: eenzaamheid"
    assert header[16:] == ["Aanmeldingen via: Bibliotheek", "Aanmeldingen via: andere uitnodiging"]
    assert [r[:3] for r in body] == [
        ["wijk", "Haarlemmerbuurt", "Haarlemmerbuurt"],
        ["buurt", "Haarlemmerbuurt", "Haarlemmerbuurt West"],
        ["buurt", "Haarlemmerbuurt", "Westerdokseiland"],
        ["totaal", "", "Centrum"],
    ]
    west = dict(zip(header, body[1], strict=True))
    assert west["Bewoners gesproken (gesprekken)"] == "29"
    assert west["Nieuwe bewoners ontmoet"] == "3"
    assert west["Thema: eenzaamheid"] == "3"
    assert west["Aanmeldingen via: Bibliotheek"] == "5"
    assert all(len(r) == len(header) for r in body)


def test_csv_for_partners_shows_small_counts_as_less_than_five_in_english() -> None:
    table = parse(overview_csv(make_overview(suppress_below=5), t("en")), ",")
    header, *body = table
    assert header[3:6] == ["Actions held", "Volunteers active", "Residents reached (conversations)"]
    assert header[9] == "Theme: loneliness"
    assert header[-1] == "Sign-ups via: other invite"
    assert header[:3] == [
        "level: district (wijk) or neighbourhood (buurt)",
        "district (wijk)",
        "area",
    ]
    # plain English level values; the Dutch words are named once, in the header
    assert [r[:3] for r in body] == [
        ["district", "Haarlemmerbuurt", "Haarlemmerbuurt"],
        ["neighbourhood", "Haarlemmerbuurt", "Haarlemmerbuurt West"],
        ["neighbourhood", "Haarlemmerbuurt", "Westerdokseiland"],
        ["total", "", "Centrum"],
    ]
    total = dict(zip(header, body[-1], strict=True))
    assert total["New residents met"] == "<5"
    assert total["Help requests open now"] == "<5"
    assert total["Residents reached (conversations)"] == "41"
    assert total["Sign-ups via: other invite"] == "<5"
    # no personal data: only area names, numbers and flyer labels
    cells = {c for r in body for c in r[3:]}
    assert cells <= {"<5"} | {str(n) for n in range(100)}


def test_filename_is_plain_ascii() -> None:
    assert (
        overview_filename(make_overview(), "csv") == "overzicht-centrum-2027-05-01-2027-05-31.csv"
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_chart_is_a_real_png_of_phone_width_and_modest_size(lang: str) -> None:
    data = overview_chart_png(make_overview(suppress_below=5), t(lang))
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert image.format == "PNG"
    width, height = image.size
    assert width == 1080
    assert 400 <= height <= 1000  # one buurt with figures
    assert len(data) < 500_000


def test_a_large_area_is_capped_and_the_rest_left_to_the_csv() -> None:
    overview = make_overview(buurten=40)
    rows, left_out = chart_rows(overview)
    assert len(rows) == MAX_BARS
    assert left_out == 40 - 2 - MAX_BARS + 1  # buurten with figures minus those shown
    assert rows[0].name == "Buurt 38"  # most residents reached first
    assert "Westerdokseiland" not in [r.name for r in rows]  # nothing to show
    data = overview_chart_png(overview, t("nl"))
    image = Image.open(io.BytesIO(data))
    assert image.size[0] == 1080
    assert image.size[1] <= 2400
    assert len(data) < 500_000


def test_an_empty_overview_still_draws_the_total() -> None:
    overview = make_overview(buurten=2)
    empty = Overview(**{**overview.__dict__, "rows": [overview.rows[2]], "total": overview.rows[2]})
    rows, left_out = chart_rows(empty)
    assert [r.name for r in rows] == ["Westerdokseiland"] and left_out == 0
    Image.open(io.BytesIO(overview_chart_png(empty, t("en")))).verify()


def test_text_for_the_chat_gives_the_totals_flyers_and_most_heard_themes() -> None:
    assert overview_text(make_overview(), t("nl")) == "\n".join(
        [
            "<b>Overzicht Centrum</b>",
            "1 mei 2027 – 31 mei 2027",
            "",
            "Acties gehouden: 3",
            "Actieve vrijwilligers: 6",
            "Bewoners gesproken (gesprekken): 41",
            "Nieuwe bewoners ontmoet: 3",
            "Nieuwe aanmeldingen: 7 (Bibliotheek: 5, andere uitnodiging: 3)",
            "Open hulpvragen nu: 3",
            "Het meest gehoord: eenzaamheid (5)",
        ]
    )


def test_text_for_partners_escapes_the_suppressed_counts_for_telegram_html() -> None:
    text = overview_text(make_overview(suppress_below=5), t("en"))
    assert "New residents met: &lt;5\n" in text
    assert "New sign-ups: 7 (Bibliotheek: 5, other invite: &lt;5)" in text
    assert "Residents reached (conversations): 41" in text
    assert text.endswith("&lt;5: fewer than 5, not shown for privacy")
    assert "<5" not in text


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    overview = make_overview()
    evil = Overview(
        **{
            **overview.__dict__,
            "rows": [replace(overview.rows[1], name='=HYPERLINK("http://x")', wijk="+1")],
            "sources": ["@SUM(A1)"],
        }
    )
    header, first, _total = parse(overview_csv(evil, t("en")), ",")
    assert first[1:3] == ["'+1", '\'=HYPERLINK("http://x")']
    assert header[-1] == "Sign-ups via: @SUM(A1)"  # not at the start of the cell: harmless


def test_signals_per_organisation_in_the_csv_and_the_text() -> None:
    base = make_overview()
    signals = {("Ymere", "open"): 1, ("Ymere", "done"): 2, ("DOCK Centrum", "picked_up"): 1}
    west = replace(base.rows[1], signals=signals)
    total = replace(base.total, signals=signals)
    overview = replace(
        base,
        rows=[base.rows[0], west, *base.rows[2:]],
        total=total,
        signal_organisations=["DOCK Centrum", "Ymere"],
    )
    header, *body = parse(overview_csv(overview, t("nl")), ";")
    assert header[-6:] == [
        "Signalen DOCK Centrum: open",
        "Signalen DOCK Centrum: opgepakt",
        "Signalen DOCK Centrum: afgerond",
        "Signalen Ymere: open",
        "Signalen Ymere: opgepakt",
        "Signalen Ymere: afgerond",
    ]
    assert body[1][-6:] == ["0", "1", "0", "1", "0", "2"]
    assert body[0][-6:] == ["0"] * 6
    assert all(len(r) == len(header) for r in body)
    text = overview_text(overview, t("en")).split("\n")
    assert text[-1] == (
        "Signals: DOCK Centrum 0 open, 1 picked up, 0 done; Ymere 1 open, 0 picked up, 2 done"
    )
    # partners: counts the domain suppressed (None) show as "<5" like every other count
    hidden = {k: None for k in signals}
    small = replace(
        overview,
        rows=[base.rows[0], replace(west, signals=hidden), *base.rows[2:]],
        suppress_below=5,
    )
    assert parse(overview_csv(small, t("en")), ",")[2][-6:] == ["0", "<5", "0", "<5", "0", "<5"]
