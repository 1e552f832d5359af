"""Typed context (PTB `ContextTypes`) giving handlers the process's services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot

from bot import unit_of_work
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import I18n
from storage.db import Database
from storage.models import Person

if TYPE_CHECKING:
    from bot.delivery.dispatcher import OutboxDispatcher


@dataclass
class Services:
    """Everything wired once at start-up (see `bot.app.build_application`)."""

    settings: Settings
    db: Database
    i18n: I18n
    clock: Clock
    dispatcher: OutboxDispatcher | None = None


class WijkContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """`context.services` and shortcuts for the database, clock and translations.

    Inside an update, `context.uow` is the update's unit of work (`bot.unit_of_work`):
    `context.session` is its one session and `await context.person()` its person.
    """

    @property
    def uow(self) -> unit_of_work.UnitOfWork:
        """The unit of work of the update being handled (RuntimeError outside an update)."""
        uow = unit_of_work.current()
        if uow is None:
            raise RuntimeError("no unit of work: context.uow is only valid inside an update")
        return uow

    @property
    def session(self) -> AsyncSession:
        """The update's session; its transaction commits after all handlers ran."""
        return self.uow.session

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[AsyncSession]:
        """A SAVEPOINT in the update's transaction: an exception inside undoes only this block.

        Domain errors raised by a flow (e.g. `ActionFull`) thus leave nothing half-written,
        while the update keeps its one transaction (the commit happens after all handlers).
        """
        async with self.session.begin_nested():
            yield self.session

    async def person(self) -> Person | None:
        """The signed-up person of the update's user, or None (resolved once per update)."""
        return await self.uow.person()

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def i18n(self) -> I18n:
        return self.services.i18n


AnyApplication = Application[Any, WijkContext, dict[str, Any], dict[str, Any], dict[str, Any], Any]
