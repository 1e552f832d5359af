"""Bot API methods about the bot itself: getMe, getUpdates, webhooks, commands, getChat."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.fake_bot_api.errors import _CONFLICT_POLL, _CONFLICT_WEBHOOK, BotApiError, _bad
from sandbox.fake_bot_api.limits import _COMMAND_RE, _DEFAULT_EXCLUDED_UPDATES, JSONDict
from sandbox.fake_bot_api.messages import UploadedFile
from sandbox.fake_bot_api.outgoing import Outgoing

_Handler = Callable[[JSONDict, dict[str, UploadedFile]], Awaitable[Any]]


class BotRoutes(Outgoing):
    """``getMe``, ``getUpdates``, webhooks, commands, descriptions, menu button, ``getChat``."""

    async def _m_true(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    async def _m_get_me(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> list[JSONDict]:
        if self._webhook_url:
            raise BotApiError(409, _CONFLICT_WEBHOOK)
        offset = params.get("offset")
        limit = params.get("limit", 100)
        limit = min(max(int(limit), 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout", 0)
        timeout = max(float(timeout), 0.0) if isinstance(timeout, (int, float)) else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]
        if isinstance(offset, int) and offset != 0:
            if offset > 0:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            else:
                self._pending = self._pending[offset:]
        previous = self._poll_waiter
        if previous is not None and not previous.done():
            previous.set_result("conflict")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            selected = self._select_updates(limit)
            if selected or self._closing:
                return selected
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            waiter: asyncio.Future[str] = loop.create_future()
            self._poll_waiter = waiter
            try:
                reason = await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return []
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
            if reason == "conflict":
                raise BotApiError(409, _CONFLICT_POLL)

    def _select_updates(self, limit: int) -> list[JSONDict]:
        def allowed(update: JSONDict) -> bool:
            kinds = [k for k in update if k != "update_id"]
            kind = kinds[0] if kinds else ""
            if self._allowed_updates:
                return kind in self._allowed_updates
            return kind not in _DEFAULT_EXCLUDED_UPDATES

        kept = [u for u in self._pending if allowed(u)]
        if len(kept) != len(self._pending):
            self._pending = kept
        return [copy.deepcopy(u) for u in kept[:limit]]

    async def _m_set_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _m_delete_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _m_get_webhook_info(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _m_set_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands")
        cleaned: list[JSONDict] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name = str(command.get("command", "")).lstrip("/")
            description = str(command.get("description", ""))
            if not _COMMAND_RE.match(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    async def _m_get_my_commands(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> list[JSONDict]:
        return self.commands(params.get("scope"), str(params.get("language_code") or ""))

    async def _m_delete_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._commands.pop(
            self._commands_key(params.get("scope"), params.get("language_code")), None
        )
        return True

    def _description_setter(self, kind: str) -> _Handler:
        limits = {"description": 512, "short_description": 120, "name": 64}

        async def handler(params: JSONDict, files: dict[str, UploadedFile]) -> bool:
            value = str(params.get(kind) or "")
            if len(value) > limits[kind]:
                raise _bad(f"{kind.replace('_', ' ')} is too long")
            key = (kind, str(params.get("language_code") or ""))
            if value:
                self._descriptions[key] = value
            else:
                self._descriptions.pop(key, None)
            return True

        return handler

    def _description_getter(self, kind: str) -> _Handler:
        async def handler(params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
            language = str(params.get("language_code") or "")
            value = self._descriptions.get((kind, language)) or self._descriptions.get(
                (kind, ""), self.bot_first_name if kind == "name" else ""
            )
            return {kind: value}

        return handler

    async def _m_set_chat_menu_button(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> bool:
        button = params.get("menu_button")
        self._menu_button = button if isinstance(button, dict) else {"type": "default"}
        return True

    async def _m_get_chat_menu_button(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        return dict(self._menu_button)

    async def _m_get_chat(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat_for(params, sending=False)
        return {
            **chat.chat_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
