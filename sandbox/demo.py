"""`wijkbot demo`: the whole story, played by people, against a fake Bot API server.

Starts the fake Telegram Bot API server in-process (127.0.0.1), the real bot against it
(real Application, long polling, outbox dispatcher on the JobQueue) on a temporary SQLite
database, and plays: a coordinator in Centrum invites volunteers and residents of the
Haarlemmerbuurt, plans a klaptafel for Saturday afternoon that needs 6 volunteers and sends
the call; volunteers answer with one tap, late "Ja" answers go on the waiting list, the
coordinator sees who comes, someone drops out and the waiting list moves up, and the
reminders arrive the day before and two hours before (the demo moves the clock forward);
the day before, one more volunteer drops out with nobody waiting: the coordinator gets an
urgent notice and taps "Roep opnieuw op", and one of those called again takes the place;
at the klaptafel two volunteers record their results (conversations, a theme heard) from
the reminder, and afterwards the coordinator gets the overview (text, chart, CSV).
Then coupling (issue 6): the coordinator marks two volunteers ready for coupling, takes on
the help request a resident made when signing up, sees the suggestions with their reasons
and asks one volunteer; the volunteer and the resident say Ja and are introduced, the
volunteer writes through the bot, and a week later both are asked "Hoe gaat het?".
Then it prints every chat, person by person. Exit code 0 when the story played out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.domain.vocabulary import Role
from bot.i18n import Translator
from bot.runtime import migrate_and_seed
from bot.views.people import day_part_label, language_label, task_label
from sandbox.demo_coupling import couple, urgent_drop_out
from sandbox.demo_transcript import condense, condense_sign_up
from sandbox.fake_bot_api import FakeBotAPI, FakeUser
from sandbox.harness import TEST_TOKEN, BotUnderTest, make_invite, tap

LINK = re.compile(r"https://t\.me/\S+\?start=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Volunteer:
    """A volunteer of the story: name, buurt, spoken languages, tasks, free on Saturday pm?"""

    name: str
    buurt: str
    languages: tuple[str, ...]
    tasks: tuple[str, ...]
    saturday_afternoon: bool
    language: str = "nl"


VOLUNTEERS = (
    Volunteer("Anouk", "Haarlemmerbuurt Oost", ("nl", "en"), ("street_stand", "company"), True),
    Volunteer(
        "Mehmet", "Haarlemmerbuurt West", ("nl", "tr"), ("street_stand", "interpreting"), True
    ),
    Volunteer("Sanne_*[de]*", "Planciusbuurt Noord", ("nl",), ("street_stand",), True),
    Volunteer(
        "Fatima", "Planciusbuurt Zuid", ("nl", "ar", "ber"), ("doorstep", "street_stand"), True
    ),
    Volunteer("Joost", "Westelijke eilanden", ("nl",), ("odd_jobs", "street_stand"), True),
    Volunteer(
        "Lisa", "Westerdokseiland", ("nl", "en"), ("digital_help", "street_stand"), True, "en"
    ),
    Volunteer("Rachid", "Haarlemmerbuurt West", ("nl", "ar"), ("street_stand", "paperwork"), True),
    Volunteer("Ingrid", "Haarlemmerbuurt Oost", ("nl",), ("shopping", "street_stand"), True),
    Volunteer("Kees", "Planciusbuurt Noord", ("nl",), ("odd_jobs",), False),
    Volunteer("Priya", "Westerdokseiland", ("en", "nl"), ("digital_help",), False, "en"),
    Volunteer("Wim", "Westelijke eilanden", ("nl", "pap"), ("company", "shopping"), False),
    Volunteer("Esra", "Planciusbuurt Zuid", ("nl", "tr"), ("interpreting", "doorstep"), False),
)

RESIDENTS = (  # name, buurt, language, would like help with, can offer
    ("Yusuf", "Haarlemmerbuurt West", "nl", ("paperwork", "digital_help"), ("company",)),
    ("Maria", "Westerdokseiland", "en", ("shopping",), ("interpreting",)),
    ("Henk", "Planciusbuurt Noord", "nl", ("company", "odd_jobs"), ()),
)


class Story:
    """Plays the demo; `t` is the translator of the demo's language (for button labels)."""

    def __init__(self, bot: BotUnderTest, fake: FakeBotAPI, lang: str) -> None:
        self.bot, self.fake, self.lang = bot, fake, lang
        assert bot.services is not None
        self.i18n = bot.services.i18n
        self.people: list[tuple[str, FakeUser]] = []
        self.epilogue: list[str] = []
        self.suggestions = ""  # what the coordinator saw before asking a volunteer
        self.next_id = 7001

    def t(self, lang: str | None = None) -> Translator:
        return self.i18n.translator(lang or self.lang)

    def user(self, name: str, role: str, lang: str) -> FakeUser:
        user = self.fake.user(self.next_id, name, language_code=lang)
        self.next_id += 1
        self.people.append((role, user))
        return user

    async def sign_up(self, user: FakeUser, token: str, lang: str) -> None:
        """/start with the invite, choose the language, agree."""
        t = self.t(lang)
        await user.send(f"/start {token}")
        await tap(user, "Nederlands" if lang == "nl" else "English")
        await tap(user, t.gettext("I agree"))

    async def choose(self, user: FakeUser, labels: list[str], done: str, mark: int) -> int:
        """Tap each label on the question sent after `mark`, then the done button.

        Returns the mark taken just before tapping done (the next question comes after it).
        """
        for label in labels:
            await tap(user, f"⬜ {label}", after=mark)
            await user.wait_for(predicate=lambda m, lb=label: f"✅ {lb}" in m.labels)
        next_mark = user.mark()
        await tap(user, done, after=mark)
        return next_mark

    async def coordinator_invite(self, coord: FakeUser, role_label: str) -> str:
        """The coordinator makes an invite for all of the Haarlemmerbuurt in the chat."""
        t = self.t()
        mark = coord.mark()
        await coord.send("/uitnodigen" if self.lang == "nl" else "/invite")
        await tap(coord, role_label)
        await tap(coord, "Centrum-West ›")
        await tap(coord, "Haarlemmerbuurt ›")
        await tap(coord, t.gettext("All of {area}", area="Haarlemmerbuurt"))
        message = await coord.wait_for(predicate=lambda m: bool(LINK.search(m.text)), after=mark)
        await coord.wait_for(predicate=lambda m: m.kind == "photo", after=mark)
        match = LINK.search(message.text)
        assert match is not None
        return match[1]

    async def play(self) -> None:
        t, clock = self.t(), self.bot.clock
        # 1. The first coordinator comes in with an invite made on the command line.
        token = await make_invite(self.bot, role="coordinator", area="Centrum", max_uses=1)
        coord = self.user("Noor (netwerkmanager)", "coordinator", self.lang)
        await self.sign_up(coord, token, self.lang)
        await coord.wait_for(
            t.gettext(
                "Thank you, {name}! You are now a coordinator for {area}.",
                name=coord.first_name,
                area="Centrum",
            )
        )

        # 2. Volunteers sign up with the invite link from a flyer.
        token = await self.coordinator_invite(coord, t.gettext("Volunteer"))
        for v in VOLUNTEERS:
            user = self.user(v.name, "volunteer", v.language)
            vt = self.t(v.language)
            await self.sign_up(user, token, v.language)
            mark = user.mark()
            await tap(user, v.buurt)
            done = vt.gettext("Done")
            mark = await self.choose(user, [language_label(vt, c) for c in v.languages], done, mark)
            mark = await self.choose(user, [task_label(vt, c) for c in v.tasks], done, mark)
            slots = [(5, "afternoon")] if v.saturday_afternoon else [(1, "evening")]
            labels = [f"{vt.short_weekday(w)} {day_part_label(vt, p)}" for w, p in slots]
            await self.choose(user, labels, done, mark)
            await user.wait_for(vt.gettext("Send /help to see what you can do."))

        # 3. Residents scan the flyer for residents.
        token = await self.coordinator_invite(coord, t.gettext("Resident"))
        for name, buurt, lang, wants, offers in RESIDENTS:
            user = self.user(name, "resident", lang)
            rt = self.t(lang)
            await self.sign_up(user, token, lang)
            mark = user.mark()
            await tap(user, buurt)
            done = rt.gettext("Done")
            mark = await self.choose(user, [task_label(rt, c) for c in wants], done, mark)
            await self.choose(user, [task_label(rt, c) for c in offers], done, mark)
            await user.wait_for(rt.gettext("Send /help to see what you can do."))
        # The coordinator is told of each resident who would like help; the last one (Henk)
        # comes before the planning starts, not between its taps.
        await self.bot.outbox_idle()
        await coord.wait_for(predicate=lambda m: "Planciusbuurt Noord" in m.text)

        # 4. The coordinator plans a klaptafel next Saturday 14:00-17:00 for 6 volunteers.
        today = clock.now().astimezone(t.tz).date()
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
        if saturday - today < dt.timedelta(days=2):
            saturday += dt.timedelta(days=7)
        await coord.send("/nieuweactie" if self.lang == "nl" else "/newaction")
        await tap(coord, t.gettext("Street stand"))
        await coord.wait_for(t.gettext("Type a short title for the action."))
        await coord.send("Klaptafel op het Haarlemmerplein")
        await tap(coord, "Haarlemmerbuurt")
        await tap(coord, t.gettext("All of {area}", area="Haarlemmerbuurt"))
        await coord.wait_for(
            t.gettext(
                "Where do the volunteers meet? Type an address or a place, "
                "for example: Nieuwmarkt 4, at the door."
            )
        )
        await coord.send("Haarlemmerplein, bij de Westerpoort")
        await tap(coord, t.short_date(saturday), timeout=10)
        await coord.wait_for(t.gettext("What time does it start? Type it like 14:00."))
        await coord.send("14:00")
        await coord.wait_for(t.gettext("What time does it end? Type it like 16:00."))
        await coord.send("17:00")
        await tap(coord, "6")
        await tap(coord, t.gettext("Yes, send the call"))
        await self.bot.outbox_idle()

        # 5. Volunteers answer with one tap; the 7th "yes" goes on the waiting list.
        volunteers = [u for role, u in self.people if role == "volunteer"]
        answers = ["Yes"] * 7 + ["Maybe"]
        for user, answer in zip(volunteers[:8], answers, strict=True):
            vt = self.t(user.language_code)
            await tap(user, vt.gettext(answer), timeout=10)
            await user.wait_for_callback_answer()
        await tap(volunteers[0], self.t(volunteers[0].language_code).gettext("Yes"))  # twice

        # 6. The coordinator looks who is coming.
        await coord.send("/acties" if self.lang == "nl" else "/actions")
        await coord.wait_for(predicate=lambda m: any("Klaptafel" in lb for lb in m.labels))
        label = next(lb for lb in coord.last.labels if "Klaptafel" in lb)
        mark = coord.mark()
        await tap(coord, label)
        waiting = t.gettext("Waiting list")
        await coord.wait_for(predicate=lambda m: waiting in m.text, after=mark)  # the roster

        # 7. Someone drops out: the first on the waiting list moves up and is told, and the
        # coordinator gets one short notice saying who left and who took the place.
        dropper = volunteers[2]
        mark = coord.mark()  # the notice, not the roster above (which names her too)
        await tap(dropper, self.t(dropper.language_code).gettext("No"))
        await self.bot.outbox_idle()
        await coord.wait_for(
            predicate=lambda m: dropper.first_name in m.text and not m.edited,
            after=mark,
            timeout=10,
        )
        await asyncio.sleep(0.5)

        # 7b. The coordinator moves the klaptafel half an hour later (issue 7 item 1):
        # everyone who answered Ja or Misschien or waits gets one message saying what changed,
        # and those with a calendar file get a newer one.
        await tap(coord, t.gettext("Refresh"))
        await tap(coord, t.gettext("Change"), timeout=10)
        await tap(coord, t.gettext("Date and time"), timeout=10)
        await tap(coord, t.short_date(saturday), timeout=10)
        await coord.wait_for(t.gettext("What time does it start? Type it like 14:00."))
        await coord.send("14:30")
        await coord.wait_for(t.gettext("What time does it end? Type it like 16:00."))
        await coord.send("17:30")
        await tap(coord, t.gettext("Save changes"), timeout=10)
        await self.bot.outbox_idle()
        await asyncio.sleep(0.5)

        # 8. Time passes: the day before at 14:30, then two hours before the start.
        start_local = dt.datetime.combine(saturday, dt.time(14, 30), tzinfo=t.tz)
        clock.set(start_local - dt.timedelta(days=1) + dt.timedelta(minutes=1))
        await asyncio.sleep(0.3)
        await self.bot.outbox_idle(timeout=20)
        await urgent_drop_out(self, coord, volunteers)
        clock.set(start_local - dt.timedelta(hours=2) + dt.timedelta(minutes=1))
        await asyncio.sleep(0.3)
        await self.bot.outbox_idle(timeout=20)
        await asyncio.sleep(1.5)
        # The coordinator looks again (a new roster: the first one keeps what she saw then).
        mark = coord.mark()
        await coord.send("/acties" if self.lang == "nl" else "/actions")
        listing = await coord.wait_for(
            predicate=lambda m: any("Klaptafel" in lb for lb in m.labels), after=mark
        )
        # the label shows the new start time since the edit of step 7b
        label = next(lb for lb in listing.labels if "Klaptafel" in lb)
        await tap(coord, label, after=mark)
        await asyncio.sleep(0.5)

        # 9. At the klaptafel: two volunteers record their results from the reminder.
        clock.set(start_local + dt.timedelta(hours=2))
        for user, talks, theme in (
            (volunteers[0], "5", "loneliness"),
            (volunteers[1], "3", "money_worries"),
        ):
            vt = self.t(user.language_code)
            await self.record_results(user, vt, talks, theme)

        # 10. After the action the coordinator looks at the overview: text, chart and CSV.
        clock.set(start_local + dt.timedelta(hours=4))
        await coord.send("/overzicht" if self.lang == "nl" else "/overview")
        mark = coord.mark()
        await tap(coord, t.gettext("Last 4 weeks"))
        csv_file = await coord.wait_for(predicate=lambda m: m.kind == "document", after=mark)
        chart = await coord.wait_for(predicate=lambda m: m.kind == "photo", after=mark)
        text = await coord.wait_for(t.gettext("Overview {area}", area="Centrum"), after=mark - 1)
        png = chart.photo or b""
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        rows = (csv_file.document or b"").decode("utf-8-sig").count("\r\n")
        self.epilogue = [
            *self.epilogue,
            text.text,
            f"[chart: PNG {width} x {height} px] [CSV: {csv_file.document_name}, {rows} lines]",
        ]

        await coord.wait_for(t.gettext("Who came?"))  # the prompt after the action, first
        await self.bot.outbox_idle()

        # 11. Coupling (issue 6), the Monday after: Yusuf asked for help when he signed up.
        monday = saturday + dt.timedelta(days=2)
        clock.set(dt.datetime.combine(monday, dt.time(10, 0), tzinfo=t.tz))
        await couple(self, coord, volunteers)

    async def record_results(self, user: FakeUser, vt: Translator, talks: str, theme: str) -> None:
        """Tap "Record results" under the 2-hour reminder, a number, a theme, then Done."""
        from bot.domain.results import default_themes

        name = next(th.name(vt.language) for th in default_themes() if th.key == theme)
        mark = user.mark()
        await tap(user, vt.gettext("📝 Record results"))
        await tap(user, talks, after=mark)
        mark = user.mark()
        await user.wait_for(vt.gettext("Conversations: {n}", n=talks), after=mark - 1)
        await tap(user, f"⬜ {name}")
        await user.wait_for(predicate=lambda m: f"✅ {name}" in m.labels, after=mark)
        mark = user.mark()
        await tap(user, vt.gettext("Done"))
        done = await user.wait_for(predicate=lambda m: not m.labels, after=mark)
        self.epilogue = [*self.epilogue, f"{user.first_name}: {done.text}"]

    def transcripts(self) -> str:
        """Every chat, person by person, made short enough to read (see `condense`)."""
        seen: set[str] = set()
        signed_up: set[tuple[str, str | None]] = set()
        out = []
        for role, user in self.people:
            out.append(f"\n===== {user.first_name} ({role}, {user.language_code}) =====")
            lines = user.final_transcript().splitlines()
            if role in (Role.VOLUNTEER, Role.RESIDENT):
                if (role, user.language_code) in signed_up:
                    lines = condense_sign_up(lines, user.first_name, role)
                signed_up.add((role, user.language_code))
            out.extend(condense(lines, seen))
        if self.epilogue:  # last: what the klaptafel brought, then the overview
            heading = {
                "nl": "Opbrengst van de klaptafel, en het overzicht",
                "en": "Results of the street stand (klaptafel), and the overview",
            }[self.lang]
            out.append(f"\n===== {heading} =====")
            out.extend(self.epilogue)
        if self.suggestions:  # the coordinator's chat shows only the message's last state
            heading = {
                "nl": "Wat Noor zag voordat ze Rachid vroeg",
                "en": "What Noor saw before she asked Rachid",
            }[self.lang]
            out.append(f"\n===== {heading} =====")
            out.append(self.suggestions)
        return "\n".join(out)


