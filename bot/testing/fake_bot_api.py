"""A realistic fake Telegram Bot API server, for end-to-end tests and the ``wijkbot demo``.

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
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import logging
import re
import struct
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, NamedTuple

from aiohttp import web

__all__ = [
    "BotApiError",
    "BotMessage",
    "CallbackAnswer",
    "FakeBotAPI",
    "FakeChannel",
    "FakeChat",
    "FakeUser",
    "HtmlParseError",
    "MessageVersion",
    "RequestRecord",
    "UploadedFile",
    "make_png",
    "parse_html",
    "utf16_len",
]

logger = logging.getLogger(__name__)

#: Default deadline (seconds) of every wait for a condition (`wait_for`, `wait_for_request`,
#: `settle`, `Gate.wait_held`, ...). It only bounds a failing wait: a passing test never
#: waits it out, so it is generous enough for a busy machine (many test processes on few
#: cores), and no test depends on how fast the machine is.
WAIT_SECONDS = 30.0

JSONDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
"""Maximum message text length, in characters, after entity parsing."""
MAX_CAPTION_LENGTH = 1024
"""Maximum media caption length, in characters, after entity parsing."""
MAX_CALLBACK_DATA_BYTES = 64
"""Maximum ``callback_data`` length in UTF-8 bytes (minimum is 1)."""
MAX_CALLBACK_ANSWER_LENGTH = 200
"""Maximum ``answerCallbackQuery`` text length, in characters."""

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

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# update types delivered when allowed_updates is empty / never given (Telegram's default)
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


# --------------------------------------------------------------------------------------------
# errors and small value types
# --------------------------------------------------------------------------------------------


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


class HtmlParseError(ValueError):
    """Text is not valid Telegram HTML; the message is what follows "can't parse entities: "."""


@dataclass
class UploadedFile:
    """A file part of a multipart request.

    Attributes:
        filename: the part's file name as sent (PTB sends e.g. ``"image.png"`` or, without a
            name, one derived from the MIME type such as ``"application.octet-stream"``).
        content_type: the part's MIME type.
        data: the raw bytes.
    """

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass
class RequestRecord:
    """One HTTP call the bot made.

    Attributes:
        method: the method name as requested (e.g. ``"sendMessage"``).
        params: parsed parameters (numbers/booleans coerced, JSON values decoded, files as
            :class:`UploadedFile`).
        chat_id: the ``chat_id`` parameter if any (``int``, or ``str`` for ``@username``).
        time: ``time.monotonic()`` when the request arrived (seconds).
        status: HTTP status of the answer; 0 while the request is still being handled (e.g. a
            pending long poll); 499 if the client had disconnected before the answer (PTB
            abandons its pending ``getUpdates`` when the updater stops).
        response: the JSON body answered (``None`` while pending).
    """

    method: str
    params: JSONDict
    chat_id: int | str | None
    time: float
    status: int = 0
    response: JSONDict | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded (HTTP 200)."""
        return self.status == 200


class CallbackAnswer(NamedTuple):
    """What the bot answered to a button press (``answerCallbackQuery``)."""

    text: str | None
    show_alert: bool


@dataclass
class MessageVersion:
    """An earlier state of a bot message (kept in :attr:`BotMessage.history`)."""

    text: str
    raw_text: str | None
    parse_mode: str | None
    buttons: list[list[str]]
    reply_markup: JSONDict | None
    edited_at: float | None


