"""Value types: uploaded files, recorded requests, bot messages and their versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sandbox.fake_bot_api.limits import JSONDict
from sandbox.fake_bot_api.telegram_html import _indent

#: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: invisible marks a bot puts around a
#: name so a right-to-left name cannot reorder the sentence (Unicode UAX #9).
ISOLATES = str.maketrans("", "", "\u2068\u2069")


def visible(text: str) -> str:
    """`text` without FSI/PDI isolation marks: what a reader sees of it. Matching by
    substring or label (`FakeChat.wait_for`, `FakeUser.press`) uses this; `.text` and
    `.labels` keep the marks, so exact comparisons show them."""
    return text.translate(ISOLATES)


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
    #: For copies (``copyMessage``) of voice notes and contacts: ``{"voice": {...}}`` or
    #: ``{"contact": {...}}``, as in the copied message.
    payload: JSONDict | None = None

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
        elif self.kind == "voice" and self.payload:
            parts.append(f"[voice {self.payload['voice'].get('duration', 0)}s]")
        elif self.kind == "contact" and self.payload:
            contact = self.payload["contact"]
            parts.append(f"[contact {contact.get('first_name', '')} {contact['phone_number']}]")
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


@dataclass
class _CallbackQuery:
    query_id: str
    chat_id: int
    user_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None
