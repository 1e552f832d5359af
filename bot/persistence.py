"""A python-telegram-bot persistence backed by the project's own database.

PTB ships PicklePersistence (a file) and DictPersistence (memory) only; neither shares the
bot's database or works for several processes, hence this small class. It stores
conversation states and user_data as JSON rows in `ptb_state`; chat_data, bot_data and
callback_data are not used by wijkbot and not stored.

Values must be JSON-serialisable (the handlers keep only str/int/list/dict in user_data).
Conversation keys are tuples of ints; they are stored as JSON arrays.

Inside an update the writes go through the update's unit of work (`bot.unit_of_work`), so
they commit together with the update's own work; outside one (PTB's periodic flush, shutdown)
each write has its own short transaction. A value equal to what was last read or written is
not written again (PTB asks to save a user's data after every update of that user).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot import unit_of_work
from storage.db import Database
from storage.models import PersistedState

CONV_PREFIX = "conversation:"


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """PTB persistence in the `ptb_state` table.

    `update_interval` (seconds) is PTB's periodic flush; the bot also flushes after every
    update (see bot.app), so a crash loses at most the update being handled.
    """

    def __init__(self, db: Database, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.db = db
        # (kind, key) -> the JSON text last read from or written to the database
        self._known: dict[tuple[str, str], str] = {}
        # PTB saves user_data and conversations concurrently (asyncio.gather); one session
        # allows one operation at a time, so the writes take turns.
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._lock:
            uow = unit_of_work.current()
            if uow is not None:
                yield uow.session
                return
            async with self.db.begin() as session:
                yield session

    def forget(self, kind: str, key: str) -> None:
        """Forget what is known of a row (after it was deleted behind PTB's back)."""
        self._known.pop((kind, key), None)

    async def _upsert(self, kind: str, key: str, value: Any) -> None:
        text = json.dumps(value, sort_keys=True)
        if self._known.get((kind, key)) == text:
            return
        self._known[(kind, key)] = text
        async with self._session() as session:
            row = await session.get(PersistedState, (kind, key))
            now = dt.datetime.now(dt.UTC)
            if row is None:
                session.add(PersistedState(kind=kind, key=key, value=value, updated_at=now))
            else:
                row.value = value
                row.updated_at = now

    async def _delete(self, kind: str, key: str) -> None:
        if (kind, key) not in self._known:
            return  # never stored (all rows are read at start-up, see get_*)
        self._known.pop((kind, key))
        async with self._session() as session:
            await session.execute(
                delete(PersistedState).where(PersistedState.kind == kind, PersistedState.key == key)
            )

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        async with self.db.begin() as session:
            rows = await session.scalars(
                select(PersistedState).where(PersistedState.kind == "user_data")
            )
            found = {int(row.key): dict(row.value) for row in rows.all()}
        for user_id, value in found.items():
            self._known[("user_data", str(user_id))] = json.dumps(value, sort_keys=True)
        return found

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        if data:
            await self._upsert("user_data", str(user_id), json.loads(json.dumps(data)))
        else:
            await self._delete("user_data", str(user_id))

    async def drop_user_data(self, user_id: int) -> None:
        await self._delete("user_data", str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.db.begin() as session:
            rows = await session.scalars(
                select(PersistedState).where(PersistedState.kind == CONV_PREFIX + name)
            )
            found = {row.key: row.value for row in rows.all()}
        for key, value in found.items():
            self._known[(CONV_PREFIX + name, key)] = json.dumps(value, sort_keys=True)
        return {tuple(json.loads(key)): value for key, value in found.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        kind = CONV_PREFIX + name
        if new_state is None:
            await self._delete(kind, json.dumps(list(key)))
        else:
            await self._upsert(kind, json.dumps(list(key)), new_state)

    # Not stored (see PersistenceInput above); PTB still requires the methods.
    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def get_callback_data(self) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def flush(self) -> None:
        return None


def forget_user(application: Application[Any, Any, Any, Any, Any, Any], user_id: int) -> int:
    """Drop everything PTB holds in memory about one Telegram user: their user_data and
    every conversation state whose key (chat id, user id) holds the id, in every
    ConversationHandler. Persistent conversations are tracked dicts, so the next flush
    deletes their `ptb_state` rows too (erasure deletes them at once as well:
    `bot.domain.erasure.delete_ptb_state`). Returns the number of conversation states
    dropped. Call it after erasure and after retention purged a sign-up.
    """
    dropped = 0
    for handlers in application.handlers.values():
        for handler in handlers:
            if not isinstance(handler, ConversationHandler):
                continue
            conversations = handler._conversations  # PTB keeps no public accessor
            for key in [k for k in conversations if user_id in k]:
                del conversations[key]
                dropped += 1
    if user_id in application.user_data:
        application.drop_user_data(user_id)
    return dropped
