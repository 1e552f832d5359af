"""What the fake server knows (chats, updates, requests, files) and change notification."""

from __future__ import annotations

import asyncio
import contextlib
import itertools

from aiohttp import web

from sandbox.fake_bot_api.chats import FakeChannel, FakeChat
from sandbox.fake_bot_api.errors import _Failure
from sandbox.fake_bot_api.gate import Gate
from sandbox.fake_bot_api.limits import _TOKEN_RE, JSONDict
from sandbox.fake_bot_api.media import _StoredFile
from sandbox.fake_bot_api.messages import RequestRecord, _CallbackQuery
from sandbox.fake_bot_api.users import FakeUser


class ServerState:
    """The state of a :class:`~sandbox.fake_bot_api.FakeBotAPI` (see its Args)."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "wijkbot_demo_bot",
        bot_first_name: str = "wijkbot",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        strict_html: bool = True,
        validate_images: bool = True,
    ) -> None:
        if not _TOKEN_RE.match(token):
            raise ValueError(f"not a Telegram bot token: {token!r}")
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.host = host
        self.strict_html = strict_html
        self.validate_images = validate_images
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False

        self.requests: list[RequestRecord] = []
        self.users: dict[int, FakeUser] = {}
        self.updates: list[JSONDict] = []
        self.errors: list[BaseException] = []
        self.unknown_methods: list[str] = []
        self._chats: dict[int, FakeChat] = {}
        self._default_channel: FakeChannel | None = None
        self._pending: list[JSONDict] = []
        self._next_update_id = 100_000_001
        self._allowed_updates: list[str] = []
        self._poll_waiter: asyncio.Future[str] | None = None
        self._change_waiters: list[asyncio.Future[None]] = []
        self._seq = 0
        self._last_activity = 0.0  # event-loop time of the last non-polling call / update
        self._busy = 0  # non-polling calls in progress
        self._failures: list[_Failure] = []
        self._delays: list[tuple[str, float, int]] = []
        self._gates: list[Gate] = []
        self._queries: dict[str, _CallbackQuery] = {}
        self._query_counter = itertools.count(4_000_000_000_000_000_001)
        self._files: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._webhook_url = ""
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._menu_button: JSONDict = {"type": "commands"}

    @property
    def port(self) -> int:
        """The bound TCP port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("FakeBotAPI not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` for ``ApplicationBuilder().base_url`` / ``Bot``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:PORT/file/bot`` for ``ApplicationBuilder().base_file_url``."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object as in messages' ``from``."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # -- internal: notification ------------------------------------------------------------

    def _changed(self) -> None:
        waiters, self._change_waiters = self._change_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _wait_change(self, seconds: float) -> None:
        """Sleep until something changes (a request finished, a message...) or ``seconds``."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._change_waiters.append(waiter)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter, seconds)

    def _touch(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._last_activity = asyncio.get_running_loop().time()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq
