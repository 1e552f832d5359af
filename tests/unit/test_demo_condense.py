"""The demo's transcript is shortened without losing a step (sandbox.demo.condense)."""

from __future__ import annotations

from sandbox.demo import condense

CARD = ["  Klaptafel op het Haarlemmerplein", "  Wanneer: zaterdag", "  Waar: Haarlemmerplein"]


def test_presses_in_a_row_share_a_line_and_other_lines_stay() -> None:
    lines = ["> [pressed: ⬜ Nederlands]", "> [pressed: ⬜ Engels]", "> [pressed: Klaar]", "> hoi"]
    assert condense(lines, set()) == ["> [pressed: ⬜ Nederlands → ⬜ Engels → Klaar]", "> hoi"]


def test_a_text_shown_before_is_named_once_with_its_buttons() -> None:
    seen: set[str] = set()
    first = ["< Nieuwe actie: kun je helpen?", "  ", *CARD[:-1], CARD[-1] + " [Ja] [Nee]"]
    assert condense(first, seen) == first  # the first time in full
    reminder = ["< Herinnering: morgen!", "  ", *CARD[:-1], CARD[-1] + " [Ik kan toch niet]"]
    assert condense(reminder, seen) == [
        "< Herinnering: morgen!",
        "  ",
        "  Klaptafel op het Haarlemmerplein … (as above) [Ik kan toch niet]",
    ]
    again = ["< Nieuwe actie: kun je helpen?", "  ", *CARD[:-1], CARD[-1] + " [Ja] [Nee]"]
    assert condense(again, seen) == ["< Nieuwe actie: kun je helpen? … (as above) [Ja] [Nee]"]


def test_short_texts_are_never_shortened() -> None:
    seen: set[str] = set()
    line = ["< Welke talen spreek je? [Nederlands] [Engels]"]
    assert condense(line, seen) == line
    assert condense(line, seen) == line
