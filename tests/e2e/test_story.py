"""The issue's story end to end, in Dutch: a coordinator plans a klaptafel, volunteers
answer, the server answers 429 and 403 on the way, reminders arrive, and reminders that fell
due while the bot was down are sent (before the start) or dropped and counted (after it).

Clock: Monday 1 December 2031 10:00 in Amsterdam; the klaptafel is Saturday 6 December
14:00-17:00 (13:00-16:00 UTC).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.domain.text import isolate as iso
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import BotUnderTest, add_person, make_invite, tap
from storage.models import Action, OutboxMessage, Person, Rsvp

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2031, 12, 1, 10, 0, tzinfo=AMS)
START = dt.datetime(2031, 12, 6, 14, 0, tzinfo=AMS)
CALL = "Nieuwe actie in Haarlemmerbuurt: kun je helpen?"


@pytest.fixture(autouse=True)
def _fixed_clock(clock: Clock) -> None:
    clock.set(NOW)


async def _plan_klaptafel(wijkbot: BotUnderTest, fake: FakeBotAPI, needed: int) -> FakeUser:
    """Noor plans the action through the chat, in Dutch."""
    noor = fake.user(3000, "Noor", language_code="nl")
    await add_person(wijkbot, noor, role="coordinator", area="Centrum", language="nl")
    await noor.send("/nieuweactie")
    await tap(noor, "Klaptafel")
    await noor.wait_for("Typ een korte titel")
    await noor.send("Klaptafel *Haarlemmerplein* [zaterdag]")
    await tap(noor, "Haarlemmerbuurt")
    await tap(noor, "Heel Haarlemmerbuurt")
    await noor.wait_for("Waar spreken de vrijwilligers af?")
    await noor.send("Haarlemmerplein & Westerpoort")
    await tap(noor, "za 6 dec")
    await noor.wait_for("Hoe laat begint het?")
    await noor.send("14:00")
    await noor.wait_for("Hoe laat is het afgelopen?")
    await noor.send("17:00")
    await tap(noor, str(needed))
    preview = await noor.wait_for("Kijk de actie even na")
    assert "Wanneer: zaterdag 6 december, van 14:00 tot 17:00" in preview.text
    assert "Waar: Haarlemmerplein & Westerpoort, Haarlemmerbuurt" in preview.text
    await tap(noor, "Ja, stuur de oproep")
    return noor


async def test_klaptafel_fills_up_with_429_and_403_on_the_way(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    volunteers = []
    for i in range(8):
        user = fake.user(3101 + i, f"Vrijwilliger{i + 1}", language_code="nl")
        await add_person(
            wijkbot,
            user,
            role="volunteer",
            area="Haarlemmerbuurt",
            buurt="Planciusbuurt Noord",
            slots={(5, "afternoon")},
        )
        volunteers.append(user)
    blocked = volunteers[-1]
    blocked.block(notify=False)  # blocked the bot without the bot noticing yet
    fake.fail_next("sendMessage", 429, retry_after=1, chat_id=volunteers[0].id)

    noor = await _plan_klaptafel(wijkbot, fake, needed=6)
    planned = await noor.wait_for("is gepland")
    assert "8 vrijwilligers krijgen nu de oproep." in planned.text

    for user in volunteers[:-1]:
        call = await user.wait_for(CALL)
        assert call.labels == ["Ja", "Misschien", "Nee"]
    await wijkbot.outbox_idle()
    # The 429 paused sending and the call was retried, not lost and not doubled.
    assert len([m for m in volunteers[0].messages if CALL in m.text]) == 1
    assert any(r.status == 429 for r in fake.requests if r.chat_id == volunteers[0].id)

    for user in volunteers[:7]:
        await tap(user, "Ja")
        await user.wait_for_callback_answer()
    full = await volunteers[6].wait_for("Je antwoord: Ja")
    assert "de actie is vol. Je bent nummer 1 op de wachtlijst." in full.text

    await noor.send("/acties")
    await tap(noor, "za 6 dec 14:00 · Klaptafel *Haarlemmerplein* [zaterdag]")
    roster = await noor.wait_for("plekken bezet")
    assert "6 van 6 plekken bezet" in roster.text
    assert f"Wachtlijst (1): {iso('Vrijwilliger7')}" in roster.text  # isolated name
    assert "We kunnen 1 vrijwilliger niet bereiken: de bot is geblokkeerd" in roster.text

    async with wijkbot.db.begin() as session:
        action = await session.scalar(select(Action))
        assert action.confirmed_count == 6
        statuses = dict(
            (await session.execute(select(Rsvp.status, func.count()).group_by(Rsvp.status))).all()
        )
        assert statuses == {"confirmed": 6, "waitlisted": 1}
        gone = await session.scalar(select(Person).where(Person.telegram_user_id == blocked.id))
        assert gone.unreachable_at is not None
        blocked_rows = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "blocked")
        )
        assert blocked_rows == 1
    # A 403 is never retried.
    assert len([r for r in fake.requests if r.chat_id == blocked.id]) == 1


async def test_reminders_survive_a_restart_and_late_ones_are_dropped(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    anna = fake.user(3201, "Anna", language_code="nl")
    await add_person(
        wijkbot, anna, role="volunteer", area="Haarlemmerbuurt", slots={(5, "afternoon")}
    )
    await _plan_klaptafel(wijkbot, fake, needed=2)
    await anna.wait_for(CALL)
    await tap(anna, "Ja")
    await anna.wait_for("Je antwoord: Ja — tot dan!")
    async with wijkbot.db.begin() as session:
        due = dict(
            (
                await session.execute(
                    select(OutboxMessage.message_key, OutboxMessage.due_at).where(
                        OutboxMessage.message_key.like("reminder%")
                    )
                )
            ).all()
        )
    # The day before at 14:00 and two hours before, on the Amsterdam wall clock.
    assert due == {
        "reminder_24h": (START - dt.timedelta(days=1)).astimezone(dt.UTC),
        "reminder_2h": (START - dt.timedelta(hours=2)).astimezone(dt.UTC),
    }

    await wijkbot.stop()  # the bot is down while the 24-hour reminder falls due
    clock.set(START - dt.timedelta(hours=20))  # Friday 18:00: "tomorrow" is still true
    await wijkbot.start()
    late = await anna.wait_for("Herinnering: morgen help je")
    assert "Klaptafel *Haarlemmerplein* [zaterdag]" in late.text
    assert late.labels == ["Ik kan toch niet"]  # giving up the place is one tap away

    await wijkbot.stop()  # down while the 2-hour reminder falls due, back before the start
    clock.set(START - dt.timedelta(minutes=50))
    await wijkbot.start()
    soon = await anna.wait_for("Vandaag om 14:00 begint de actie. Tot straks!")
    assert "Klaptafel *Haarlemmerplein* [zaterdag]" in soon.text


async def test_reminders_that_are_no_longer_true_are_dropped_and_counted(
    wijkbot: BotUnderTest, fake: FakeBotAPI, clock: Clock
) -> None:
    bram = fake.user(3202, "Bram", language_code="nl")
    await add_person(
        wijkbot, bram, role="volunteer", area="Haarlemmerbuurt", slots={(5, "afternoon")}
    )
    await _plan_klaptafel(wijkbot, fake, needed=2)
    await bram.wait_for(CALL)
    await tap(bram, "Ja")
    await bram.wait_for("Je antwoord: Ja — tot dan!")

    await wijkbot.stop()  # down from Monday until after the start on Saturday
    clock.set(START + dt.timedelta(minutes=30))
    await wijkbot.start()
    await wijkbot.outbox_idle()
    assert not any("Herinnering" in m.text or "Straks" in m.text for m in bram.messages)
    async with wijkbot.db.begin() as session:
        statuses = dict(
            (
                await session.execute(
                    select(OutboxMessage.message_key, OutboxMessage.status).where(
                        OutboxMessage.message_key.like("reminder%")
                    )
                )
            ).all()
        )
    assert statuses == {"reminder_24h": "expired", "reminder_2h": "expired"}


async def test_late_joiners_and_returners_get_the_calls_of_open_actions(
    wijkbot: BotUnderTest, fake: FakeBotAPI
) -> None:
    early = fake.user(3301, "Eerst", language_code="nl")
    await add_person(
        wijkbot, early, role="volunteer", area="Haarlemmerbuurt", slots={(5, "afternoon")}
    )
    await early.send("/stop")
    await early.wait_for("Oké, je krijgt geen berichten meer van mij")
    await _plan_klaptafel(wijkbot, fake, needed=4)
    await wijkbot.outbox_idle()
    assert not any(CALL in m.text for m in early.messages)  # stopped: no call

    await early.send("/start")
    call = await early.wait_for(CALL)  # back: the open action's call comes
    assert call.labels == ["Ja", "Misschien", "Nee"]

    token = await make_invite(wijkbot, role="volunteer", area="Haarlemmerbuurt")
    late = fake.user(3302, "Laat", language_code="nl")
    await late.send(f"/start {token}")
    await tap(late, "Nederlands")
    await tap(late, "Ik ga akkoord")
    await tap(late, "Westerdokseiland")
    await tap(late, "Klaar")  # languages
    mark = late.mark()
    await tap(late, "Klaar", after=mark)  # tasks
    mark = late.mark()
    await tap(late, "Klaar", after=mark)  # availability
    await late.wait_for("Bedankt, Laat!")
    await late.wait_for(CALL)  # joined after the call went out: gets it too


async def test_cancel_during_a_slow_broadcast_tells_everyone_who_got_the_call(
    fake: FakeBotAPI, database_url: str, clock: Clock
) -> None:
    """Found by a tester: calls still on their way went out after the cancel, and those
    people were never told.

    No timing: the fake server holds every sendMessage to the volunteers, and the outbox
    takes 2 rows per tick (a tick waits for its sends), so the test decides the order:
    calls 1-2 delivered, calls 3-4 on their way (held at the server), the coordinator
    cancels, calls 3-4 arrive after the cancel, calls 5-8 never go out.
    """
    bot = BotUnderTest(
        fake, BotUnderTest.settings_for(fake, database_url, outbox_batch_size=2), clock
    )
    volunteers = [fake.user(3401 + i, f"Snel{i + 1}", language_code="nl") for i in range(8)]
    gate = fake.hold("sendMessage", [u.id for u in volunteers])
    await bot.start()
    try:
        for user in volunteers:
            await add_person(
                bot, user, role="volunteer", area="Haarlemmerbuurt", slots={(5, "afternoon")}
            )
        noor = await _plan_klaptafel(bot, fake, needed=6)
        await noor.wait_for("8 vrijwilligers krijgen nu de oproep.")

        first = await gate.wait_held(2)  # the first tick's two calls, at the server
        gate.release()
        delivered = {r.chat_id for r in first}
        for user in volunteers:
            if user.id in delivered:
                await user.wait_for(CALL)
        on_the_way = {r.chat_id for r in await gate.wait_held(2)}  # the second tick's two
        assert on_the_way.isdisjoint(delivered)

        await tap(noor, "Wie komt er?")
        await tap(noor, "Actie annuleren")
        await tap(noor, "Ja, annuleren")
        await noor.wait_for("De actie is geannuleerd")
        assert {r.chat_id for r in gate.held} == on_the_way  # still on their way
        gate.open()  # they arrive after the cancel
        await bot.outbox_idle()
        await fake.settle()
        async with bot.db.begin() as session:
            calls = dict(
                (
                    await session.execute(
                        select(OutboxMessage.status, func.count())
                        .where(OutboxMessage.message_key == "action_call")
                        .group_by(OutboxMessage.status)
                    )
                ).all()
            )
    finally:
        gate.open()
        await bot.stop()

    assert calls == {"sent": 4, "cancelled": 4}
    called = {u.id for u in volunteers if any(CALL in m.text for m in u.messages)}
    told = {
        u.id
        for u in volunteers
        if any("gaat niet door: je hoeft niet te komen" in m.text for m in u.messages)
    }
    assert called == delivered | on_the_way  # the cancel stopped the other four calls
    assert told == called  # and everyone who got the call heard it is off
    for user in volunteers:
        if user.id in called:  # the call first, the notice after it
            texts = [m.text for m in user.messages]
            assert (
                len(texts) == 2
                and CALL in texts[0]
                and "gaat niet door: je hoeft niet te komen" in texts[1]
            ), texts