@dataclass
class BotMessage:
    """A message the bot sent, in its current state, as the user sees it.

    Attributes:
        chat_id: the chat it is in.
        message_id: Telegram message id (per chat, counting user and bot messages).
        kind: ``"text"``, ``"photo"`` or ``"document"``.
        text: the plain text a user sees: tags stripped, HTML entities unescaped, leading and
            trailing whitespace trimmed. For photos and documents this is the plain caption
            (``""`` without one), so :meth:`FakeUser.wait_for` matches captions too.
        raw_text: the text or caption exactly as the bot sent it (``None`` if none).
        parse_mode: ``"HTML"`` or ``None``.
        entities: Telegram ``MessageEntity`` dicts (offsets/lengths in UTF-16 code units).
        reply_markup: the markup as sent (inline keyboard, reply keyboard, ...), or ``None``.
        buttons: inline keyboard labels, as rows (``[["Ja", "Nee"], ["Terug"]]``).
        button_data: inline button label -> ``callback_data`` (callback buttons only).
        url_buttons: inline button label -> ``url`` (URL buttons only).
        reply_keyboard: reply keyboard labels as rows if the message carried one.
        photo: photo bytes for ``sendPhoto`` uploads (``None`` if sent by URL/file_id ...).
        caption: the plain caption (photos/documents), else ``None``.
        document_name: the document's file name (``sendDocument``), else ``None``.
        document: the document bytes, else ``None``.
        history: earlier states, oldest first (one entry per edit).
        deleted: whether the bot deleted it.
        date: Unix time (seconds) it was sent.
        sent_at / edited_at: ``time.monotonic()`` of sending / of the last edit.
        seq: sequence number of its last change (send or edit); compare with
            :meth:`FakeUser.mark`.
        reply_to_message_id: the message it replies to, if any.
    """

    chat_id: int
    message_id: int
    kind: str
    text: str
    raw_text: str | None
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    date: int
    sent_at: float
    seq: int
    photo: bytes | None = None
    photo_sizes: list[JSONDict] | None = None
    caption: str | None = None
    document_name: str | None = None
    document: bytes | None = None
    document_json: JSONDict | None = None
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    edited_at: float | None = None
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    link_preview_options: JSONDict | None = None
    disable_notification: bool = False

    @property
    def inline_keyboard(self) -> list[list[JSONDict]]:
        """The inline keyboard buttons (dicts as sent), or ``[]``."""
        if self.reply_markup and isinstance(self.reply_markup.get("inline_keyboard"), list):
            return self.reply_markup["inline_keyboard"]
        return []

    @property
    def buttons(self) -> list[list[str]]:
        """Inline keyboard labels as rows."""
        return [[str(b.get("text", "")) for b in row] for row in self.inline_keyboard]

    @property
    def labels(self) -> list[str]:
        """All inline keyboard labels, flattened."""
        return [label for row in self.buttons for label in row]

    @property
    def button_data(self) -> dict[str, str]:
        """Inline button label -> ``callback_data``."""
        return {
            str(b["text"]): str(b["callback_data"])
            for row in self.inline_keyboard
            for b in row
            if "callback_data" in b
        }

    @property
    def url_buttons(self) -> dict[str, str]:
        """Inline button label -> ``url``."""
        return {
            str(b["text"]): str(b["url"]) for row in self.inline_keyboard for b in row if "url" in b
        }

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Reply keyboard labels as rows, if this message carried a ``ReplyKeyboardMarkup``."""
        if self.reply_markup and isinstance(self.reply_markup.get("keyboard"), list):
            return [
                [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
                for row in self.reply_markup["keyboard"]
            ]
        return None

    @property
    def edited(self) -> bool:
        """Whether the message was edited at least once."""
        return bool(self.history)

    def has_button(self, label: str) -> bool:
        """Whether an inline button with exactly this label is present."""
        return label in self.labels

    def render(self) -> str:
        """A one-line-ish human rendering: media marker, text, then ``[button]`` labels."""
        parts: list[str] = []
        if self.kind == "photo":
            parts.append("[photo]")
        elif self.kind == "document":
            parts.append(f"[document: {self.document_name or 'file'}]")
        if self.text:
            parts.append(self.text)
        rows = self.buttons
        if rows:
            parts.append(" | ".join(" ".join(f"[{label}]" for label in row) for row in rows))
        keyboard = self.reply_keyboard
        if keyboard:
            parts.append(
                "{keyboard: "
                + " | ".join(" ".join(f"[{label}]" for label in row) for row in keyboard)
                + "}"
            )
        return _indent(" ".join(parts))

    def __str__(self) -> str:
        return f"#{self.message_id}: {self.render()}"


# --------------------------------------------------------------------------------------------
# text helpers: UTF-16, Telegram HTML
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")


_HTML_SPACES = " \t\r\n\v"
_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos] == "&"`` like tdlib does.

    Supports ``&lt; &gt; &amp; &quot;`` and numeric ``&#NNN; &#xHH;`` (the ``;`` is optional,
    as in tdlib). Returns ``(character, position after it)`` or ``None``.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and text[end] in "0123456789":
                value = value * 10 + int(text[end])
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10 or 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        if name not in _NAMED_HTML_ENTITIES:
            return None
        char = _NAMED_HTML_ENTITIES[name]
    if end < n and text[end] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the output where the tag's content starts
    out_index: int  # index into the output char list
    url: str | None = None
    language: str | None = None
    span_class: str | None = None
    emoji_id: str | None = None
    expandable: bool = False


def _normalise_url(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
        return url
    if "." in url and " " not in url:
        return "http://" + url
    return None


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into plain text and ``MessageEntity`` dicts.

    Follows tdlib's ``parse_html``: supported tags are ``b strong i em u ins s strike del a
    code pre tg-spoiler span class="tg-spoiler" tg-emoji blockquote [expandable]``; tags must
    be properly nested and closed (``</>`` closes the innermost tag); only ``&lt; &gt; &amp;
    &quot;`` and numeric references are decoded.

    Args:
        text: the HTML text.
        strict: additionally refuse a bare ``>`` and an ``&`` that is not a supported
            reference (Telegram would show both literally); see the module docstring.

    Returns:
        ``(plain_text, entities)``; entity offsets/lengths are UTF-16 code units, entities are
        sorted by offset then by decreasing length. Leading/trailing whitespace is *not*
        trimmed here.

    Raises:
        HtmlParseError: with tdlib's message, e.g. ``Unsupported start tag "br" at byte offset
            3`` or ``Can't find end tag corresponding to start tag "b"``.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    n = len(text)
    i = 0

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8", "surrogatepass"))

    def emit(chars: str) -> None:
        nonlocal pos16
        out.append(chars)
        pos16 += utf16_len(chars)

    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                emit(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {byte_offset(i)} (write &amp;; the fake '
                    "server is stricter than Telegram here)"
                )
        elif c == ">" and strict:
            raise HtmlParseError(
                f'Unescaped ">" at byte offset {byte_offset(i)} (write &gt;; the fake server '
                "is stricter than Telegram here)"
            )
        if c != "<":
            emit(c)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            # end tag
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            i += 1
            name_start = i
            while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
                i += 1
            end_name = text[name_start:i]
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n or text[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            i += 1
            tag = stack.pop()
            if end_name and end_name.lower() != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, expected "
                    f'"</{tag.name}>", found "</{end_name}>"'
                )
            _close_tag(tag, pos16, "".join(out[tag.out_index :]), entities)
            continue

        # start tag
        name_start = i
        while i < n and text[i] not in _HTML_SPACES and text[i] != ">":
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        name = text[name_start:i].lower()
        if name not in _HTML_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
            )
        tag = _OpenTag(name=name, offset=pos16, out_index=len(out))
        while True:
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] == ">":
                i += 1
                break
            attr_start = i
            while i < n and text[i] not in _HTML_SPACES and text[i] not in "=>":
                i += 1
            attr = text[attr_start:i].lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
                )
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] != "=":
                if name == "blockquote" and attr == "expandable":
                    tag.expandable = True
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {byte_offset(begin)}"
                )
            i += 1
            while i < n and text[i] in _HTML_SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] not in "'\"":
                token_start = i
                while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                    i += 1
                value = text[token_start:i].lower()
                if i >= n or (text[i] not in _HTML_SPACES and text[i] != ">"):
                    raise HtmlParseError(
                        f"Unexpected end of name token at byte offset {byte_offset(token_start)}"
                    )
            else:
                quote = text[i]
                i += 1
                chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_html_entity(text, i)
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    chars.append(text[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(chars)
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if name == "a" and attr == "href":
                tag.url = value
            elif name == "code" and attr == "class" and value.startswith("language-"):
                tag.language = value[len("language-") :]
            elif name == "span" and attr == "class":
                tag.span_class = value
            elif name == "tg-emoji" and attr == "emoji-id":
                tag.emoji_id = value
        if name == "span" and tag.span_class != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        stack.append(tag)

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        entity.pop("_language", None)  # a language only counts on <pre><code class=...>
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_tag(tag: _OpenTag, pos16: int, inner: str, entities: list[JSONDict]) -> None:
    length = pos16 - tag.offset
    if length <= 0:
        return
    base: JSONDict = {"offset": tag.offset, "length": length}
    if tag.name in _SIMPLE_ENTITY_TYPES:
        entities.append({"type": _SIMPLE_ENTITY_TYPES[tag.name], **base})
    elif tag.name == "a":
        url = _normalise_url(tag.url if tag.url is not None else inner)
        if url is not None:
            entities.append({"type": "text_link", **base, "url": url})
    elif tag.name == "code":
        entity = {"type": "code", **base}
        if tag.language:
            entity["_language"] = tag.language
        entities.append(entity)
    elif tag.name == "pre":
        entity = {"type": "pre", **base}
        if (
            entities
            and entities[-1]["type"] == "code"
            and entities[-1]["offset"] == tag.offset
            and entities[-1]["length"] == length
        ):
            inner_code = entities.pop()
            if inner_code.get("_language"):
                entity["language"] = inner_code["_language"]
        entities.append(entity)
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.expandable else "blockquote"
        entities.append({"type": kind, **base})
    elif tag.name == "tg-emoji" and tag.emoji_id:
        entities.append({"type": "custom_emoji", **base, "custom_emoji_id": tag.emoji_id})


def _inline_markup(markup: JSONDict | None) -> JSONDict | None:
    """The markup if it is an inline keyboard (the only kind a message keeps), else None."""
    return markup if markup is not None and "inline_keyboard" in markup else None


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = utf16_len(text[: len(text) - len(text.lstrip())])
    total16 = utf16_len(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - lead16, 0)
        end = min(entity["offset"] + entity["length"] - lead16, total16)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


# --------------------------------------------------------------------------------------------
# tiny media helpers
# --------------------------------------------------------------------------------------------


def make_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A valid solid-colour PNG image of ``width`` x ``height`` pixels (for tests/demo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WEBP/BMP image, or ``None`` if not recognised."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(int(width)), abs(int(height))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            seg_len = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + seg_len
        return None
    return None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes | None
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None


# --------------------------------------------------------------------------------------------
# people and chats
# --------------------------------------------------------------------------------------------


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


class Gate:
    """Holds matching API calls at the fake server until the test lets them go.

    Made by :meth:`FakeBotAPI.hold`. A held call has arrived (it is in
    ``FakeBotAPI.requests`` with status 0) but is not executed: the message is not delivered
    and the bot's HTTP request waits for its answer. Tests use it to put events in a known
    order (e.g. "these calls are on their way while the coordinator cancels") instead of
    relying on how fast the machine is.

    Attributes:
        method: the held method, lower case (``"*"``: any method).
        chat_ids: only calls with one of these ``chat_id`` values are held (empty: all).
        held: the calls waiting at the gate now, in arrival order.
        seen: every call this gate ever held, in arrival order.
    """

    def __init__(self, fake: FakeBotAPI, method: str, chat_ids: Iterable[int | str]) -> None:
        self._fake = fake
        self.method = method.lower()
        self.chat_ids = set(chat_ids)
        self.is_open = False
        self.held: list[RequestRecord] = []
        self.seen: list[RequestRecord] = []
        self._waiters: dict[int, asyncio.Future[None]] = {}

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        """Whether a call of ``method`` to ``chat_id`` must wait at this gate."""
        if self.is_open or self.method not in ("*", method.lower()):
            return False
        return not self.chat_ids or chat_id in self.chat_ids

    async def pass_through(self, record: RequestRecord) -> None:
        """Wait (inside the request handler) until this call is released."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[id(record)] = waiter
        self.held.append(record)
        self.seen.append(record)
        self._fake._changed()
        try:
            await waiter
        finally:
            self._waiters.pop(id(record), None)
            if record in self.held:
                self.held.remove(record)

    def release(self, count: int | None = None) -> list[RequestRecord]:
        """Let the first ``count`` held calls (all when None) go on, in arrival order; calls
        arriving later are held again. Returns the released calls."""
        chosen = self.held[: len(self.held) if count is None else count]
        for record in chosen:
            self.held.remove(record)
            waiter = self._waiters.get(id(record))
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        return chosen

    def open(self) -> None:
        """Release every held call and hold nothing from now on."""
        self.is_open = True
        self.release()

    async def wait_held(
        self,
        count: int,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline, not a cancellation scope
    ) -> list[RequestRecord]:
        """Wait until at least ``count`` calls are held; returns the held calls.

        Raises:
            AssertionError: if that does not happen within ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.held) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                held = len(self.held)
                raise AssertionError(f"{held} calls held after {timeout}s, expected {count}")
            await self._fake._wait_change(remaining)
        return list(self.held)


@dataclass
class _CallbackQuery:
    query_id: str
    chat_id: int
    user_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None


class FakeChat:
    """A chat the bot can write to; base of :class:`FakeUser` and :class:`FakeChannel`.

    Attributes:
        id: the chat id.
        messages: every :class:`BotMessage` the bot sent here, in order (deleted ones too,
            with ``deleted=True``).
        chat_actions: ``(action, monotonic time)`` for each ``sendChatAction``.
    """

    type = "private"

    def __init__(self, fake: FakeBotAPI, chat_id: int) -> None:
        self._fake = fake
        self.id = chat_id
        self.messages: list[BotMessage] = []
        self.chat_actions: list[tuple[str, float]] = []
        self._by_id: dict[int, BotMessage] = {}
        self._incoming: dict[int, JSONDict] = {}  # message_id -> message JSON sent by people
        self._next_message_id = 1
        self._transcript: list[str] = []

    # -- bookkeeping used by the server -------------------------------------------------

    def chat_json(self) -> JSONDict:
        """The ``Chat`` object Telegram puts in messages of this chat."""
        raise NotImplementedError

    def _allocate_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def _log(self, line: str) -> None:
        self._transcript.append(line)

    # -- observing -----------------------------------------------------------------------

    @property
    def last(self) -> BotMessage | None:
        """The latest non-deleted bot message, or ``None``."""
        for message in reversed(self.messages):
            if not message.deleted:
                return message
        return None

    def message(self, message_id: int) -> BotMessage:
        """The bot message with this id (``KeyError`` if the bot sent none)."""
        return self._by_id[message_id]

    def mark(self) -> int:
        """A position in time: pass it as ``after=`` to only see later sends/edits."""
        return self._fake._seq

    def messages_after(self, mark: int) -> list[BotMessage]:
        """Non-deleted bot messages sent or edited after ``mark`` (see :meth:`mark`)."""
        return [m for m in self.messages if not m.deleted and m.seq > mark]

    def transcript_lines(self) -> list[str]:
        """The chat log as lines: ``> `` for people, ``< `` for the bot (see transcript)."""
        return [line for entry in self._transcript for line in entry.split("\n")]

    def transcript(self) -> str:
        """A readable chat log, in order, one event per line (continuations indented).

        ``> /start abc`` is a person's message, ``> [pressed: Nederlands]`` a button press,
        ``< Welkom ... [Nederlands] [English]`` a bot message with its inline buttons (rows
        separated by ``|``), ``< (edited #3) ...`` an edit of message 3, ``< (deleted #3)``
        a deletion, ``< (answer) ...`` / ``< (alert) ...`` a callback answer.
        """
        return "\n".join(self._transcript)

    async def wait_for(
        self,
        contains: str | None = None,
        *,
        predicate: Callable[[BotMessage], bool] | None = None,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline, not a cancellation scope
        after: int | BotMessage | None = None,
    ) -> BotMessage:
        """Wait until a (non-deleted) bot message in this chat matches, and return it.

        Args:
            contains: substring that must occur in the plain text (:attr:`BotMessage.text`).
            predicate: extra condition on the :class:`BotMessage`.
            timeout: seconds to wait.
            after: a :meth:`mark`; only messages sent or edited after it count. Without it,
                messages already present count too. A :class:`BotMessage` means "after its
                last send/edit".

        Returns:
            The most recently sent/edited matching message.

        Raises:
            AssertionError: on timeout, showing the last messages of the chat.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if isinstance(after, BotMessage):
            after = after.seq

        def find() -> BotMessage | None:
            candidates = [
                m
                for m in self.messages
                if not m.deleted
                and (after is None or m.seq > after)
                and (contains is None or contains in m.text)
                and (predicate is None or predicate(m))
            ]
            return max(candidates, key=lambda m: m.seq) if candidates else None

        while True:
            found = find()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                what = f"containing {contains!r}" if contains is not None else "matching"
                if predicate is not None and contains is not None:
                    what += " and the predicate"
                since = f" after mark {after}" if after is not None else ""
                recent = "\n".join(self._transcript[-8:]) or "(no messages)"
                raise AssertionError(
                    f"timed out after {timeout}s waiting for a bot message {what}{since} in "
                    f"chat {self.id}. Last messages:\n{recent}"
                )
            await self._fake._wait_change(remaining)


class FakeUser(FakeChat):
    """A person with a private chat with the bot (chat id == user id).

    Create with :meth:`FakeBotAPI.user`. Acting methods are coroutines that enqueue updates
    for the bot's ``getUpdates``; observing attributes are plain lists kept up to date.

    Attributes:
        id, first_name, last_name, username, language_code: the Telegram user.
        blocked: whether the user currently blocks the bot (see :meth:`block`).
        started: whether the user ever wrote to the bot (bots can't start conversations).
        callback_answers: :class:`CallbackAnswer` for each answered press, in order.
        sent: the ``Message`` dicts this user sent (updates as the bot received them).
    """

    type = "private"

    def __init__(
        self,
        fake: FakeBotAPI,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        started: bool,
    ) -> None:
        super().__init__(fake, user_id)
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.started = started
        self.callback_answers: list[CallbackAnswer] = []
        self.sent: list[JSONDict] = []
        self._last_query_id: str | None = None

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    # -- JSON ------------------------------------------------------------------------------

    def user_json(self) -> JSONDict:
        """The Telegram ``User`` object of this person."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> JSONDict:
        """The private ``Chat`` object (``type: "private"``)."""
        data: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    @property
    def name(self) -> str:
        """First and last name."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    # -- acting ----------------------------------------------------------------------------

    def _check_can_act(self) -> None:
        if self.blocked:
            raise AssertionError(f"{self!r} has blocked the bot; call user.unblock() before acting")

    async def _send_message(self, content: JSONDict, line: str) -> JSONDict:
        self._check_can_act()
        self.started = True
        message: JSONDict = {
            "message_id": self._allocate_message_id(),
            "from": self.user_json(),
            "chat": self.chat_json(),
            "date": int(time.time()),
            **content,
        }
        self._incoming[message["message_id"]] = message
        self.sent.append(message)
        self._log(line)
        self._fake.inject_update({"message": copy.deepcopy(message)})
        await asyncio.sleep(0)
        return message

    async def send(
        self,
        text: str,
        *,
        reply_to: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Send a text message (a ``message`` update).

        A text starting with ``/`` gets a ``bot_command`` entity covering the command, as
        Telegram clients do (``"/start abc"`` -> offset 0, length 6; ``/cmd@botname`` is
        covered whole).

        Args:
            text: the message text (1..4096 characters).
            reply_to: id of a message in this chat this one replies to.
            entities: explicit entities instead of the automatic command entity.

        Returns:
            The ``Message`` dict as delivered to the bot.
        """
        if not text or len(text) > MAX_TEXT_LENGTH:
            raise ValueError("a Telegram text message has 1..4096 characters")
        content: JSONDict = {"text": text}
        if entities is None:
            match = re.match(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?", text)
            if match:
                entities = [{"type": "bot_command", "offset": 0, "length": len(match.group())}]
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            content["reply_to_message"] = self._fake._message_json_by_id(self, reply_to)
        return await self._send_message(content, "> " + _indent(text))

    async def edit(self, message_id: int, new_text: str) -> JSONDict:
        """Edit one of this user's own text messages (an ``edited_message`` update).

        Raises:
            AssertionError: if ``message_id`` is not a text message this user sent.
        """
        self._check_can_act()
        original = self._incoming.get(message_id)
        if original is None or "text" not in original:
            raise AssertionError(f"{self!r} sent no text message {message_id} to edit")
        original["text"] = new_text
        original["edit_date"] = int(time.time())
        original.pop("entities", None)
        match = re.match(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?", new_text)
        if match:
            original["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(match.group())}
            ]
        self._log(f"> (edited #{message_id}) " + _indent(new_text))
        self._fake.inject_update({"edited_message": copy.deepcopy(original)})
        await asyncio.sleep(0)
        return original

    async def send_sticker(self, emoji: str = "👍") -> JSONDict:
        """Send a (regular, static) sticker; the message has no text."""
        stored = self._fake._store_file(b"RIFF\x00\x00\x00\x00WEBPVP8 fake", "stickers", ".webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "WijkbotFakeStickers",
            "file_size": len(stored.data or b""),
        }
        return await self._send_message({"sticker": sticker}, f"> [sticker {emoji}]")

    async def send_voice(self, duration: int = 3) -> JSONDict:
        """Send a voice note of ``duration`` seconds (OGG/Opus placeholder bytes)."""
        data = b"OggS\x00\x02" + b"\x00" * 64
        stored = self._fake._store_file(data, "voice", ".oga", mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return await self._send_message({"voice": voice}, f"> [voice {duration}s]")

    async def send_photo(self, data: bytes | None = None, caption: str | None = None) -> JSONDict:
        """Send a photo (default: a small generated PNG); downloadable via ``getFile``."""
        data = data if data is not None else make_png(64, 48)
        width, height = _image_size(data) or (64, 48)
        sizes = self._fake._photo_sizes(data, width, height)
        content: JSONDict = {"photo": sizes}
        if caption:
            content["caption"] = caption
        line = "> [photo]" + (" " + _indent(caption) if caption else "")
        return await self._send_message(content, line)

    async def send_document(
        self,
        data: bytes = b"hello\n",
        file_name: str = "notes.txt",
        mime_type: str = "text/plain",
        caption: str | None = None,
    ) -> JSONDict:
        """Send a document (file) with the given bytes and name."""
        stored = self._fake._store_file(
            data, "documents", "", mime_type=mime_type, file_name=file_name
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: JSONDict = {"document": document}
        if caption:
            content["caption"] = caption
        return await self._send_message(content, f"> [document: {file_name}]")

    async def send_contact(
        self,
        phone_number: str = "+31612345678",
        first_name: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> JSONDict:
        """Share a contact; by default the user's own (``user_id`` set to theirs)."""
        own = first_name is None
        contact: JSONDict = {
            "phone_number": phone_number,
            "first_name": first_name if first_name is not None else self.first_name,
        }
        last = last_name if last_name is not None else (self.last_name if own else None)
        if last:
            contact["last_name"] = last
        uid = user_id if user_id is not None else (self.id if own else None)
        if uid is not None:
            contact["user_id"] = uid
        return await self._send_message(
            {"contact": contact}, f"> [contact {contact['first_name']} {phone_number}]"
        )

    async def send_location(self, latitude: float = 52.3731, longitude: float = 4.8922) -> JSONDict:
        """Share a location (default: Dam square, Amsterdam)."""
        return await self._send_message(
            {"location": {"latitude": latitude, "longitude": longitude}},
            f"> [location {latitude},{longitude}]",
        )

    def _find_button(self, label: str, message_id: int | None) -> tuple[BotMessage, JSONDict]:
        if message_id is not None:
            candidates = [self._by_id[message_id]] if message_id in self._by_id else []
        else:
            candidates = [m for m in reversed(self.messages) if not m.deleted]
        for message in candidates:
            if message.deleted:
                continue
            for row in message.inline_keyboard:
                for button in row:
                    if button.get("text") == label:
                        return message, button
        available = [
            f"  #{m.message_id}: " + " | ".join(" ".join(f"[{b}]" for b in r) for r in m.buttons)
            for m in self.messages
            if not m.deleted and m.buttons
        ]
        where = f"message {message_id}" if message_id is not None else "any bot message"
        listing = "\n".join(available[-8:]) or "  (no inline buttons at all)"
        raise AssertionError(
            f"{self!r}: no inline button labelled {label!r} in {where}. Available:\n{listing}"
        )

    async def press(self, label: str, *, message_id: int | None = None) -> str:
        """Press the inline button labelled exactly ``label`` (a ``callback_query`` update).

        Args:
            label: the button text.
            message_id: press it on this bot message (e.g. an old one, to test stale
                buttons); default: the most recent non-deleted message having that button.

        Returns:
            The callback query id (see :meth:`wait_for_callback_answer`).

        Raises:
            AssertionError: if no such button exists (the message lists available labels), or
                it is not a callback button (e.g. a URL button).
        """
        self._check_can_act()
        message, button = self._find_button(label, message_id)
        if "callback_data" not in button:
            kind = next((k for k in _INLINE_BUTTON_ACTIONS if k in button), "unknown")
            raise AssertionError(
                f"button {label!r} on message {message.message_id} is a {kind} button "
                f"({button.get(kind)!r}); pressing it sends no callback query"
            )
        return self._fake._press(self, message, str(button["callback_data"]), label)

    async def press_data(self, data: str, *, message_id: int | None = None) -> str:
        """Send a callback query with arbitrary (possibly forged) ``data``.

        Args:
            data: the callback data, sent as is.
            message_id: the bot message it claims to come from (default: the latest one).

        Returns:
            The callback query id.
        """
        self._check_can_act()
        if message_id is None:
            message = self.last
            if message is None:
                raise AssertionError(f"{self!r}: the bot sent no message to press on")
        else:
            if message_id not in self._by_id:
                raise AssertionError(f"{self!r}: the bot sent no message {message_id}")
            message = self._by_id[message_id]
        return self._fake._press(self, message, data, f"data {data!r} on #{message.message_id}")

    async def wait_for_callback_answer(
        self,
        query_id: str | None = None,
        *,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline, not a cancellation scope
    ) -> CallbackAnswer:
        """Wait until the bot answers a press, and return the answer.

        Args:
            query_id: the id :meth:`press` returned; default: the latest press.
            timeout: seconds to wait.

        Raises:
            AssertionError: on timeout, or if there was no press.
        """
        query_id = query_id or self._last_query_id
        if query_id is None:
            raise AssertionError(f"{self!r} pressed no button")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            query = self._fake._queries.get(query_id)
            if query is not None and query.answer is not None:
                return query.answer
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for answerCallbackQuery of "
                    f"{query_id} ({self!r})"
                )
            await self._fake._wait_change(remaining)

    def block(self, *, notify: bool = True) -> None:
        """Block the bot: every send/edit to this chat answers 403 until :meth:`unblock`.

        With ``notify`` a ``my_chat_member`` update (member -> kicked) is enqueued, as
        Telegram does.
        """
        if self.blocked:
            return
        self.blocked = True
        self._log("> [blocked the bot]")
        if notify:
            self._fake._member_update(self, "member", "kicked")

    def unblock(self, *, notify: bool = True) -> None:
        """Unblock the bot (``my_chat_member`` kicked -> member with ``notify``)."""
        if not self.blocked:
            return
        self.blocked = False
        self._log("> [unblocked the bot]")
        if notify:
            self._fake._member_update(self, "kicked", "member")


class FakeChannel(FakeChat):
    """A channel the bot is an administrator of (negative id, ``type: "channel"``)."""

    type = "channel"

    def __init__(self, fake: FakeBotAPI, chat_id: int, title: str, username: str | None):
        super().__init__(fake, chat_id)
        self.title = title
        self.username = username

    def __repr__(self) -> str:
        return f"FakeChannel({self.id}, {self.title!r})"

    def chat_json(self) -> JSONDict:
        """The channel ``Chat`` object."""
        data: JSONDict = {"id": self.id, "type": "channel", "title": self.title}
        if self.username:
            data["username"] = self.username
        return data

    async def post(self, text: str) -> JSONDict:
        """Post ``text`` in the channel (a ``channel_post`` update, no ``from``)."""
        message: JSONDict = {
            "message_id": self._allocate_message_id(),
            "sender_chat": self.chat_json(),
            "chat": self.chat_json(),
            "date": int(time.time()),
            "text": text,
        }
        self._incoming[message["message_id"]] = message
        self._log("> (channel) " + _indent(text))
        self._fake.inject_update({"channel_post": copy.deepcopy(message)})
        await asyncio.sleep(0)
        return message


# --------------------------------------------------------------------------------------------
# parameter coercion
# --------------------------------------------------------------------------------------------

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "media",
        "menu_button",
        "reaction",
        "message_ids",
    }
)
_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "from_chat_id",
        "user_id",
        "width",
        "height",
        "duration",
        "max_connections",
    }
)
_FLOAT_PARAMS = frozenset({"timeout", "latitude", "longitude"})
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)


