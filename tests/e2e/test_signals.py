"""Place signals (issue 10 §3), on SQLite and PostgreSQL: a volunteer who came to an action
sends a signal to Ymere (the warning line under the question), Ymere's staff pick it up and
the volunteer and the coordinator are told; a signal to the buurtteam nobody picks up is
brought to the coordinators after 5 working days over Christmas; partner staff see and
answer only their own organisation's signals (every command and forged button tried with
real ids); retention removes the text and the sender, the counts stay."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.coupling_job import run_coupling_tick
from bot.domain import export, retention, signal_jobs, signals
from bot.domain.overview import build_overview
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_partner, add_person, tap
from storage.areas import find_area
from storage.models import Organisation, Person, Signal
from tests.storage.test_results import add_action

AMS = ZoneInfo("Europe/Amsterdam")
STALE_NL = "Deze knop werkt niet meer."
LEAK = "Lekkage in portiek Haarlemmerstraat 12, 3 bewoners hebben er last van"
WARNING_NL = "⚠️ Straat en huisnummer mogen. Geen etage of flatnummer, geen namen."
WARNING_EN = "⚠️ Street and house number are fine. No flat numbers, no names."


async def _person(bot: BotUnderTest, user: FakeUser) -> Person:
    async with bot.db.begin() as session:
        found = await session.scalar(select(Person).where(Person.telegram_user_id == user.id))
        assert found is not None
        return found


async def _org(bot: BotUnderTest, key: str) -> Organisation:
    async with bot.db.begin() as session:
        found = await session.scalar(select(Organisation).where(Organisation.key == key))
        assert found is not None
        return found


async def _signal(bot: BotUnderTest, sender: FakeUser, org_key: str, text: str) -> int:
    """A coordinator's signal, stored through the domain (set-up)."""
    org = await _org(bot, org_key)
    async with bot.db.begin() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == sender.id))
        assert person is not None
        sent = await signals.send_signal(
            session=session,
            sender=person,
            organisation_id=org.id,
            text=text,
            now=bot.clock.now(),
        )
        return sent.signal.id


