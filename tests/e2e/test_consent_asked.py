"""Consent per purpose, versioned, asked at the next interaction (issue 9; real Application,
fake Bot API, SQLite and PostgreSQL).

Sign-up shows, per purpose of the invite's role, what is asked, why and for how long, and
stores one consent row per purpose with version and date. When a purpose's version goes up
(here: `consent.PURPOSES` is patched), the person is asked once at their next interaction,
before the features answer (the update itself is still answered), and nothing new is used
for them until they agree: no call for an action.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import consent
from bot.domain.consent import Purpose
from sandbox.fake_bot_api import FakeBotAPI
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.models import OutboxMessage, Person, PersonConsent
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
STARTS = dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC)
GONE = "This button no longer works."

VOLUNTEER_CONSENT = (
    "Before we start: what do we store?\n"
    "• your first name and your Telegram account, so we can send you messages (when many "
    "messages go out, also when your next message may go: kept for a day)\n"
    "• your role and your neighbourhood (buurt)\n"
    "• the answers you give here: for example what you like to do, when you can help, or "
    "what you would like help with\n\n"
    "What we use it for\n\n"
    "• Calls: we use your neighbourhood (buurt), what you like to do and the times you can "
    "help, to send you the actions that fit you. Your answers (yes, maybe, no) are kept until "
    "90 days after the action.\n"
    "• Coupling: to introduce a volunteer and a resident to each other, we use your buurt, "
    "the languages you speak, what you like to do or need help with, the times that suit you, "
    "and (for volunteers) how many couples you want and whether a coordinator met you. A "
    "volunteer who is asked sees only the resident's first name, buurt, tasks, languages and "
    "times. When you are coupled we keep when it started, the first meeting (date and place) "
    'and your answers to "How is it going?"; with your yes, a coordinator may hand your help '
    "request to a partner organisation.\n"
    "• Messages: the bot passes on your messages, voice notes and (only when you tap the "
    "button) your phone number to your coordinator or the person you are coupled with. We do "
    "not keep what you send; only which message went to whom, for 90 days, so replies find "
    "their way.\n"
    "• Attendance: after an action the coordinator notes who came, for the thank-you and for "
    "planning. Kept until you delete it, or the action is deleted.\n"
    "• Results: what you record after an action (conversations, streets, themes heard) is "
    "kept with your name until 90 days after the action; then only the counts stay.\n"
    "• How you found us: we note which invite link or flyer you used, so coordinators see "
    "which flyers work. It is deleted with your data.\n"
    "• Signals: a signal you send about a building, portiek or street (no names) goes to one "
    "partner organisation. We keep it with your name, so you hear their answer, until 90 days "
    "after it is done; then only the count stays.\n\n"
    "Who sees it? Only the coordinators of your neighbourhood network. We do not share it "
    "with anyone else.\n\n"
    "Seeing and removing it: send /mydata to see everything, /delete at any time and "
    "everything is deleted. Send /stop to stop all messages. If you send /stop or block the "
    "bot, everything about you is deleted after 365 days, without a message.\n\n"
    "Do you agree?"
)


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _consents(wijkbot: BotUnderTest, user_id: int) -> dict[str, tuple[int, str, dt.datetime]]:
    async with wijkbot.db.begin() as session:
        rows = await session.execute(
            select(PersonConsent)
            .join(Person, Person.id == PersonConsent.person_id)
            .where(Person.telegram_user_id == user_id)
        )
        return {c.purpose: (c.version, c.answer, c.given_at) for (c,) in rows.all()}


async def test_sign_up_states_each_purpose_and_stores_it_with_version_and_date(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    vera = fake.user(5001, "Vera", language_code="en")
    await vera.send(f"/start {token}")
    await tap(vera, "English")
    question = await vera.wait_for("Do you agree?")
    assert question.text == VOLUNTEER_CONSENT
    assert question.labels == ["I agree", "No, rather not"]
    await tap(vera, "I agree")
    await vera.wait_for("In which neighbourhood (buurt) do you live?")
    stored = await _consents(wijkbot, vera.id)
    assert {k: v[:2] for k, v in stored.items()} == {
        "calls": (1, "agreed"),
        "coupling": (2, "agreed"),
        "relaying": (1, "agreed"),
        "attendance": (1, "agreed"),
        "results": (1, "agreed"),
        "sign_up_source": (1, "agreed"),
        "signals": (1, "agreed"),
    }
    assert len({v[2] for v in stored.values()}) == 1  # one moment: when she agreed
    assert NOW <= stored["calls"][2] <= wijkbot.clock.now()

    # a coordinator's invite lists only what applies to coordinators, in Dutch too
    token = await make_invite(wijkbot, role="coordinator", area="Centrum")
    cor = fake.user(5002, "Cor", language_code="nl")
    await cor.send(f"/start {token}")
    await tap(cor, "Nederlands")
    nl = await cor.wait_for("Ga je akkoord?")
    used_for = nl.text.split("\n\n")[1:3]
    assert used_for == [
        "Waarvoor gebruiken we het?",
        "• Berichten: de bot geeft je berichten, spraakberichten en (alleen als je op de knop "
        "tikt) je telefoonnummer door aan je coördinator of aan je koppel. Wat je stuurt, "
        "bewaren we niet. We bewaren alleen welk bericht naar wie ging, 90 dagen lang, zodat "
        "antwoorden goed aankomen.",
    ]
    mark = cor.mark()
    await tap(cor, "Ik ga akkoord")
    await cor.wait_for("Centrum", after=mark)
    assert {k: v[:2] for k, v in (await _consents(wijkbot, cor.id)).items()} == {
        "relaying": (1, "agreed")
    }


async def test_a_new_version_is_asked_once_and_nothing_new_is_used_before(
    wijkbot: BotUnderTest, fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    vera = fake.user(5011, "Vera", language_code="en")
    await add_person(
        wijkbot,
        vera,
        role="volunteer",
        area="Haarlemmerbuurt",
        language="en",
        slots=[(5, "afternoon")],
    )
    coord = fake.user(5012, "Carla", language_code="en")
    await add_person(wijkbot, coord, role="coordinator", area="Centrum", language="en")
    signed_up = (await _consents(wijkbot, vera.id))["calls"][2]
    newer = tuple(
        Purpose(p.key, 2, p.roles) if p.key in ("calls", "attendance") else p
        for p in consent.PURPOSES
    )
    monkeypatch.setattr(consent, "PURPOSES", newer)

    # her next message: first the question, then the answer to what she sent
    mark = vera.mark()
    await vera.send("/help")
    question = await vera.wait_for("Something new", after=mark)
    assert question.text == (
        "Something new: may we use your data for this? Nothing new is used for you before "
        "you agree.\n\n"
        "• Calls: we use your neighbourhood (buurt), what you like to do and the times you can "
        "help, to send you the actions that fit you. Your answers (yes, maybe, no) are kept "
        "until 90 days after the action.\n"
        "• Attendance: after an action the coordinator notes who came, for the thank-you and "
        "for planning. Kept until you delete it, or the action is deleted.\n\n"
        "Tap a button for each. Send /mydata to see what is stored."
    )
    assert question.buttons == [
        ["Agree: calls for actions", "No, rather not"],
        ["Agree: who comes to actions", "No, rather not"],
    ]
    helped = await vera.wait_for("volunteer", after=question)
    assert helped.seq > question.seq  # the update was not lost: answered after the question
    stored = await _consents(wijkbot, vera.id)
    assert stored["coupling"] == (2, "agreed", signed_up)
    assert stored["relaying"] == stored["results"] == stored["sign_up_source"]
    assert stored["relaying"] == (1, "agreed", signed_up)
    assert stored["calls"][:2] == stored["attendance"][:2] == (2, "asked")
    assert signed_up < stored["calls"][2] <= wijkbot.clock.now()

    # asked once: the next message is answered without the question
    mark = vera.mark()
    await vera.send("/help")
    await vera.wait_for("volunteer", after=mark)
    assert not [m for m in vera.messages_after(mark) if "Something new" in m.text]

    # nothing new is used before she agrees: no call for an action
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(
            select(Person).where(Person.telegram_user_id == coord.id)
        )
        assert coordinator is not None
        _, plan = await make.planned_action(
            session, coordinator=coordinator, starts_at=STARTS, now=wijkbot.clock.now()
        )
    assert (plan.first_wave, plan.second_wave) == (0, 0)

    # she agrees to calls and says no to attendance, each press saved at once
    await tap(vera, "Agree: calls for actions")
    answer = await vera.wait_for_callback_answer()
    assert answer.text == "Saved: you agreed to calls for actions."
    await vera.wait_for(
        predicate=lambda m: m.message_id == question.message_id and len(m.buttons) == 1
    )
    mark = vera.mark()
    await tap(vera, "No, rather not")
    answer = await vera.wait_for_callback_answer()
    assert answer.text == "Saved: we do not use your data for who comes to actions."
    await vera.wait_for("Thank you, your answers are saved.", after=mark)
    answered = await _consents(wijkbot, vera.id)
    assert {k: v[:2] for k, v in answered.items()} == {
        "calls": (2, "agreed"),
        "attendance": (2, "refused"),
        "coupling": (2, "agreed"),
        "relaying": (1, "agreed"),
        "results": (1, "agreed"),
        "sign_up_source": (1, "agreed"),
        "signals": (1, "agreed"),
    }
    # old, repeated or forged answers change nothing
    for data in ("cs:calls:2:n", "cs:calls:1:y", "cs:attendance:2:y", "cs:photos:1:y", "cs:x"):
        await vera.press_data(data)
        assert (await vera.wait_for_callback_answer()).text == GONE, data
    assert await _consents(wijkbot, vera.id) == answered

    # with consent to calls, she is called for the next action
    async with wijkbot.db.begin() as session:
        coordinator = await session.scalar(
            select(Person).where(Person.telegram_user_id == coord.id)
        )
        assert coordinator is not None
        action, plan = await make.planned_action(
            session, coordinator=coordinator, starts_at=STARTS, now=wijkbot.clock.now()
        )
    assert plan.first_wave + plan.second_wave == 1
    async with wijkbot.db.begin() as session:
        calls = await session.scalars(
            select(OutboxMessage.chat_id).where(
                OutboxMessage.message_key == "action_call", OutboxMessage.action_id == action.id
            )
        )
        assert calls.all() == [vera.id]


async def test_no_question_before_stop_delete_or_mydata(
    wijkbot: BotUnderTest, fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    olga = fake.user(5021, "Olga", language_code="en")
    await add_person(wijkbot, olga, role="resident", area="Haarlemmerbuurt", language="en")
    monkeypatch.setattr(
        consent,
        "PURPOSES",
        tuple(Purpose(p.key, p.version + 1, p.roles) for p in consent.PURPOSES),
    )
    mark = olga.mark()
    await olga.send("/mydata")
    await olga.wait_for("What is stored about you", after=mark)
    assert not [m for m in olga.messages_after(mark) if "Something new" in m.text]
    assert {v[1] for v in (await _consents(wijkbot, olga.id)).values()} == {"agreed"}
