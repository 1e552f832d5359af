"""The demo's transcript is shortened without losing a step (sandbox.demo_transcript.condense)."""

from __future__ import annotations

from sandbox.demo_transcript import condense, condense_sign_up

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


def test_a_sign_up_like_one_before_is_folded_but_its_thank_you_stays() -> None:
    lines = [
        "> /start abc",
        "< Welkom bij wijkbot! In welke taal wil je verder? [Nederlands] [English]",
        "> [pressed: Nederlands]",
        "< Voordat we beginnen: wat slaan we op? … (as above) [Ik ga akkoord]",
        "> [pressed: Ik ga akkoord]",
        "< In welke buurt woon je? [Haarlemmerbuurt Oost]",
        "> [pressed: Haarlemmerbuurt Oost]",
        "< Bedankt, \u2068Kees\u2069! Je bent aangemeld als vrijwilliger.",
        "  ",
        "  Buurt: Haarlemmerbuurt Oost",
        "< Nieuwe actie in Haarlemmerbuurt: kun je helpen? … (as above) [Ja]",
    ]
    assert condense_sign_up(lines, "Kees", "volunteer") == [
        "> /start abc … (sign-up as above: language, agree, buurt, languages, tasks, times)",
        *lines[7:],
    ]
    # a sign-up that did not finish (no thank-you) stays as it is
    assert condense_sign_up(lines[:5], "Kees", "volunteer") == lines[:5]
    folded = condense_sign_up(lines, "Kees", "resident")[0]
    assert folded.endswith(
        "(sign-up as above: language, agree, buurt, help wanted, what they offer)"
    )


def test_a_folded_thank_you_keeps_what_was_chosen_on_one_line_without_the_help_pointer() -> None:
    lines = [
        "> /start abc",
        "> [pressed: Nederlands]",
        "< Bedankt, \u2068Kees\u2069! Je bent aangemeld als vrijwilliger.",
        "  ",
        "  Buurt: Planciusbuurt Noord",
        "  Talen: Nederlands",
        "  ",
        "  Stuur /help om te zien wat je kunt doen.",
        "< Nieuwe actie in Haarlemmerbuurt: kun je helpen? … (as above) [Ja]",
    ]
    assert condense_sign_up(lines, "Kees", "volunteer") == [
        "> /start abc … (sign-up as above: language, agree, buurt, languages, tasks, times)",
        "< Bedankt, \u2068Kees\u2069! Je bent aangemeld als vrijwilliger.",
        "  Buurt: Planciusbuurt Noord · Talen: Nederlands",
        lines[-1],
    ]


def test_a_message_of_one_long_paragraph_is_shown_in_full_the_first_time() -> None:
    message = ["< Bedankt, Kees!", "  Buurt: Planciusbuurt Noord", "  Talen: Nederlands"]
    seen: set[str] = set()
    assert condense(message, seen) == message
    assert condense(message, seen) == ["< Bedankt, Kees! … (as above)"]
