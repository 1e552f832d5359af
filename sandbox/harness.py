"""Run the real wijkbot Application against a FakeBotAPI (tests and `wijkbot demo`).

`BotUnderTest` starts, stops and restarts the real PTB Application with long polling over
HTTP on 127.0.0.1; `add_person` inserts a signed-up person directly (fast test set-up);
`sign_up` walks the real onboarding flow as a person would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from telegram import Update

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.context import Services
from bot.domain import availability, invites, people
from bot.runtime import make_services
from sandbox.fake_bot_api import WAIT_SECONDS, FakeBotAPI, FakeUser
from sandbox.fake_bot_api.messages import visible
from storage.areas import find_area
from storage.models import Area, Organisation, OutboxMessage, Person

TEST_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


class BotUnderTest:
    """The real Application, polling `fake`, with services on `settings.database_url`."""

    def __init__(self, fake: FakeBotAPI, settings: Settings, clock: Clock | None = None) -> None:
        self.fake = fake
        self.settings = settings
        self.clock = clock or Clock()
        self.application: Any = None
        self.services: Services | None = None

    @staticmethod
    def settings_for(fake: FakeBotAPI, database_url: str, **overrides: Any) -> Settings:
        """Settings pointing at the fake server (fast outbox ticks for tests)."""
        values: dict[str, Any] = {
            "telegram_bot_token": fake.token,
            "telegram_api_base_url": fake.base_url.removesuffix("/bot"),
            "database_url": database_url,
            "outbox_tick_seconds": 0.1,
            "_env_file": None,
        }
        values.update(overrides)
        return Settings(**values)

    async def start(self) -> None:
        """Build and start the Application (as `wijkbot run` would) and start polling."""
        self.services = make_services(self.settings, self.clock)
        self.application = build_application(
            self.services,
            token=self.settings.telegram_bot_token.get_secret_value(),  # type: ignore[union-attr]
            base_url=self.settings.bot_api_base_url(),
            base_file_url=self.settings.bot_api_file_url(),
        )
        await self.application.initialize()
        if self.application.post_init:
            await self.application.post_init(self.application)
        await self.application.start()
        await self.application.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        """Stop polling and the Application (flushes persistence), close the database."""
        if self.application is None:
            return
        if self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        if self.application.post_shutdown:  # as run_polling does: stops the outbox loop
            await self.application.post_shutdown(self.application)
        assert self.services is not None
        await self.services.db.dispose()
        self.application = None

    async def restart(self) -> None:
        """Stop and start a brand-new Application on the same database (a restart)."""
        await self.stop()
        await self.start()

    @property
    def db(self) -> Any:
        assert self.services is not None
        return self.services.db

    async def handled(self, timeout: float = WAIT_SECONDS) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched every update sent so far and finished handling it
        (its replies sent, its transaction and persistence written). Outbox messages are
        not included: see `outbox_idle`.

        Exact, not a quiet period: the fake server drops an update only when the bot asks
        for the next ones (PTB's updater has put it in `update_queue` by then), and PTB
        marks each queued update done after its handlers ran (`update_queue.join()`).

        Raises:
            AssertionError: if that does not happen within `timeout` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.fake.pending_updates:
            if loop.time() > deadline:
                raise AssertionError(f"updates still unfetched after {timeout}s")
            await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(
                self.application.update_queue.join(), max(deadline - loop.time(), 0.01)
            )
        except TimeoutError:
            raise AssertionError(f"updates still being handled after {timeout}s") from None

    async def outbox_idle(self, timeout: float = WAIT_SECONDS) -> None:  # noqa: ASYNC109
        """Wait until no outbox row is due and unsent (pending/sending with due_at <= now)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            async with self.db.begin() as session:
                busy = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(
                        OutboxMessage.status.in_(("pending", "sending")),
                        OutboxMessage.due_at <= self.clock.now(),
                    )
                )
            if not busy:
                return
            if loop.time() > deadline:
                raise AssertionError(f"outbox still has {busy} due messages after {timeout}s")
            await asyncio.sleep(0.05)


async def add_person(
    bot: BotUnderTest,
    user: FakeUser,
    *,
    role: str,
    area: str,
    buurt: str | None = None,
    language: str = "nl",
    slots: Iterable[tuple[int, str]] = (),
    offers: Iterable[str] = (),
) -> Person:
    """Insert a person who finished onboarding (test set-up; skips the chat flow)."""
    now = bot.clock.now()
    async with bot.db.begin() as session:
        home = await find_area(session, area)
        assert home is not None, area
        new = await invites.create_invite(session=session, role=role, area=home, now=now)
        person = await people.register(
            session=session,
            token=new.token,
            telegram_user_id=user.id,
            chat_id=user.id,
            first_name=user.first_name,
            language=language,
            now=now,
        )
        if buurt is not None:
            found = await find_area(session, buurt)
            assert found is not None, buurt
            await people.set_buurt(session=session, person=person, buurt_id=found.id)
        await availability.set_slots(session=session, person_id=person.id, slots=set(slots))
        await people.set_offers(session=session, person=person, tasks=offers)
        people.finish_onboarding(person=person, now=now)
    return person


async def add_partner(
    bot: BotUnderTest, user: FakeUser, *, organisation: str, language: str = "nl"
) -> Person:
    """Insert a partner organisation's staff member (test set-up; skips the chat flow).
    `organisation` is the organisation's key in the organisations file."""
    now = bot.clock.now()
    async with bot.db.begin() as session:
        org = await session.scalar(select(Organisation).where(Organisation.key == organisation))
        assert org is not None, organisation
        home = await session.get(Area, org.area_id)
        assert home is not None
        new = await invites.create_invite(
            session=session, role="partner", area=home, now=now, organisation_id=org.id
        )
        person = await people.register(
            session=session,
            token=new.token,
            telegram_user_id=user.id,
            chat_id=user.id,
            first_name=user.first_name,
            language=language,
            now=now,
        )
        people.finish_onboarding(person=person, now=now)
    return person


async def make_invite(
    bot: BotUnderTest,
    *,
    role: str,
    area: str,
    max_uses: int | None = None,
    valid_for: dt.timedelta | None = None,
) -> str:
    """Create an invite directly; returns the token."""
    async with bot.db.begin() as session:
        home = await find_area(session, area)
        assert home is not None, area
        new = await invites.create_invite(
            session=session,
            role=role,
            area=home,
            now=bot.clock.now(),
            max_uses=max_uses,
            valid_for=valid_for,
        )
        return new.token


async def tap(
    user: FakeUser,
    label: str,
    *,
    after: int | None = None,
    timeout: float = WAIT_SECONDS,  # noqa: ASYNC109
) -> str:
    """Wait until a button with this label is on screen, then press it (as a person would).

    `after` (a `user.mark()`): only a message sent or edited after that mark counts, so a
    test never presses the same label on an older message by accident. Name-isolation marks
    (FSI/PDI) in labels are ignored, as a person does not see them.
    """
    message = await user.wait_for(
        predicate=lambda m: visible(label) in [visible(x) for x in m.labels],
        after=after,
        timeout=timeout,
    )
    return await user.press(label, message_id=message.message_id)
