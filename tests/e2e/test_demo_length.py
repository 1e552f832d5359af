"""`wijkbot demo` tells the whole story in at most 599 lines, in Dutch and in English.

The story (plan, call, answers, waiting list, edit, drop-out notice, reminders, results,
overview) must stay: each milestone is checked, in order. Later sign-ups like one shown
before are folded into one line (`sandbox.demo.condense_sign_up`); their thank-you, with
what the person chose, stays. Plays the real demo (its own SQLite file and fake Bot API).
"""

from __future__ import annotations

import pytest

from sandbox.demo import run_demo

MAX_LINES = 599

MILESTONES = {
    "nl": [
        "===== Noor (netwerkmanager) (coordinator, nl) =====",
        "Klaar! De actie Klaptafel op het Haarlemmerplein is gepland.",  # plan
        "Wachtlijst (1): \u2068Rachid\u2069",  # waiting list
        "Misschien (1): \u2068Ingrid\u2069",
        "Sanne_*[de]* kan toch niet komen bij",  # drop-out notice
        "Rachid van de wachtlijst neemt de plek over.",
        "Bewaard: datum en tijd.",  # edit
        "Overzicht Centrum",
        "===== Anouk (volunteer, nl) =====",
        "Voordat we beginnen: wat slaan we op?",  # consent in full once
        "Nieuwe actie in Haarlemmerbuurt: kun je helpen?",  # call
        "Je antwoord: Ja — tot dan!",  # answer
        "Herinnering: morgen help je bij deze actie.",  # reminders
        "Vandaag om 14:30 begint de actie.",
        "===== Mehmet (volunteer, nl) =====",
        "(sign-up as above: language, agree, buurt, languages, tasks, times)",
        "Bedankt, \u2068Mehmet\u2069! Je bent aangemeld als vrijwilliger.",
        "Je hebt je plek opgegeven",  # Sanne's cancel file
        "Je bent nummer 1 op de wachtlijst.",
        "Goed nieuws: er is een plek vrijgekomen",
        "Weet je het al? Je antwoordde Misschien op deze actie.",
        "===== Henk (resident, nl) =====",
        "(sign-up as above: language, agree, buurt, help wanted, what they offer)",
        "===== Opbrengst van de klaptafel, en het overzicht =====",  # results
        "Mehmet: Bedankt! Bewaard.",
        "[chart: PNG",
    ],
    "en": [
        "===== Noor (netwerkmanager) (coordinator, en) =====",
        "Waiting list (1): \u2068Rachid\u2069",
        "Maybe (1): \u2068Ingrid\u2069",
        "Rachid from the waiting list takes the place.",
        "Overview Centrum",
        "===== Anouk (volunteer, nl) =====",
        "===== Mehmet (volunteer, nl) =====",
        "(sign-up as above: language, agree, buurt, languages, tasks, times)",
        "===== Lisa (volunteer, en) =====",
        "Before we start: what do we store?",
        "New action in Haarlemmerbuurt: can you help?",
        "Reminder: tomorrow you help at this action.",
        "===== Priya (volunteer, en) =====",
        "(sign-up as above: language, agree, buurt, languages, tasks, times)",
        "===== Results of the street stand (klaptafel), and the overview =====",
        "[chart: PNG",
    ],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_demo_tells_the_whole_story_in_at_most_599_lines(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_demo(lang=lang) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) <= MAX_LINES
    out = out.replace("\u2068", "").replace("\u2069", "")  # names are isolated (FSI..PDI)
    position = 0
    for milestone in MILESTONES[lang]:
        milestone = milestone.replace("\u2068", "").replace("\u2069", "")
        found = out.find(milestone, position)
        assert found >= 0, f"missing after position {position}: {milestone!r}"
        position = found + len(milestone)