def _coerce(name: str, value: Any) -> Any:
    """Coerce a request parameter like Telegram (form values are all strings)."""
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            if name == "reply_markup":
                raise _bad("can't parse reply keyboard markup JSON object") from None
            if name in ("entities", "caption_entities"):
                raise _bad("can't parse entities JSON object") from None
            raise _bad(f"can't parse {name} JSON object") from None
    if name == "chat_id":
        return int(value) if re.fullmatch(r"-?\d+", value.strip()) else value
    if name in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value
    if name in _FLOAT_PARAMS:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if name in _BOOL_PARAMS:
        return value.strip().lower() in ("true", "1")
    return value


# --------------------------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------------------------

_Handler = Callable[[JSONDict, dict[str, UploadedFile]], Awaitable[Any]]


class FakeBotAPI:
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

    # -- failure injection and inspection ------------------------------------------------------

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
        gate = Gate(self, method, chat_ids)
        self._gates.append(gate)
        return gate

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

    # -- internal: HTTP --------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
        raw: JSONDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.body_exists:
            content_type = request.content_type
            if content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad("can't parse JSON encoded request parameters") from None
                if not isinstance(body, dict):
                    raise _bad("JSON object expected as request parameters")
                raw.update(body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    elif isinstance(value, str):
                        raw[key] = value
                    else:  # pragma: no cover - bytes parts without file name
                        raw[key] = bytes(value).decode("utf-8", "replace")
        params = {key: _coerce(key, value) for key, value in raw.items()}
        for key, upload in files.items():
            params.setdefault(key, upload)
        return params, files

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
            params, files = await self._read_params(request)
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

    async def _apply_delay(self, method: str) -> None:
        for index, (name, seconds, times) in enumerate(self._delays):
            if name in ("*", method.lower()) and times > 0:
                self._delays[index] = (name, seconds, times - 1)
                await asyncio.sleep(seconds)
                return

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

    # -- internal: helpers for methods --------------------------------------------------------

    def _chat_for(self, params: JSONDict, *, sending: bool = True) -> FakeChat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        chat: FakeChat | None = None
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next(
                (
                    c
                    for c in self._chats.values()
                    if isinstance(c, FakeChannel) and c.username == chat_id[1:]
                ),
                None,
            )
        if chat is None:
            raise _bad("chat not found")
        if sending and isinstance(chat, FakeUser):
            if chat.blocked:
                raise BotApiError(403, _BLOCKED)
            if not chat.started:
                raise BotApiError(403, _CANT_INITIATE)
        return chat

    def _format(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        caption: bool,
    ) -> tuple[str, list[JSONDict]]:
        if text is None:
            text = ""
        text = str(text)
        mode = str(parse_mode or "")
        if mode.lower() == "html":
            try:
                plain, parsed = parse_html(text, strict=self.strict_html)
            except HtmlParseError as error:
                raise _bad(f"can't parse entities: {error}") from None
        elif mode.lower() in ("markdownv2", "markdown"):
            raise _bad(
                f"can't parse entities: parse mode {mode} is not supported by the fake Bot API "
                "server (wijkbot uses HTML)"
            )
        elif mode:
            raise _bad("unsupported parse_mode")
        else:
            plain = text
            parsed = list(entities) if isinstance(entities, list) else []
        plain, parsed = _trim(plain, parsed)
        if caption:
            if len(plain) > MAX_CAPTION_LENGTH:
                raise _bad("message caption is too long")
        else:
            if not plain:
                raise _bad("message text is empty")
            if len(plain) > MAX_TEXT_LENGTH:
                raise _bad("message is too long")
        return plain, parsed

    def _validate_markup(self, markup: Any) -> JSONDict | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            count = 0
            for row in rows:
                for button in row:
                    count += 1
                    self._validate_inline_button(button)
            if count > 100:
                raise _bad("REPLY_MARKUP_TOO_LONG")
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
            for row in rows:
                for button in row:
                    label = (
                        button
                        if isinstance(button, str)
                        else (button.get("text") if isinstance(button, dict) else None)
                    )
                    if not isinstance(label, str) or not label:
                        raise _bad("can't parse keyboard button: Text must be non-empty")
        elif not ("remove_keyboard" in markup or "force_reply" in markup):
            raise _bad('can\'t find field "inline_keyboard"')
        return markup

    @staticmethod
    def _validate_inline_button(button: Any) -> None:
        if not isinstance(button, dict):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        text = button.get("text")
        if not isinstance(text, str) or not text:
            raise _bad("can't parse inline keyboard button: Text must be non-empty")
        actions = [k for k in _INLINE_BUTTON_ACTIONS if k in button]
        if not actions:
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= (
                MAX_CALLBACK_DATA_BYTES
            ):
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _edit_markup(self, params: JSONDict) -> JSONDict | None:
        markup = self._validate_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        return markup

    def _reply_to(self, chat: FakeChat, params: JSONDict) -> int | None:
        reply_to = params.get("reply_to_message_id")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id", reply_to)
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply", allow_missing))
        if reply_to in (None, "", 0):
            return None
        if not isinstance(reply_to, int):
            raise _bad("invalid reply_to_message_id")
        exists = reply_to in chat._incoming or (
            reply_to in chat._by_id and not chat._by_id[reply_to].deleted
        )
        if not exists:
            if allow_missing:
                return None
            raise _bad("message to be replied not found")
        return reply_to

    def _message_json_by_id(self, chat: FakeChat, message_id: int) -> JSONDict:
        if message_id in chat._incoming:
            return copy.deepcopy(chat._incoming[message_id])
        if message_id in chat._by_id:
            return self._message_json(chat._by_id[message_id], nested=True)
        raise AssertionError(f"no message {message_id} in chat {chat.id}")

    def _message_json(self, message: BotMessage, *, nested: bool = False) -> JSONDict:
        """The Telegram ``Message`` object for a bot message in its current state."""
        chat = self._chats[message.chat_id]
        data: JSONDict = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": chat.chat_json(),
            "date": message.date,
        }
        if isinstance(chat, FakeChannel):
            data["sender_chat"] = chat.chat_json()
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.reply_to_message_id is not None and not nested:
            with contextlib.suppress(AssertionError):
                data["reply_to_message"] = self._message_json_by_id(
                    chat, message.reply_to_message_id
                )
        if message.kind == "text":
            data["text"] = message.text
            if message.entities:
                data["entities"] = copy.deepcopy(message.entities)
            if message.link_preview_options:
                data["link_preview_options"] = copy.deepcopy(message.link_preview_options)
        else:
            if message.kind == "photo":
                data["photo"] = copy.deepcopy(message.photo_sizes or [])
            elif message.kind == "document":
                data["document"] = copy.deepcopy(message.document_json or {})
            if message.caption:
                data["caption"] = message.caption
                if message.entities:
                    data["caption_entities"] = copy.deepcopy(message.entities)
        # Telegram echoes only inline keyboards in Message objects
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = copy.deepcopy(message.reply_markup)
        return data

    def _add_bot_message(self, chat: FakeChat, message: BotMessage) -> JSONDict:
        chat.messages.append(message)
        chat._by_id[message.message_id] = message
        chat._log("< " + message.render())
        self._changed()
        return self._message_json(message)

    def _store_file(
        self,
        data: bytes | None,
        folder: str,
        suffix: str,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> _StoredFile:
        number = next(self._file_counter)
        file_id = f"BQACAgQAAxkBAAI{number:06d}FakeFileId{self.bot_id}"
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{number:06d}",
            data=data,
            file_path=f"{folder}/file_{number}{suffix}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self._files[file_id] = stored
        return stored

    def _photo_sizes(self, data: bytes | None, width: int, height: int) -> list[JSONDict]:
        sizes: list[JSONDict] = []
        for limit in (90, 320, 800, 1280):
            scale = min(1.0, limit / max(width, height, 1))
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            if sizes and (w, h) == (sizes[-1]["width"], sizes[-1]["height"]):
                continue
            stored = self._store_file(data, "photos", ".jpg", mime_type="image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": w,
                    "height": h,
                    **({"file_size": len(data)} if data is not None else {}),
                }
            )
        return sizes

    def _upload(
        self, params: JSONDict, files: dict[str, UploadedFile], name: str
    ) -> UploadedFile | str | None:
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value[len("attach://") :])
            if attached is None:
                raise _bad(f"file {value} not found in the request")
            return attached
        if isinstance(value, UploadedFile) or isinstance(value, str):
            return value
        return None

    def _press(self, user: FakeUser, message: BotMessage, data: str, what: str) -> str:
        query_id = str(next(self._query_counter))
        self._queries[query_id] = _CallbackQuery(
            query_id=query_id,
            chat_id=user.id,
            user_id=user.id,
            message_id=message.message_id,
            data=data,
        )
        user._last_query_id = query_id
        user._log(f"> [pressed: {what}]")
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.user_json(),
                    "message": self._message_json(message),
                    "chat_instance": str(abs(user.id) * 7919 + 104729),
                    "data": data,
                }
            }
        )
        return query_id

    def _member_update(self, user: FakeUser, old: str, new: str) -> None:
        def member(status: str) -> JSONDict:
            data: JSONDict = {"status": status, "user": self.bot_user}
            if status == "kicked":
                data["until_date"] = 0
            return data

        self.inject_update(
            {
                "my_chat_member": {
                    "chat": user.chat_json(),
                    "from": user.user_json(),
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    def _find_message(self, params: JSONDict, verb: str) -> tuple[FakeChat, BotMessage]:
        if params.get("inline_message_id"):
            raise _bad("inline messages are not supported by the fake Bot API server")
        chat = self._chat_for(params)
        message_id = params.get("message_id")
        if message_id is None or message_id == "":
            raise _bad("message identifier is not specified")
        if not isinstance(message_id, int):
            raise _bad("message identifier is invalid")
        message = chat._by_id.get(message_id)
        if message is None or message.deleted:
            if message_id in chat._incoming:
                raise _bad(f"message can't be {verb}ed")
            raise _bad(f"message to {verb} not found")
        return chat, message

    def _snapshot(self, message: BotMessage) -> MessageVersion:
        return MessageVersion(
            text=message.text,
            raw_text=message.raw_text,
            parse_mode=message.parse_mode,
            buttons=message.buttons,
            reply_markup=copy.deepcopy(message.reply_markup),
            edited_at=message.edited_at,
        )

    def _apply_edit(self, chat: FakeChat, message: BotMessage) -> JSONDict:
        message.edited_at = time.monotonic()
        message.edit_date = int(time.time())
        message.seq = self._next_seq()
        chat._log(f"< (edited #{message.message_id}) " + message.render())
        self._changed()
        return self._message_json(message)

    # -- methods -----------------------------------------------------------------------------

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

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        if not isinstance(scope, dict) or not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

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

    async def _m_send_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat_for(params)
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._validate_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        preview = params.get("link_preview_options")
        if params.get("disable_web_page_preview") and not preview:
            preview = {"is_disabled": True}
        message = BotMessage(
            chat_id=chat.id,
            message_id=chat._allocate_message_id(),
            kind="text",
            text=text,
            raw_text=str(params.get("text")),
            parse_mode=str(params["parse_mode"]) if params.get("parse_mode") else None,
            entities=entities,
            reply_markup=markup,
            date=int(time.time()),
            sent_at=time.monotonic(),
            seq=self._next_seq(),
            reply_to_message_id=reply_to,
            link_preview_options=preview if isinstance(preview, dict) else None,
            disable_notification=bool(params.get("disable_notification")),
        )
        return self._add_bot_message(chat, message)

    async def _m_edit_message_text(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        chat, message = self._find_message(params, "edit")
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        # without reply_markup, Telegram removes the inline keyboard
        markup = self._edit_markup(params)
        if (
            text == message.text
            and entities == message.entities
            and markup == _inline_markup(message.reply_markup)
        ):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message.history.append(self._snapshot(message))
        message.text = text
        message.raw_text = str(params.get("text"))
        message.parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        message.entities = entities
        message.reply_markup = markup
        preview = params.get("link_preview_options")
        if isinstance(preview, dict):
            message.link_preview_options = preview
        return self._apply_edit(chat, message)

    async def _m_edit_message_caption(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        chat, message = self._find_message(params, "edit")
        if message.kind == "text":
            raise _bad("there is no caption in the message to edit")
        caption, entities = self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        markup = self._edit_markup(params)
        if (
            caption == message.text
            and entities == message.entities
            and (markup == _inline_markup(message.reply_markup))
        ):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message.history.append(self._snapshot(message))
        message.text = caption
        message.caption = caption or None
        message.raw_text = params.get("caption")
        message.parse_mode = str(params["parse_mode"]) if params.get("parse_mode") else None
        message.entities = entities
        message.reply_markup = markup
        return self._apply_edit(chat, message)

    async def _m_edit_message_reply_markup(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> JSONDict:
        chat, message = self._find_message(params, "edit")
        markup = self._edit_markup(params)
        if markup == _inline_markup(message.reply_markup):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message.history.append(self._snapshot(message))
        message.reply_markup = markup
        return self._apply_edit(chat, message)

    async def _m_delete_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat_for(params, sending=False)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad("message identifier is not specified")
        self._delete(chat, message_id)
        return True

    async def _m_delete_messages(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat_for(params, sending=False)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a non-empty list of at most 100 ids")
        deleted = 0
        for message_id in ids:
            with contextlib.suppress(BotApiError):
                self._delete(chat, int(message_id))
                deleted += 1
        if not deleted:
            raise _bad("message to delete not found")
        return True

    def _delete(self, chat: FakeChat, message_id: int) -> None:
        message = chat._by_id.get(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            message.seq = self._next_seq()
            preview = message.text[:40] + ("…" if len(message.text) > 40 else "")
            chat._log(f"< (deleted #{message_id}) {preview}".rstrip())
            self._changed()
            return
        incoming = chat._incoming.get(message_id)
        if incoming is not None and not incoming.get("_deleted"):
            incoming["_deleted"] = True
            chat._log(f"< (deleted user message #{message_id})")
            self._changed()
            return
        raise _bad("message to delete not found")

    async def _m_answer_callback_query(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self._queries.get(query_id)
        if query is None or query.answer is not None:
            raise BotApiError(400, _QUERY_TOO_OLD)
        text = params.get("text")
        text = str(text) if text is not None and text != "" else None
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(text=text, show_alert=bool(params.get("show_alert")))
        query.answer = answer
        user = self.users.get(query.user_id)
        if user is not None:
            user.callback_answers.append(answer)
            if text:
                user._log(f"< ({'alert' if answer.show_alert else 'answer'}) " + _indent(text))
        self._next_seq()
        self._changed()
        return True

    async def _send_media(
        self,
        params: JSONDict,
        files: dict[str, UploadedFile],
        kind: str,
    ) -> JSONDict:
        chat = self._chat_for(params)
        upload = self._upload(params, files, kind)
        if upload is None or upload == "":
            raise _bad(f"there is no {kind} in the request")
        caption, entities = self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        markup = self._validate_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        data: bytes | None = None
        file_name: str | None = None
        mime_type: str | None = None
        reused: _StoredFile | None = None
        if isinstance(upload, UploadedFile):
            if not upload.data:
                raise _bad("file must be non-empty")
            data, file_name, mime_type = upload.data, upload.filename, upload.content_type
        elif upload in self._files:
            reused = self._files[upload]
            data, file_name, mime_type = reused.data, reused.file_name, reused.mime_type
        elif not re.match(r"^https?://", upload):
            raise _bad("wrong file identifier/HTTP URL specified")
        message = BotMessage(
            chat_id=chat.id,
            message_id=chat._allocate_message_id(),
            kind=kind,
            text=caption,
            raw_text=params.get("caption"),
            parse_mode=str(params["parse_mode"]) if params.get("parse_mode") else None,
            entities=entities,
            reply_markup=markup,
            date=int(time.time()),
            sent_at=time.monotonic(),
            seq=0,
            caption=caption or None,
            reply_to_message_id=reply_to,
            disable_notification=bool(params.get("disable_notification")),
        )
        if kind == "photo":
            size = _image_size(data) if data is not None else (800, 600)
            if size is None:
                if self.validate_images:
                    raise _bad("IMAGE_PROCESS_FAILED")
                size = (800, 600)
            message.photo = data
            message.photo_sizes = self._photo_sizes(data, *size)
        else:
            if reused is not None:
                stored = reused
            else:
                stored = self._store_file(
                    data,
                    "documents",
                    "",
                    mime_type=mime_type,
                    file_name=file_name or (upload.rsplit("/", 1)[-1] if data is None else None),
                )
            message.document = data
            message.document_name = stored.file_name
            document: JSONDict = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
            }
            if stored.file_name:
                document["file_name"] = stored.file_name
            if stored.mime_type:
                document["mime_type"] = stored.mime_type
            if data is not None:
                document["file_size"] = len(data)
            message.document_json = document
        message.seq = self._next_seq()
        return self._add_bot_message(chat, message)

    async def _m_send_photo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return await self._send_media(params, files, "photo")

    async def _m_send_document(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return await self._send_media(params, files, "document")

    async def _m_send_chat_action(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat_for(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        chat.chat_actions.append((str(action), time.monotonic()))
        return True

    async def _m_get_file(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        file_id = str(params.get("file_id") or "")
        stored = self._files.get(file_id)
        if stored is None or stored.data is None:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
