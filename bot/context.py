"""Typed context (PTB `ContextTypes`) giving handlers the process's services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import I18n
from storage.db import Database

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
    """`context.services` and shortcuts for the database, clock and translations."""

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


WijkApplication = Application[Any, WijkContext, dict[str, Any], dict[str, Any], dict[str, Any], Any]