async def test_a_volunteer_signals_ymere_and_ymere_picks_it_up(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    wijkbot.clock.set(dt.datetime(2031, 12, 6, 15, 0, tzinfo=AMS))  # during the klaptafel
    olga = fake.user(8101, "Olga")
    vera = fake.user(8102, "Vera")
    yara = fake.user(8103, "Yara")
    dirk = fake.user(8104, "Dirk")
    await add_person(wijkbot, olga, role="coordinator", area="Centrum-West")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt")
    await add_partner(wijkbot, yara, organisation="ymere-centrum")
    await add_partner(wijkbot, dirk, organisation="dock-centrum")
    me = await _person(wijkbot, vera)
    async with wijkbot.db.begin() as session:
        start = wijkbot.clock.now() - dt.timedelta(hours=1)
        action = await add_action(
            session, starts_at=start, ends_at=start + dt.timedelta(hours=3), volunteers=(me,)
        )
        action_id = action.id

    # From the results screen: "Signaal over een plek" starts it for this action.
    await vera.send("/opbrengst")
    await vera.wait_for("Opbrengst: Klaptafel")
    mark = vera.mark()
    await tap(vera, "📣 Signaal over een plek")
    question = await vera.wait_for("Naar welke organisatie?", after=mark)
    assert question.text.split("\n") == [
        "Signaal over een plek",
        "Iets over een gebouw, een portiek of de openbare ruimte in Haarlemmerbuurt West dat "
        "een organisatie moet oppakken.",
        "Na: Klaptafel",
        "Gaat het over een persoon? Dan niet hier. Als de bewoner ja zegt, kan een coördinator "
        "het doorzetten (/doorzetten). Zorgen om iemand? /zorgen",
        "",
        "Naar welke organisatie?",
    ]
    assert question.labels == [
        "Buurtteam Amsterdam Centrum",
        "DOCK Centrum",
        "Gebiedsmakelaar Centrum (gemeente)",
        "Ymere",
    ]
    mark = vera.mark()
    await vera.press("Ymere", message_id=question.message_id)
    asked = await vera.wait_for("Typ het signaal voor Ymere", after=mark)
    assert asked.text.split("\n") == [
        "Typ het signaal voor Ymere: wat is er aan de hand, en waar (hoogstens 500 tekens).",
        WARNING_NL,  # the warning line under the question
    ]
    mark = vera.mark()
    await vera.send("x" * 501)  # too long: refused, the warning again
    again = await vera.wait_for("Typ 3 tot 500 tekens", after=mark)
    assert again.text.split("\n") == [
        "Typ 3 tot 500 tekens; dit waren er 501. Stuur /annuleer om te stoppen.",
        WARNING_NL,
    ]
    mark = vera.mark()
    await vera.send(LEAK)
    done = await vera.wait_for("Dank je.", after=mark)
    assert done.text == "Dank je. Je signaal is naar Ymere gegaan. Je hoort hun antwoord."

    notice = await yara.wait_for("Signaal voor Ymere")
    assert notice.text.split("\n") == [
        "Signaal voor Ymere",
        "Haarlemmerbuurt West · Klaptafel",
        LEAK,
        "Geef antwoord: opgepakt, afgerond of niet voor ons.",
    ]
    assert notice.buttons == [["Opgepakt", "Afgerond", "Niet voor ons"]]
    await wijkbot.outbox_idle()
    assert dirk.messages == []  # DOCK's staff get nothing

    mark = yara.mark()
    await yara.press("Opgepakt", message_id=notice.message_id)
    shown = await yara.wait_for("Stand: opgepakt", after=mark)
    assert shown.buttons == [["Afgerond", "Niet voor ons"], ["Alle signalen"]]
    told = f"Ymere heeft het signaal over Haarlemmerbuurt West opgepakt: «{LEAK}»"
    assert (await vera.wait_for("Ymere heeft het signaal")).text == told
    assert (await olga.wait_for("Ymere heeft het signaal")).text == told
    staff = await _person(wijkbot, yara)
    async with wijkbot.db.begin() as session:
        stored = await session.scalar(select(Signal))
        assert stored is not None
        assert (stored.status, stored.text, stored.action_id) == ("picked_up", LEAK, action_id)
        assert (stored.sender_id, stored.answered_by_id) == (me.id, staff.id)
    # Opgepakt again changes nothing and tells nobody again.
    mark = yara.mark()
    await yara.press_data(f"sg:r:{stored.id}:p")
    await yara.wait_for_callback_answer()
    await wijkbot.outbox_idle()
    assert len([m for m in vera.messages if "Ymere heeft" in m.text]) == 1


async def test_a_buurtteam_signal_nobody_picks_up_is_raised_after_5_working_days_over_christmas(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    # Monday 21 December 2026, 10:00. Friday 25 December (Eerste Kerstdag) is a public
    # holiday and 26 December a Saturday: 5 working days end on Tuesday 29 December, 10:00.
    wijkbot.clock.set(dt.datetime(2026, 12, 21, 10, 0, tzinfo=AMS))
    noor = fake.user(8201, "Noor", language_code="en")
    sanne = fake.user(8202, "Sanne")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum-West", language="en")
    await add_partner(wijkbot, sanne, organisation="buurtteam-centrum")
    await noor.send("/signal")
    mark = noor.mark()
    await tap(noor, "Buurtteam Amsterdam Centrum")
    asked = await noor.wait_for("Type the signal for Buurtteam Amsterdam Centrum", after=mark)
    assert asked.text.endswith("\n" + WARNING_EN)
    await noor.send("Speeltuin Westerdok: kapotte verlichting, jongeren voelen zich onveilig")
    await noor.wait_for("Thank you. Your signal went to Buurtteam Amsterdam Centrum.")
    await sanne.wait_for("Signaal voor Buurtteam Amsterdam Centrum")

    wijkbot.clock.set(dt.datetime(2026, 12, 28, 10, 1, tzinfo=AMS))  # 4 working days
    assert (await run_coupling_tick(wijkbot.services)).signals_raised == []
    wijkbot.clock.set(dt.datetime(2026, 12, 29, 10, 1, tzinfo=AMS))  # the 5th
    tick = await run_coupling_tick(wijkbot.services)
    assert len(tick.signals_raised) == 1
    raised = await noor.wait_for("in 5 working days")
    assert raised.text == (
        "Nobody has picked up this signal to Buurtteam Amsterdam Centrum about Centrum-West "
        "in 5 working days: «Speeltuin Westerdok: kapotte verlichting, jongeren voelen zich "
        "onveilig»"
    )
    assert raised.labels == ["View"]
    # Once per period: the next runs that day raise nothing.
    assert (await run_coupling_tick(wijkbot.services)).signals_raised == []
    wijkbot.clock.set(dt.datetime(2026, 12, 29, 16, 0, tzinfo=AMS))
    assert (await run_coupling_tick(wijkbot.services)).signals_raised == []

    # The staff member says it is not for them, with a typed reason; Noor hears it once.
    mark = sanne.mark()
    await tap(sanne, "Niet voor ons")
    await sanne.wait_for("Waarom is het niet voor Buurtteam Amsterdam Centrum?", after=mark)
    await sanne.send("Dit is voor de gemeente (verlichting)")
    await sanne.wait_for("Stand: niet voor ons (Dit is voor de gemeente (verlichting))")
    answer = await noor.wait_for("says the signal about Centrum-West is not for them")
    assert answer.text.startswith(
        "Buurtteam Amsterdam Centrum says the signal about Centrum-West is not for them "
        "(Dit is voor de gemeente (verlichting)): «Speeltuin"
    )
    await wijkbot.outbox_idle()
    assert len([m for m in noor.messages if "not for them" in m.text]) == 1
    # Answered: never raised again.
    wijkbot.clock.set(dt.datetime(2027, 1, 15, 10, 0, tzinfo=AMS))
    assert (await run_coupling_tick(wijkbot.services)).signals_raised == []


async def test_partner_staff_see_and_answer_only_their_own_organisations_signals(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    wijkbot.clock.set(dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS))
    olga = fake.user(8301, "Olga")
    yara = fake.user(8302, "Yara")
    sanne = fake.user(8303, "Sanne")
    vera = fake.user(8304, "Vera")
    await add_person(wijkbot, olga, role="coordinator", area="Centrum-West")
    await add_partner(wijkbot, yara, organisation="ymere-centrum")
    await add_partner(wijkbot, sanne, organisation="buurtteam-centrum")
    await add_person(wijkbot, vera, role="volunteer", area="Haarlemmerbuurt")
    ymere_id = await _signal(wijkbot, olga, "ymere-centrum", "Schimmel in portiek Zoutkeetsgracht")
    team_id = await _signal(wijkbot, olga, "buurtteam-centrum", "Veel eenzaamheid Westerdok 4")
    team = await _org(wijkbot, "buurtteam-centrum")
    await yara.wait_for("Signaal voor Ymere")
    await sanne.wait_for("Signaal voor Buurtteam")

    # /signalen: Yara sees only Ymere's signal, with one button.
    mark = yara.mark()
    await yara.send("/signalen")
    listing = await yara.wait_for("Signalen", after=mark)
    assert "Ymere" in listing.text and "Schimmel" in listing.text
    assert "Buurtteam" not in listing.text and "eenzaamheid" not in listing.text
    assert listing.button_data and set(listing.button_data.values()) == {f"sg:v:{ymere_id}"}
    # Every signal button, forged with the buurtteam signal's real id: stale, nothing changes.
    for data in (
        f"sg:v:{team_id}",
        f"sg:r:{team_id}:p",
        f"sg:r:{team_id}:d",
        f"sg:n:{team_id}",
        f"sg:o:{team.id}:0",  # partners do not send signals
        "sg:a:1",
    ):
        mark = yara.mark()
        await yara.press_data(data)
        assert (await yara.wait_for_callback_answer()).text == STALE_NL, data
        await wijkbot.handled()
        assert yara.messages_after(mark) == [] or all(
            "eenzaamheid" not in m.text for m in yara.messages_after(mark)
        ), data
    notice = await yara.wait_for("Signaal voor Ymere")
    mark = yara.mark()
    await yara.press_data("sg:l:0", message_id=notice.message_id)  # a page: only Ymere's
    page = await yara.wait_for("Signalen", after=mark)
    assert "eenzaamheid" not in page.text and "Schimmel" in page.text
    mark = yara.mark()
    await yara.send("/signaal")  # partners cannot send one
    refused = await yara.wait_for("Coördinatoren kunnen een signaal sturen", after=mark)
    assert "eenzaamheid" not in refused.text
    # A typed text after a forged "Niet voor ons" is not taken as a reason.
    await yara.press_data(f"sg:n:{team_id}")
    await yara.wait_for_callback_answer()
    await yara.send("Niet voor ons hoor")
    await wijkbot.handled()
    async with wijkbot.db.begin() as session:
        stored = await session.get(Signal, team_id)
        assert stored is not None
        assert (stored.status, stored.reason, stored.answered_by_id) == ("open", None, None)

    # The coordinator sees both, per organisation; a volunteer sees none.
    mark = olga.mark()
    await olga.send("/signalen")
    both = await olga.wait_for("Signalen", after=mark)
    lines = both.text.split("\n")
    assert lines[0] == "Signalen"
    assert lines.index("Buurtteam Amsterdam Centrum") < lines.index("Ymere")
    assert any("open: Veel eenzaamheid Westerdok 4" in line for line in lines)
    mark = vera.mark()
    await vera.send("/signalen")
    no = await vera.wait_for(after=mark)
    assert no.text == "Alleen coördinatoren en medewerkers van partners zien signalen."
    await vera.press_data(f"sg:v:{team_id}")
    assert (await vera.wait_for_callback_answer()).text == STALE_NL
    # Ymere answers its own: fine.
    mark = yara.mark()
    await yara.press_data(f"sg:r:{ymere_id}:d")
    await yara.wait_for("Stand: afgerond", after=mark)
    await olga.wait_for("Ymere heeft het signaal over Centrum-West afgerond")


async def test_retention_removes_text_and_sender_and_keeps_the_counts(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    t0 = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
    wijkbot.clock.set(t0)
    olga = fake.user(8401, "Olga")
    yara = fake.user(8402, "Yara")
    await add_person(wijkbot, olga, role="coordinator", area="Centrum-West")
    await add_partner(wijkbot, yara, organisation="ymere-centrum")
    signal_id = await _signal(wijkbot, olga, "ymere-centrum", "Kapotte voordeur Planciusstraat 3")
    staff = await _person(wijkbot, yara)
    coordinator = await _person(wijkbot, olga)
    async with wijkbot.db.begin() as session:
        await signals.answer_signal(
            session=session,
            signal_id=signal_id,
            partner=staff,
            answer=signals.SignalStatus.DONE,
            now=t0.astimezone(dt.UTC),
        )
        mine = await export.personal_data(session=session, person=coordinator)
        assert [s["text"] for s in mine.signals] == ["Kapotte voordeur Planciusstraat 3"]

    async def purge(days: int) -> int:
        async with wijkbot.db.begin() as session:
            report = await retention.purge(
                session=session,
                now=(t0 + dt.timedelta(days=days)).astimezone(dt.UTC),
                tz=AMS,
                periods=retention.RetentionPeriods(),
            )
            return report.signals_purged

    assert await purge(89) == 0
    assert await purge(91) == 1
    assert await purge(92) == 0  # once
    async with wijkbot.db.begin() as session:
        stored = await session.get(Signal, signal_id)
        assert stored is not None
        assert (stored.text, stored.reason, stored.sender_id, stored.answered_by_id) == (
            None,
            None,
            None,
            None,
        )
        assert stored.status == "done" and stored.purged_at is not None
        person = await session.get(Person, coordinator.id)
        assert person is not None
        assert (await export.personal_data(session=session, person=person)).signals == []
        centrum = await find_area(session, "Centrum")
        assert centrum is not None
        overview = await build_overview(
            session=session,
            area_id=centrum.id,
            first_day=dt.date(2031, 11, 1),
            last_day=dt.date(2031, 12, 31),
            now=(t0 + dt.timedelta(days=91)).astimezone(dt.UTC),
            tz=AMS,
        )
        assert overview.signal_organisations == ["Ymere"]
        assert overview.total.signals == {("Ymere", "done"): 1}
        team = await session.scalar(
            select(Organisation).where(Organisation.key == "buurtteam-centrum")
        )
        assert team is not None
        theirs = await build_overview(  # what the buurtteam's staff get: not Ymere's
            session=session,
            area_id=centrum.id,
            first_day=dt.date(2031, 11, 1),
            last_day=dt.date(2031, 12, 31),
            now=(t0 + dt.timedelta(days=91)).astimezone(dt.UTC),
            tz=AMS,
            suppress_below=5,
            signals_of=team.id,
        )
        assert theirs.signal_organisations == [] and theirs.total.signals == {}
        assert signal_jobs.SIGNAL_KEEP_DAYS == 90
    # The coordinator's /signalen shows it without its text.
    mark = olga.mark()
    await olga.send("/signalen")
    listing = await olga.wait_for("Signalen", after=mark)
    assert "afgerond: –" in listing.text
    assert iso("Olga") not in listing.text
