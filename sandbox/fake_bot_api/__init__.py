"""A realistic fake Telegram Bot API server, for end-to-end tests and the ``wijkbot demo``.

Not part of the bot's runtime: installed with the ``demo``/``dev`` extras (it needs aiohttp).

The real python-telegram-bot ``Application`` talks to this server over real HTTP on
127.0.0.1, exactly as it would talk to ``api.telegram.org``; tests and the demo then act as
people through :class:`FakeUser` (send text, press inline buttons, ...) and observe what the
bot showed them (:class:`BotMessage`).

Quick start::

    async with FakeBotAPI() as fake:
        app = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        ...  # add handlers, start the app with polling
        anna = fake.user(1001, "Anna")
        mark = anna.mark()
        await anna.send("/start")
        welcome = await anna.wait_for("Welkom", after=mark)
        await anna.press("Nederlands")
        print(anna.transcript())

HTTP surface (``/bot<token>/<method>`` and ``/file/bot<token>/<file_path>``):

* Parameters are read from the query string, a JSON body, an url-encoded form or a multipart
  form, like Telegram does. In forms every value is a string: numbers and booleans are
  coerced, and object-valued parameters (``reply_markup``, ``entities``, ``commands``,
  ``scope``, ...) are JSON-decoded. Uploaded files arrive as multipart parts named after the
  parameter, or referenced as ``attach://<part name>``.
* Answers have Telegram's shape: ``{"ok": true, "result": ...}`` or
  ``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}`` with the same
  HTTP status as ``error_code``.
* Method names are case-insensitive, as on Telegram. Unknown methods answer 404
  ``Not Found``; a wrong token answers 401 ``Unauthorized`` (404 if it is not even shaped
  like a token).

Deliberate differences from Telegram (all documented where they apply):

* HTML parse mode is *stricter* by default (``strict_html=True``): a bare ``>`` or an ``&``
  that does not start ``&lt;``/``&gt;``/``&amp;``/``&quot;``/``&#NN;`` is refused, although
  Telegram would show it literally. This catches user text that was not ``html.escape``-d.
  ``FakeBotAPI(strict_html=False)`` follows Telegram (tdlib) exactly.
* MarkdownV2/Markdown parse modes are refused with ``can't parse entities`` (the project
  uses HTML).
* No automatic detection of URLs, @mentions or hashtags in bot texts.
* Inline mode, groups, payments and media groups are not implemented (404).

Everything runs in the caller's asyncio event loop; there is no global state, so several
instances can run at the same time.

Modules: ``server`` (the aiohttp app, start/stop), ``routes`` and ``message_routes`` (the Bot
API methods), ``outgoing`` (their shared steps), ``control`` (people, updates, inspection),
``state`` (what the server knows), ``chats``/``users`` (chats and people), ``messages`` (value
types), ``telegram_html`` (HTML parse mode), ``errors`` (error bodies, injected failures),
``params`` (parameter parsing), ``media`` and ``limits``.
"""

from sandbox.fake_bot_api.chats import FakeChannel, FakeChat
from sandbox.fake_bot_api.errors import BotApiError
from sandbox.fake_bot_api.gate import WAIT_SECONDS, Gate
from sandbox.fake_bot_api.media import make_png
from sandbox.fake_bot_api.messages import (
    BotMessage,
    CallbackAnswer,
    MessageVersion,
    RequestRecord,
    UploadedFile,
)
from sandbox.fake_bot_api.server import FakeBotAPI
from sandbox.fake_bot_api.telegram_html import HtmlParseError, parse_html, utf16_len
from sandbox.fake_bot_api.users import FakeUser

__all__ = [
    "WAIT_SECONDS",
    "BotApiError",
    "BotMessage",
    "CallbackAnswer",
    "FakeBotAPI",
    "FakeChannel",
    "FakeChat",
    "FakeUser",
    "Gate",
    "HtmlParseError",
    "MessageVersion",
    "RequestRecord",
    "UploadedFile",
    "make_png",
    "parse_html",
    "utf16_len",
]
