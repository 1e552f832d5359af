"""Rendering of actions and outbox messages (bot.views.action, bot.delivery.render).

English texts are asserted exactly (msgids are English; NullTranslations). Dutch is checked
with a tiny test-only catalog (the real nl catalog is filled in later), which proves the
strings go through gettext and the translator's locale formats dates.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations

from bot.callbacks import RSVP
from bot.delivery.render import render
from bot.domain.outbox import MESSAGE_KEYS
from bot.i18n import Translator
from bot.views.action import action_summary, kind_label, kind_line, rsvp_keyboard
from sandbox.fake_bot_api import parse_html
from storage.models import Action
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NASTY_TITLE = "Soep & <koffie> *vet* _schuin_ [link](x)"
NASTY_PLACE = "Portiek <3 & 5 > achter"


def english() -> Translator:
    return Translator("en", NullTranslations(), AMS)  # type: ignore[arg-type]


def dutch() -> Translator:
    """A test-only nl catalog with the few strings these tests look at."""
    catalog = Catalog(locale="nl", domain="wijkbot")
    for msgid, msgstr in {
        "Yes": "Ja",
        "Maybe": "Misschien",
        "No": "Nee",
        "Doorstep conversations": "Portiekgesprekken",
        "Street stand": "Klaptafel",
        "Other action": "Andere actie",
        "EEEE d MMMM 'at' HH:mm": "EEEE d MMMM 'om' HH:mm",
        "When: {date}, {start} to {end}": "Wanneer: {date}, van {start} tot {end}",
    }.items():
        catalog.add(msgid, msgstr)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translator("nl", Translations(fp=buf, domain="wijkbot"), AMS)


def make_action(**overrides: object) -> Action:
    values: dict[str, object] = {
        "id": 42,
        "title": NASTY_TITLE,
        "meeting_place": NASTY_PLACE,
        # Saturday 5 December 2026, 14:00-16:00 in Amsterdam (UTC+1 in winter)
        "starts_at": dt.datetime(2026, 12, 5, 13, 0, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.UTC),
        "confirmed_count": 1,
    }
    values.update(overrides)
    return make.unsaved_action(**values)


def test_summary_in_english_escapes_user_text() -> None:
    text = action_summary(english(), make_action(), "Oude Pijp & <Dapper>")

    assert text == (
        "<b>Soep &amp; &lt;koffie&gt; *vet* _schuin_ [link](x)</b>\n"
        "Doorstep conversations\n"
        "When: Saturday 5 December, 14:00 to 16:00\n"
        "Where: Portiek &lt;3 &amp; 5 &gt; achter, Oude Pijp &amp; &lt;Dapper&gt;\n"
        "4 volunteers needed"
    )
    plain, entities = parse_html(text)  # valid Telegram HTML, even in the fake's strict mode
    assert plain.splitlines()[0] == NASTY_TITLE
    assert entities == [{"type": "bold", "offset": 0, "length": len(NASTY_TITLE)}]


def test_summary_singular_and_overnight() -> None:
    action = make_action(
        volunteers_needed=1,
        kind="street_stand",
        starts_at=dt.datetime(2026, 12, 5, 21, 0, tzinfo=dt.UTC),  # 22:00 local
        ends_at=dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC),  # 00:30 local, next day
    )
    lines = action_summary(english(), action, "Centrum").splitlines()

    assert lines[1] == "Street stand"
    assert lines[2] == "When: Saturday 5 December, 22:00 to Sunday 6 December at 00:30"
    assert lines[4] == "1 volunteer needed"


def test_summary_uses_the_wall_clock_across_the_dst_change() -> None:
    # 29 March 2026: clocks go forward; 10:00 local is 08:00 UTC.
    action = make_action(
        starts_at=dt.datetime(2026, 3, 29, 8, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 3, 29, 10, 0, tzinfo=dt.UTC),
    )
    assert "When: Sunday 29 March, 10:00 to 12:00" in action_summary(english(), action, "X")


def test_summary_in_dutch_with_a_test_catalog() -> None:
    lines = action_summary(dutch(), make_action(), "Centrum").splitlines()

    assert lines[1] == "Portiekgesprekken"
    assert lines[2] == "Wanneer: zaterdag 5 december, van 14:00 tot 16:00"


@pytest.mark.parametrize(
    ("kind", "en", "nl"),
    [
        ("doorstep", "Doorstep conversations", "Portiekgesprekken"),
        ("street_stand", "Street stand", "Klaptafel"),
        ("other", "Other action", "Andere actie"),
        ("something_new", "Other action", "Andere actie"),
    ],
)
def test_kind_labels(kind: str, en: str, nl: str) -> None:
    assert kind_label(english(), kind) == en
    assert kind_label(dutch(), kind) == nl


@pytest.mark.parametrize(
    ("kind", "title", "line"),
    [
        ("street_stand", "Klaptafel op het Haarlemmerplein", None),  # the title says it
        ("street_stand", "Soep op het plein", "Klaptafel"),
        ("doorstep", "Portiekgesprekken Spaarndammerbuurt", None),
        ("other", "Buurtborrel", None),  # "Andere actie" tells the reader nothing
        ("something_new", "Buurtborrel", None),
    ],
)
def test_the_kind_line_is_left_out_where_it_adds_nothing(
    kind: str, title: str, line: str | None
) -> None:
    assert kind_line(dutch(), kind, title) == line
    summary = action_summary(dutch(), make_action(kind=kind, title=title), "Centrum")
    assert summary.splitlines()[1] == (line or "Wanneer: zaterdag 5 december, van 14:00 tot 16:00")


def test_rsvp_keyboard_labels_and_callback_data() -> None:
    for t, labels in ((english(), ["Yes", "Maybe", "No"]), (dutch(), ["Ja", "Misschien", "Nee"])):
        keyboard = rsvp_keyboard(t, 42)
        assert len(keyboard.inline_keyboard) == 1
        row = keyboard.inline_keyboard[0]
        assert [b.text for b in row] == labels
        assert [b.callback_data for b in row] == ["rsvp:42:y", "rsvp:42:m", "rsvp:42:n"]


def test_callback_data_fits_telegrams_64_bytes_and_parses() -> None:
    biggest = 2**31 - 1  # the id columns are 32-bit integers on PostgreSQL
    for button in rsvp_keyboard(english(), biggest).inline_keyboard[0]:
        data = button.callback_data
        assert isinstance(data, str)
        assert len(data.encode("utf-8")) <= 64
        decoded = RSVP.decode(data)
        assert decoded is not None
        assert decoded["action_id"] == biggest
    assert RSVP.decode("rsvp:42:yes") is None
    assert RSVP.decode(f"rsvp:{2**31}:y") is None  # above any id
    assert RSVP.decode("rsvp:-1:y") is None
    assert RSVP.decode("rsvp:0:y") is None


SUMMARY_EN = action_summary(english(), make_action(), "Centrum")
# Reminders leave out "4 volunteers needed": it means nothing to the person reading them.
REMINDER_SUMMARY_EN = SUMMARY_EN.removesuffix("\n4 volunteers needed")
assert REMINDER_SUMMARY_EN != SUMMARY_EN


@pytest.mark.parametrize(
    ("key", "expected", "buttons"),
    [
        ("action_call", f"New action in Centrum: can you help?\n\n{SUMMARY_EN}", "rsvp"),
        (
            "reminder_24h",
            f"Reminder: tomorrow you help at this action. Thank you!\n\n{REMINDER_SUMMARY_EN}",
            "cannot_come",
        ),
        (
            "reminder_2h",
            f"Today at 14:00 the action starts. See you there!\n\n{REMINDER_SUMMARY_EN}",
            "cannot_come",
        ),
        (
            "action_cancelled",
            "<b>Soep &amp; &lt;koffie&gt; *vet* _schuin_ [link](x)</b> on Saturday "
            "5 December at 14:00 is cancelled: you don't need to come. Thank you for wanting "
            "to help!",
            None,
        ),
        (
            "waitlist_promoted",
            "Good news: a place came free, so you can come and help. "
            f"Can't come after all? Then tap No.\n\n{SUMMARY_EN}",
            "rsvp",
        ),
    ],
)
def test_render_each_message_key_in_english(key: str, expected: str, buttons: str | None) -> None:
    text, keyboard = render(
        english(), message_key=key, action=make_action(), area_name="Centrum", person=None
    )

    assert text == expected
    parse_html(text)  # valid Telegram HTML
    assert len(text) <= 4096  # Telegram's message length limit
    if buttons == "rsvp":
        assert keyboard == rsvp_keyboard(english(), 42)
    elif buttons == "cannot_come":  # one tap to give up the place: rsvp No
        assert keyboard is not None
        row, *more = keyboard.inline_keyboard
        assert [(b.text, b.callback_data) for b in row] == [("I can't come after all", "rsvp:42:n")]
        if key == "reminder_2h":  # at the door: record results
            assert [[(b.text, b.callback_data) for b in r] for r in more] == [
                [("📝 Record results", "res:a:42")],
                [("🆘 Worried about someone", "wr")],
            ]
        else:
            assert more == []
    else:
        assert keyboard is None


def test_every_message_key_has_a_rendering() -> None:
    from tests.unit.test_render_coupling import SAMPLE_ARGS  # facts loaded at send time

    for key in MESSAGE_KEYS:
        args = SAMPLE_ARGS.get(key, {})
        render(english(), message_key=key, action=make_action(), area_name="Centrum", args=args)
    with pytest.raises(ValueError):
        render(english(), message_key="nope", action=make_action(), area_name="Centrum")


def test_area_name_in_the_call_intro_is_escaped() -> None:
    text, _ = render(
        english(), message_key="action_call", action=make_action(), area_name="A&B <C>"
    )
    assert text.startswith("New action in A&amp;B &lt;C&gt;: can you help?")


def test_help_request_notice_needs_no_action_and_carries_no_personal_details() -> None:
    text, keyboard = render(
        english(),
        message_key="help_request_new",
        action=None,
        area_name="",
        args={"place": "Planciusbuurt <Noord>"},
    )
    assert text == (
        "A resident in Planciusbuurt &lt;Noord&gt; signed up and would like help. "
        "See /helprequests."
    )
    assert keyboard is None
    with pytest.raises(ValueError):
        render(english(), message_key="action_call", action=None, area_name="")
