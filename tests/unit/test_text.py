"""Typed text and names are cleaned before they are stored (issue 9, findings 6 and 7)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain import people
from bot.domain.text import clean_name, clean_text, isolate


def test_clean_text_drops_control_characters_but_keeps_newlines() -> None:
    assert clean_text("Klap\x00tafel\tbij\x1b[31m de\x7f\nmarkt") == "Klaptafelbij[31m de\nmarkt"
    assert clean_text(None) == ""


def test_names_lose_format_and_control_characters() -> None:
    assert clean_name("An\u202ena") == "Anna"  # right-to-left override
    assert clean_name("Jo\u200bhn\u200d  van\tDam") == "John van Dam"
    assert people.clean_name("\u200b\u200c\u200d\u2060\ufeff") == "?"  # only invisible
    assert people.clean_name("\u202e\u2066 \u2069") == "?"
    assert people.clean_name("  ") == "?"
    assert people.clean_name("x" * 100) == "x" * 64
    assert people.clean_name("فاطمة") == "فاطمة"  # real right-to-left names stay


def test_isolate_wraps_in_first_strong_isolate() -> None:
    assert isolate("فاطمة") == "\u2068فاطمة\u2069"


@given(st.text())
def test_cleaned_names_never_hold_controls_and_are_never_empty(raw: str) -> None:
    import unicodedata

    name = clean_name(raw)
    assert name
    assert len(name) <= 64
    assert all(unicodedata.category(c) not in ("Cc", "Cf") for c in name)
