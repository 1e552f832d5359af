"""What tests and the demo call on the server: people, updates, inspection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from sandbox.fake_bot_api.chats import FakeChannel, FakeChat
from sandbox.fake_bot_api.gate import WAIT_SECONDS
from sandbox.fake_bot_api.limits import JSONDict
from sandbox.fake_bot_api.messages import RequestRecord
from sandbox.fake_bot_api.state import ServerState
from sandbox.fake_bot_api.users import FakeUser


class Controls(ServerState):
    """People, updates and inspection of :class:`~sandbox.fake_bot_api.FakeBotAPI`."""

    # -- people ------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "nl",
        *,
        started: bool = True,
    ) -> FakeUser:
        """The person with this id (created on first call; later calls return the same one).

        Args:
            user_id: Telegram user id (> 0); also the private chat id.
            first_name, last_name, username, language_code: profile (``language_code`` is
                what the client reports, e.g. ``"nl"``, ``"en"``; ``None`` to omit it).
            started: whether the user has already talked to the bot. With ``False`` the bot
                gets 403 ``Forbidden: bot can't initiate conversation with a user`` until the
                user sends something.
        """
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = FakeUser(self, user_id, first_name, last_name, username, language_code, started)
        self.users[user_id] = user
        self._chats[user_id] = user
        return user

    def channel(
        self,
        chat_id: int = -1001234567890,
        title: str = "Wijknieuws",
        username: str | None = None,
    ) -> FakeChannel:
        """The channel with this id (created on first call)."""
        existing = self._chats.get(chat_id)
        if isinstance(existing, FakeChannel):
            return existing
        if chat_id >= 0:
            raise ValueError("channel ids are negative")
        channel = FakeChannel(self, chat_id, title, username)
        self._chats[chat_id] = channel
        if self._default_channel is None:
            self._default_channel = channel
        return channel

    def chat(self, chat_id: int) -> FakeChat:
        """The user or channel with this chat id (``KeyError`` if unknown)."""
        return self._chats[chat_id]

    async def channel_post(self, text: str, *, chat_id: int | None = None) -> JSONDict:
        """Post in a channel (the first/default one, created if needed): ``channel_post``."""
        channel = (
            self.channel(chat_id)
            if chat_id is not None
            else (self._default_channel or self.channel())
        )
        return await channel.post(text)

    def transcript(self, chat: FakeChat | int) -> str:
        """The readable chat log of a user/channel (see :meth:`FakeChat.transcript`)."""
        if isinstance(chat, int):
            chat = self._chats[chat]
        return chat.transcript()

    # -- updates -----------------------------------------------------------------------------

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Enqueue a raw update for ``getUpdates``; ``update_id`` is assigned if missing.

        Returns:
            The enqueued update (with its ``update_id``).
        """
        update = dict(update)
        self._touch()
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"])) + 1
        self._pending.append(update)
        self.updates.append(update)
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result("update")
        return update

    @property
    def pending_updates(self) -> int:
        """Number of updates not yet confirmed by the bot (via ``offset``)."""
        return len(self._pending)

    # -- inspection -------------------------------------------------------------------------

    def requests_for(
        self, method: str | None = None, chat_id: int | str | None = None
    ) -> list[RequestRecord]:
        """Recorded requests of a method (case-insensitive) and/or chat."""
        return [
            r
            for r in self.requests
            if (method is None or r.method.lower() == method.lower())
            and (chat_id is None or r.chat_id == chat_id)
        ]

    async def wait_for_request(
        self,
        method: str,
        *,
        predicate: Callable[[RequestRecord], bool] | None = None,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline, not a cancellation scope
        since: int = 0,
    ) -> RequestRecord:
        """Wait until a *finished* request of ``method`` (at index >= ``since`` in
        :attr:`requests`) matches ``predicate``; return it.

        Raises:
            AssertionError: on timeout.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for record in self.requests[since:]:
                if (
                    record.status
                    and record.method.lower() == method.lower()
                    and (predicate is None or predicate(record))
                ):
                    return record
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for a {method} call")
            await self._wait_change(remaining)

    async def settle(
        self,
        quiet: float = 0.2,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline, not a cancellation scope
    ) -> None:
        """Wait until the bot has fetched every update and made no call (other than its long
        poll) for ``quiet`` seconds. Handy before asserting that nothing (more) happened.

        Raises:
            AssertionError: if that does not happen within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            idle = now - self._last_activity
            if not self._pending and idle >= quiet and not self._busy:
                return
            if now >= deadline:
                raise AssertionError(
                    f"the bot did not settle within {timeout}s ({len(self._pending)} updates "
                    f"unconfirmed, {self._busy} calls in progress)"
                )
            await self._wait_change(min(max(quiet - idle, 0.01), deadline - now))

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list set with ``setMyCommands`` for a scope/language (``[]`` if none)."""
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    def description(self, kind: str = "description", language_code: str = "") -> str:
        """What ``setMyDescription`` (``kind="description"``), ``setMyShortDescription``
        (``"short_description"``) or ``setMyName`` (``"name"``) stored."""
        return self._descriptions.get((kind, language_code), "")

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        if not isinstance(scope, dict) or not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")
