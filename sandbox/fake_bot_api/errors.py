"""Telegram error bodies (``{"ok": false, "error_code": ..., "description": ...}``) and the
injected failures (429/403/5xx, delays) a test can ask for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from sandbox.fake_bot_api.gate import Gate
from sandbox.fake_bot_api.limits import JSONDict

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_BLOCKED = "Forbidden: bot was blocked by the user"
_CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: _BLOCKED,
    404: "Not Found",
    409: _CONFLICT_POLL,
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class BotApiError(Exception):
    """An error answer of the Bot API.

    Attributes:
        code: HTTP status and ``error_code`` (400, 401, 403, 404, 409, 429, 5xx).
        description: Telegram's description, e.g. ``"Bad Request: chat not found"``.
        parameters: optional ``ResponseParameters`` (``{"retry_after": N}`` for 429).
    """

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None):
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSONDict:
        """The response body Telegram would send."""
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {description}")


class _Failure:
    def __init__(
        self,
        method: str,
        error: BotApiError,
        chat_id: int | str | None,
        times: int,
    ) -> None:
        self.method = method.lower()
        self.error = error
        self.chat_id = chat_id
        self.remaining = times

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        if self.remaining <= 0:
            return False
        if self.method not in ("*", method.lower()):
            return False
        return self.chat_id is None or self.chat_id == chat_id


class FailureInjection:
    """``fail_next``/``delay_next`` of :class:`~sandbox.fake_bot_api.FakeBotAPI`."""

    _failures: list[_Failure]
    _delays: list[tuple[str, float, int]]
    _gates: list[Gate]

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` matching calls fail (they are not executed).

        Args:
            method: method name (case-insensitive), or ``"*"`` for any method.
            error_code: HTTP status / ``error_code``: 400, 403, 409, 429, 500, 502, ...
            description: override Telegram's description. Defaults: 429 ``Too Many
                Requests: retry after N``, 403 ``Forbidden: bot was blocked by the user``,
                500 ``Internal Server Error``, 502 ``Bad Gateway``, 400 ``Bad Request``.
            retry_after: seconds for 429 (default 1); sent as ``parameters.retry_after``.
            chat_id: only fail calls with this ``chat_id``.
            times: how many calls to fail.
        """
        parameters: JSONDict | None = None
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            parameters = {"retry_after": retry_after}
            default = f"Too Many Requests: retry after {retry_after}"
        else:
            if retry_after is not None:
                parameters = {"retry_after": retry_after}
            default = _DEFAULT_DESCRIPTIONS.get(error_code, "Error")
        error = BotApiError(error_code, description or default, parameters)
        self._failures.append(_Failure(method, error, chat_id, times))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Delay the answer of the next ``times`` calls of ``method`` (or ``"*"``) by
        ``seconds`` (to provoke client timeouts)."""
        self._delays.append((method.lower(), seconds, times))

    def hold(self, method: str, chat_ids: Iterable[int | str] = ()) -> Gate:
        """Hold calls of ``method`` (case-insensitive, ``"*"`` for any) to these chats (all
        chats when empty) until the returned :class:`Gate` releases them. The server opens
        every gate when it stops."""
        gate = Gate(self, method, chat_ids)  # type: ignore[arg-type]
        self._gates.append(gate)
        return gate

    async def _apply_delay(self, method: str) -> None:
        for index, (name, seconds, times) in enumerate(self._delays):
            if name in ("*", method.lower()) and times > 0:
                self._delays[index] = (name, seconds, times - 1)
                await asyncio.sleep(seconds)
                return