async def run_demo(*, lang: str = "nl", verbose: bool = False) -> int:
    """Play the story and print the transcripts. Returns the exit code (0: it played)."""
    from bot.app import quiet_loggers

    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    quiet_loggers()
    tmp = Path(tempfile.mkdtemp(prefix="wijkbot-demo-"))
    async with FakeBotAPI(token=TEST_TOKEN, bot_username="wijkbot_demo_bot") as fake:
        settings = BotUnderTest.settings_for(
            fake,
            f"sqlite:///{tmp / 'demo.db'}",
            default_language=lang,
            outbox_tick_seconds=0.2,
            # The story's people tap at machine speed (a whole sign-up in well under a
            # second); the per-user throttle is for people flooding the bot, not for them.
            throttle_max_updates=1000,
        )
        migrate_and_seed(settings)
        # The story starts at 10:00 today (Amsterdam), whatever the real hour: outside the
        # quiet hours (QUIET_HOURS), so its calls go out at once.
        clock = Clock()
        clock.set(
            dt.datetime.combine(
                clock.now().astimezone(settings.tz).date(), dt.time(10, 0), tzinfo=settings.tz
            )
        )
        bot = BotUnderTest(fake, settings, clock)
        await bot.start()
        # The story runs the coupling jobs itself, at its moments (`sandbox.demo_coupling`),
        # as the tests do: on the JobQueue they would run at a real-time moment that falls
        # somewhere else in the story on a slower or faster machine.
        for name in ("coupling", "coupling-checkins"):
            for job in bot.application.job_queue.get_jobs_by_name(name):
                job.schedule_removal()
        story = Story(bot, fake, lang)
        try:
            await story.play()
        except AssertionError as exc:
            print(story.transcripts())
            print(f"\nThe demo did not play out: {exc}", file=sys.stderr)
            return 1
        finally:
            await bot.stop()
    print(
        "wijkbot demo: a klaptafel in the Haarlemmerbuurt, then a volunteer and a resident "
        "coupled, told chat by chat."
    )
    print(
        "'>' is what a person typed or tapped, '<' what the bot sent, with the last buttons it "
        "had; '< (edited)' is a message the bot rewrote."
    )
    print(story.transcripts())
    return 0
