"""The aiohttp application: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``, start/stop."""

from __future__ import annotations

import logging
import time
from types import TracebackType

from aiohttp import web

from sandbox.fake_bot_api.errors import BotApiError, FailureInjection
from sandbox.fake_bot_api.limits import _TOKEN_RE, JSONDict
from sandbox.fake_bot_api.message_routes import MessageRoutes
from sandbox.fake_bot_api.messages import RequestRecord
from sandbox.fake_bot_api.params import read_params
from sandbox.fake_bot_api.routes import _Handler

logger = logging.getLogger(__name__)


class FakeBotAPI(MessageRoutes, FailureInjection):
    """A fake Telegram Bot API HTTP server plus the people who talk to the bot.

    Args:
        token: the only accepted bot token (``"<bot id>:<secret>"``).
        bot_username: the bot's username (without ``@``).
        bot_first_name: the bot's display name.
        host: address to bind (default ``127.0.0.1``).
        port: port to bind (default 0: a free port).
        strict_html: refuse bare ``>`` and unknown ``&`` in HTML (see module docstring).
        validate_images: refuse ``sendPhoto`` uploads that are not PNG/JPEG/GIF/WEBP/BMP with
            400 ``IMAGE_PROCESS_FAILED``, like Telegram.

    Attributes:
        requests: every :class:`RequestRecord`, in arrival order.
        users: user id -> :class:`FakeUser`.
        updates: every update ever enqueued (dicts, with ``update_id``), in order.
        errors: exceptions raised by the fake itself while handling requests (bugs in the
            fake; these requests were answered 500).
        unknown_methods: names of unknown methods the bot called (answered 404).
    """

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
        super().__init__(
            token,
            bot_username,
            bot_first_name,
            host=host,
            port=port,
            strict_html=strict_html,
            validate_images=validate_images,
        )
        self._methods: dict[str, _Handler] = {
            "getme": self._m_get_me,
            "logout": self._m_true,
            "close": self._m_true,
            "getupdates": self._m_get_updates,
            "setwebhook": self._m_set_webhook,
            "deletewebhook": self._m_delete_webhook,
            "getwebhookinfo": self._m_get_webhook_info,
            "setmycommands": self._m_set_my_commands,
            "getmycommands": self._m_get_my_commands,
            "deletemycommands": self._m_delete_my_commands,
            "setmydescription": self._description_setter("description"),
            "getmydescription": self._description_getter("description"),
            "setmyshortdescription": self._description_setter("short_description"),
            "getmyshortdescription": self._description_getter("short_description"),
            "setmyname": self._description_setter("name"),
            "getmyname": self._description_getter("name"),
            "setchatmenubutton": self._m_set_chat_menu_button,
            "getchatmenubutton": self._m_get_chat_menu_button,
            "getchat": self._m_get_chat,
            "sendmessage": self._m_send_message,
            "editmessagetext": self._m_edit_message_text,
            "editmessagereplymarkup": self._m_edit_message_reply_markup,
            "editmessagecaption": self._m_edit_message_caption,
            "deletemessage": self._m_delete_message,
            "deletemessages": self._m_delete_messages,
            "answercallbackquery": self._m_answer_callback_query,
            "sendphoto": self._m_send_photo,
            "senddocument": self._m_send_document,
            "sendchataction": self._m_send_chat_action,
            "copymessage": self._m_copy_message,
            "getfile": self._m_get_file,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind ``host`` on a free port (or the given one) and start serving."""
        if self._runner is not None:
            raise RuntimeError("FakeBotAPI already started")
        self._closing = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])

    async def stop(self) -> None:
        """Answer pending long polls (empty) and stop serving. Safe to call twice."""
        self._closing = True
        for gate in self._gates:
            gate.open()
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result("closing")
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- internal: HTTP --------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        record = RequestRecord(method=method, params={}, chat_id=None, time=time.monotonic())
        self.requests.append(record)
        polling = method.lower() == "getupdates"
        if not polling:
            self._busy += 1
            self._touch()
        try:
            body, status = await self._answer(request, record)
            transport = request.transport
            # 499 ("client closed request"): nobody reads this answer any more, e.g. the long
            # poll PTB abandoned when its updater stopped
            record.status = 499 if transport is None or transport.is_closing() else status
            record.response = body
            return web.json_response(body, status=status)
        finally:
            if not polling:
                self._busy -= 1
                self._touch()
            self._changed()

    async def _answer(self, request: web.Request, record: RequestRecord) -> tuple[JSONDict, int]:
        """Run one API call; returns (JSON body, HTTP status)."""
        method = record.method
        try:
            token = request.match_info["token"]
            if token != self.token:
                code = 401 if _TOKEN_RE.match(token) else 404
                raise BotApiError(code, "Unauthorized" if code == 401 else "Not Found")
            params, files = await read_params(request)
            record.params = params
            chat_id = params.get("chat_id")
            record.chat_id = chat_id if isinstance(chat_id, (int, str)) else None
            handler = self._methods.get(method.lower())
            if handler is None:
                self.unknown_methods.append(method)
                logger.warning("fake Bot API: unknown method %s called", method)
                raise BotApiError(404, "Not Found")
            for gate in self._gates:
                if gate.matches(method, record.chat_id):
                    await gate.pass_through(record)
            await self._apply_delay(method)
            for failure in self._failures:
                if failure.matches(method, record.chat_id):
                    failure.remaining -= 1
                    raise failure.error
            result = await handler(params, files)
        except BotApiError as error:
            return error.to_json(), error.code
        except Exception as error:  # a bug in the fake: answer like Telegram's 500
            logger.exception("fake Bot API: error handling %s", method)
            self.errors.append(error)
            return BotApiError(500, "Internal Server Error").to_json(), 500
        return {"ok": True, "result": result}, 200

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        for stored in self._files.values():
            if stored.file_path == path and stored.data is not None:
                return web.Response(
                    body=stored.data,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
