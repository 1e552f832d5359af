"""Coupling messages (issue 6 §2): what the volunteer, the resident and the owner read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.delivery.render import render
from bot.domain.coupling.summaries import ProposalFacts, RequestSummary
from bot.domain.text import isolate as iso
from bot.domain.vocabulary import ProposalStatus, RequestStatus
from bot.i18n import I18n

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def _t(lang: str):
    return I18n(LOCALES, default_language="nl", tz=ZoneInfo("Europe/Amsterdam")).translator(lang)


REQUEST = RequestSummary(
    id=5,
    status=RequestStatus.PROPOSED,
    resident_id=2,
    resident_name="Ayşe <&>",
    resident_language="nl",
    place="Westerdokseiland",
    tasks=["shopping", "digital_help"],
    languages=["tr"],
    slots=[(2, "afternoon")],
    note=None,
    owner_id=1,
    owner_name="Noor",
    volunteer_name=None,
    created_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
)
FACTS = ProposalFacts(
    proposal_id=9,
    status=ProposalStatus.VOLUNTEER,
    request=REQUEST,
    volunteer_id=3,
    volunteer_name="Vera",
    volunteer_place="Westerdokseiland",
)

#: Args each loaded coupling kind gets at send time (bot.domain.coupling.messages).
SAMPLE_ARGS = {
    "coupling_proposal_volunteer": {"proposal_id": 9, "proposal": FACTS},
    "coupling_proposal_resident": {"proposal_id": 9, "proposal": FACTS},
    "coupling_proposal_declined": {"proposal_id": 9, "by": "volunteer", "proposal": FACTS},
    "coupling_proposal_expired": {"proposal_id": 9, "by": "resident", "proposal": FACTS},
    "coupling_coupled": {
        "couple_id": 1,
        "role": "owner",
        "resident_name": "Ayşe",
        "resident_place": "Westerdokseiland",
        "volunteer_name": "Vera",
        "tasks": ["shopping"],
    },
    "coupling_request_raised": {"request_id": 5, "place": "Westerdokseiland"},
}


AYSE = iso("Ayşe &lt;&amp;&gt;")  # escaped, then isolated
AYSE_PLAIN = iso("Ayşe")
VERA = iso("Vera")


def _render(key: str, lang: str = "en", **extra: object):
    args = {**SAMPLE_ARGS[key], **extra}
    return render(_t(lang), message_key=key, action=None, area_name="", args=args)


def test_the_volunteer_sees_only_what_they_need_to_decide() -> None:
    text, keyboard = _render("coupling_proposal_volunteer")
    assert text == (
        f"Would you like to help <b>{AYSE}</b> from Westerdokseiland?\n"
        "Help with: Shopping, Digital help\nLanguages: Turkish\nTimes: Wed afternoon\n\n"
        f"If you say yes, we ask {AYSE} too. You answer within 2 days."
    )
    assert keyboard is not None
    data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert data == ["pv:9:y", "pv:9:n", "pv:9:l"]
    text, _ = _render("coupling_proposal_volunteer", "nl")
    assert text.startswith(f"Wil je <b>{AYSE}</b> uit Westerdokseiland helpen?")
    assert "Tijden: wo middag" in text or "Tijden: wo " in text


def test_the_resident_is_asked_in_their_language() -> None:
    text, keyboard = _render("coupling_proposal_resident", "nl")
    assert text == (
        f"Goed nieuws: <b>{VERA}</b> uit Westerdokseiland wil je graag helpen. "
        f"Wil je kennismaken met <b>{VERA}</b>?"
    )
    assert keyboard is not None
    labels = [(b.text, b.callback_data) for row in keyboard.inline_keyboard for b in row]
    assert labels == [("Ja", "pr:9:y"), ("Nee", "pr:9:n")]


def test_the_owner_hears_of_a_no_once_with_the_next_suggestions() -> None:
    text, keyboard = _render("coupling_proposal_declined")
    assert text == (
        f"<b>{VERA}</b> cannot help <b>{AYSE}</b>. "
        "The request is open again. Ask the next volunteer?"
    )
    assert keyboard is not None
    assert keyboard.inline_keyboard[0][0].callback_data == "cr:s:5"
    text, _ = _render("coupling_proposal_declined", by="resident")
    assert text.startswith(f"<b>{AYSE}</b> did not want to be introduced to")
    text, _ = _render("coupling_proposal_expired")
    assert text.startswith(f"<b>{AYSE}</b> did not answer in time")


def test_coupled_and_raised() -> None:
    text, keyboard = _render("coupling_coupled")
    assert text == (
        f"<b>{VERA}</b> and <b>{AYSE_PLAIN}</b> both said yes: they are now a couple. "
        "Plan their first meeting (kennismaking)."
    )
    assert keyboard is None
    text, keyboard = _render("coupling_request_raised", "nl")
    assert text == (
        "Een hulpvraag in Westerdokseiland wacht al 2 werkdagen en niemand heeft hem nog opgepakt."
    )
    assert keyboard is not None and keyboard.inline_keyboard[0][0].callback_data == "cr:o:5"
