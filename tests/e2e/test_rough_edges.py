"""Rough edges an exploratory tester found on main, each kept as a regression test: the real
Application against the fake Bot API, on SQLite and PostgreSQL, in Dutch and English.

1. /start during sign-up said "paused, send /start to go on" and then went on at once.
2. A typed "ja" at the consent step left the consent message's buttons on screen.
3. An answer button on a cancelled action rewrote the call to a bare "this action has been
   cancelled", without the action's title and date.
4. /mijnacties told partner staff they would get calls, as if they were volunteers.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.domain import actions
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_partner, add_person, make_invite, tap
from storage.models import Person
from tests import factories as make

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)  # Monday

GOING_ON = {
    "nl": "Je was nog bezig met aanmelden. We gaan verder waar je was gebleven.",
    "en": "You were still signing up. Let's go on where you left off.",
}
LANGUAGE = {"nl": "Nederlands", "en": "English"}
AGREE = {"nl": "Ik ga akkoord", "en": "I agree"}
CONSENT_BUTTONS = {"nl": ["Ik ga akkoord", "Nee, liever niet"], "en": ["I agree", "No, rather not"]}
DO_YOU_AGREE = {"nl": "Ga je akkoord?", "en": "Do you agree?"}
BUURT_QUESTION = {
    "nl": "In welke buurt woon je?",
    "en": "In which neighbourhood (buurt) do you live?",
}
SPOKEN_QUESTION = {"nl": "Welke talen spreek je?", "en": "Which languages do you speak?"}


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _new_volunteer(wijkbot: BotUnderTest, fake: FakeBotAPI, user_id: int) -> FakeUser:
    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    user = fake.user(user_id, "Sam", language_code="en")
    await user.send(f"/start {token}")
    await user.wait_for("Which language do you prefer?")
    return user


# --- 1. /start during sign-up ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_start_during_sign_up_goes_on_at_the_same_step(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str
) -> None:
    """After consent: one plain line that we go on, then the step's question again; never
    "send /start to continue" (they just did)."""
    sam = await _new_volunteer(wijkbot, fake, 6101 if lang == "nl" else 6102)
    await tap(sam, LANGUAGE[lang])
    await tap(sam, AGREE[lang])
    await tap(sam, "Planciusbuurt Noord")
    await sam.wait_for(SPOKEN_QUESTION[lang])

    mark = sam.mark()
    await sam.send("/start")
    said = await sam.wait_for(GOING_ON[lang], after=mark)
    assert said.text == GOING_ON[lang]
    again = await sam.wait_for(SPOKEN_QUESTION[lang], after=said)
    assert [m.text for m in sam.messages_after(mark)] == [said.text, again.text]
    assert again.labels[-1] == ("Klaar" if lang == "nl" else "Done")
    async with wijkbot.db.begin() as session:  # the buurt chosen before is kept
        person = await session.scalar(select(Person).where(Person.telegram_user_id == sam.id))
        assert person is not None and person.buurt_id is not None


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_start_at_the_consent_step_asks_consent_again(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str
) -> None:
    """Before consent /start without a link used to say "stopped, nothing is stored" and
    then "you can only join with an invite link", though the person had just used one."""
    sam = await _new_volunteer(wijkbot, fake, 6103 if lang == "nl" else 6104)
    await tap(sam, LANGUAGE[lang])
    first = await sam.wait_for(DO_YOU_AGREE[lang])

    mark = sam.mark()
    await sam.send("/start")
    said = await sam.wait_for(GOING_ON[lang], after=mark)
    assert said.text == GOING_ON[lang]
    again = await sam.wait_for(DO_YOU_AGREE[lang], after=said)
    assert again.message_id != first.message_id and again.labels == CONSENT_BUTTONS[lang]
    await fake.settle()
    assert sam.message(first.message_id).labels == []  # only one consent on screen to press
    assert [m.text for m in sam.messages_after(mark)] == [first.text, said.text, again.text]

    await tap(sam, AGREE[lang], after=mark)
    await sam.wait_for(BUURT_QUESTION[lang], after=again)


async def test_start_at_the_language_step_asks_the_language_again(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    sam = await _new_volunteer(wijkbot, fake, 6105)
    mark = sam.mark()
    await sam.send("/start")
    said = await sam.wait_for(GOING_ON["en"], after=mark)  # Telegram's language: English
    await sam.wait_for("Which language do you prefer?", after=said)
    await tap(sam, "Nederlands", after=said)
    await sam.wait_for(DO_YOU_AGREE["nl"], after=said)


# --- 2. a typed "ja" at the consent step -----------------------------------------------------


@pytest.mark.parametrize(("lang", "typed"), [("nl", "ja"), ("en", "yes")])
async def test_a_typed_yes_at_consent_removes_its_buttons(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str, typed: str
) -> None:
    sam = await _new_volunteer(wijkbot, fake, 6201 if lang == "nl" else 6202)
    await tap(sam, LANGUAGE[lang])
    consent = await sam.wait_for(DO_YOU_AGREE[lang])
    assert consent.labels == CONSENT_BUTTONS[lang]
    mark = sam.mark()
    await sam.send(typed)
    await sam.wait_for(BUURT_QUESTION[lang], after=mark)
    await fake.settle()
    shown = sam.message(consent.message_id)
    assert shown.text == consent.text and shown.labels == []


async def test_a_typed_language_removes_the_language_buttons(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    sam = await _new_volunteer(wijkbot, fake, 6203)
    question = await sam.wait_for("Which language do you prefer?")
    await sam.send("nederlands")
    await sam.wait_for(DO_YOU_AGREE["nl"])
    await fake.settle()
    assert sam.message(question.message_id).labels == []


# --- 3. an answer button on a cancelled action -----------------------------------------------

CANCELLED = {
    "nl": f"{iso('Soep & <koffie>')}, zaterdag 6 december om 14:00: deze actie is geannuleerd.",
    "en": f"{iso('Soep & <koffie>')}, Saturday 6 December at 14:00: "
    "this action has been cancelled.",
}
TOAST = {"nl": "Deze actie is geannuleerd.", "en": "This action has been cancelled."}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_press_on_a_cancelled_call_keeps_its_title_and_date(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str
) -> None:
    carla = fake.user(6301, "Carla", language_code="en")
    coordinator = await add_person(
        wijkbot, carla, role="coordinator", area="Centrum", language="en"
    )
    vera = fake.user(6302, "Vera", language_code=lang)
    await add_person(
        wijkbot,
        vera,
        role="volunteer",
        area="Haarlemmerbuurt",
        language=lang,
        slots=[(5, "afternoon")],
    )
    async with wijkbot.db.begin() as session:
        action, _ = await make.planned_action(
            session,
            coordinator=coordinator,
            title="Soep & <koffie>",
            starts_at=dt.datetime(2031, 12, 6, 13, 0, tzinfo=dt.UTC),  # 14:00 in Amsterdam
            now=wijkbot.clock.now(),
        )
    call = await vera.wait_for("Soep & <koffie>")
    await wijkbot.outbox_idle()
    async with wijkbot.db.begin() as session:
        boss = await session.get(Person, coordinator.id)
        assert boss is not None
        await actions.cancel(
            session=session, coordinator=boss, action_id=action.id, now=wijkbot.clock.now()
        )
    await wijkbot.outbox_idle()

    mark = vera.mark()
    await vera.press("Nee" if lang == "nl" else "No", message_id=call.message_id)
    assert (await vera.wait_for_callback_answer()).text == TOAST[lang]
    closed = await vera.wait_for(predicate=lambda m: m.message_id == call.message_id, after=mark)
    assert closed.text == CANCELLED[lang]
    assert closed.labels == []


# --- 4. /mijnacties for partner staff --------------------------------------------------------

PARTNER_TEXT = {
    "nl": "Je doet mee voor een partnerorganisatie. Daarom krijg je geen oproepen om als "
    "vrijwilliger te helpen bij acties. Wat het buurtnetwerk aan jouw organisatie overdraagt, "
    "krijg je als bericht. Stuur /help om te zien wat je kunt doen.",
    "en": "You take part for a partner organisation, so you get no calls to help at actions "
    "as a volunteer. What the neighbourhood network hands over to your organisation comes to "
    "you as a message. Send /help to see what you can do.",
}


@pytest.mark.parametrize(("lang", "command"), [("nl", "/mijnacties"), ("en", "/myactions")])
async def test_my_actions_for_partner_staff_fits_their_role(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str, command: str
) -> None:
    pim = fake.user(6401, "Pim", language_code=lang)
    await add_partner(wijkbot, pim, organisation="buurtteam-centrum", language=lang)
    vera = fake.user(6402, "Vera", language_code=lang)
    await add_person(wijkbot, vera, role="volunteer", area="Jordaan", language=lang)

    await pim.send(command)
    said = await pim.wait_for(PARTNER_TEXT[lang][:30])
    assert said.text == PARTNER_TEXT[lang] and said.labels == []
    await vera.send(command)  # a volunteer still gets the volunteer's text
    told = await vera.wait_for("Yes" if lang == "en" else "Ja")
    assert told.text != PARTNER_TEXT[lang]


NOTHING_YET = {
    ("coordinator", "nl"): "Jij plant acties, dus je krijgt geen oproepen om als vrijwilliger "
    "te helpen. Stuur /acties om je acties te zien en wie er komt.",
    ("coordinator", "en"): "You plan actions, so you get no calls to help as a volunteer. "
    "Send /actions to see your actions and who is coming.",
    ("resident", "nl"): "Je hebt nog geen koppel. Stuur /hulpvraag om hulp te vragen of om te "
    "zien hoe het met je vraag staat.",
    ("resident", "en"): "You have no couple yet. Send /helprequest to ask for help or to see "
    "where your request stands.",
}


@pytest.mark.parametrize(("lang", "command"), [("nl", "/mijnacties"), ("en", "/myactions")])
async def test_my_actions_with_nothing_yet_fits_coordinators_and_residents(
    wijkbot: BotUnderTest, fake: FakeBotAPI, lang: str, command: str
) -> None:
    carla = fake.user(6411, "Carla", language_code=lang)
    await add_person(wijkbot, carla, role="coordinator", area="Centrum", language=lang)
    ayse = fake.user(6412, "Ayse", language_code=lang)
    await add_person(wijkbot, ayse, role="resident", area="Jordaan", language=lang)

    for user, role in ((carla, "coordinator"), (ayse, "resident")):
        mark = user.mark()
        await user.send(command)
        said = await user.wait_for(NOTHING_YET[(role, lang)][:25], after=mark)
        assert said.text == NOTHING_YET[(role, lang)] and said.labels == []
