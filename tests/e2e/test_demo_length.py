"""`wijkbot demo` tells the whole story in at most 599 lines, in Dutch and in English.

The story (plan, call, answers, waiting list, edit, drop-out notice, an urgent drop-out
with "Roep opnieuw op" pressed, reminders, results, overview; then coupling: ready for
coupling, suggestions with reasons, proposal, both Ja, introduction, a relayed message, a
check-in) must stay: each milestone is checked, in order. Later sign-ups like one shown
before are folded into one line (`sandbox.demo_transcript.condense_sign_up`); their thank-you, with
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
        "Dringend: Joost kan toch niet komen bij",  # urgent drop-out (issue 7)
        "[Roep opnieuw op]",
        "> [pressed: Roep opnieuw op]",
        "Opnieuw opgeroepen: 4 vrijwilligers krijgen een bericht.",
        "Komt (6): Anouk, Mehmet, Fatima, Lisa, Rachid, Wim",
        "Overzicht Centrum",
        "Klaar voor koppelen?",  # coupling (issue 6)
        "3. Yusuf · Haarlemmerbuurt West",
        "Vraag Rachid]",
        "We hebben Rachid gevraagd.",
        "Rachid en Yusuf zeiden allebei ja: ze zijn nu een koppel.",
        "===== Anouk (volunteer, nl) =====",
        "Voordat we beginnen: wat slaan we op?",  # consent in full once
        "Nieuwe actie in Haarlemmerbuurt: kun je helpen?",  # call
        "Je antwoord: Ja — tot dan!",  # answer
        "Herinnering: morgen help je bij deze actie.",  # reminders
        "Vandaag om 14:30 begint de actie.",
        "===== Mehmet (volunteer, nl) =====",
        "(sign-up as above: language, agree, buurt, languages, tasks, times)",
        "Bedankt, \u2068Mehmet\u2069! Je bent aangemeld als vrijwilliger.",
        "Buurt: Haarlemmerbuurt West · Talen: Nederlands, Turks · Je doet graag:",
        "Je hebt je plek opgegeven",  # Sanne's cancel file
        "===== Joost (volunteer, nl) =====",
        "> [pressed: Ik kan toch niet]",
        "Je antwoord: Nee — bedankt dat je het laat weten.",
        "Je bent nummer 1 op de wachtlijst.",  # Rachid
        "Goed nieuws: er is een plek vrijgekomen",
        "Wil je Yusuf uit Haarlemmerbuurt West helpen?",  # the proposal
        "Jij en Yusuf uit Haarlemmerbuurt West zeiden ja: jullie zijn nu een koppel.",
        "> Hoi Yusuf, zal ik donderdag om 10 uur langskomen",  # relayed
        "Doorgestuurd aan Yusuf.",
        "Hoe gaat het met je koppel?",  # check-in
        "Weet je het al? Je antwoordde Misschien op deze actie.",
        "===== Kees (volunteer, nl) =====",
        "Nieuwe actie in Haarlemmerbuurt: kun je helpen?",  # called again
        "===== Wim (volunteer, nl) =====",
        "Je antwoord: Ja — tot dan!",
        "===== Yusuf (resident, nl) =====",
        "Goed nieuws: Rachid uit Haarlemmerbuurt West wil je graag helpen.",
        "Jij en Rachid zeiden ja",
        "< Hoi Yusuf, zal ik donderdag om 10 uur langskomen voor je formulieren? [Van Rachid]",
        "Hoe gaat het met je koppel?",
        "Je antwoord: Goed",
        "===== Henk (resident, nl) =====",
        "(sign-up as above: language, agree, buurt, help wanted, what they offer)",
        "===== Opbrengst van de klaptafel, en het overzicht =====",  # results
        "Mehmet: Bedankt! Bewaard.",
        "[chart: PNG",
        "===== Wat Noor zag voordat ze Rachid vroeg =====",  # the suggestions, with reasons
        "1. Rachid: zelfde buurt · spreekt Nederlands · doet graag: formulieren en papierwerk",
        "2. Lisa: buurt ernaast (Haarlemmerbuurt) · spreekt Nederlands",
    ],
    "en": [
        "===== Noor (netwerkmanager) (coordinator, en) =====",
        "Waiting list (1): \u2068Rachid\u2069",
        "Maybe (1): \u2068Ingrid\u2069",
        "Rachid from the waiting list takes the place.",
        "Urgent: Joost can no longer come to",
        "> [pressed: Call again]",
        "Called again: 4 volunteers get a message.",
        "Coming (6): Anouk, Mehmet, Fatima, Lisa, Rachid, Wim",
        "Overview Centrum",
        "Ready for coupling (klaar voor koppelen)?",
        "3. Yusuf · Haarlemmerbuurt West",
        "We asked Rachid.",
        "Rachid and Yusuf both said yes: they are now a couple.",
        "===== Anouk (volunteer, nl) =====",
        "===== Mehmet (volunteer, nl) =====",
        "(sign-up as above: language, agree, buurt, languages, tasks, times)",
        "===== Lisa (volunteer, en) =====",
        "Before we start: what do we store?",
        "New action in Haarlemmerbuurt: can you help?",
        "Reminder: tomorrow you help at this action.",
        "===== Rachid (volunteer, nl) =====",
        "Wil je Yusuf uit Haarlemmerbuurt West helpen?",
        "Doorgestuurd aan Yusuf.",
        "===== Priya (volunteer, en) =====",
        "(sign-up as above: language, agree, buurt, languages, tasks, times)",
        "New action in Haarlemmerbuurt: can you help?",  # called again
        "===== Yusuf (resident, nl) =====",
        "[Van Rachid]",
        "===== Results of the street stand (klaptafel), and the overview =====",
        "[chart: PNG",
        "===== What Noor saw before she asked Rachid =====",
        "1. Rachid: same buurt · speaks Dutch · likes forms and paperwork",
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
