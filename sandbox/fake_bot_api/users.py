"""A person in a private chat with the bot: :class:`FakeUser` (acts and observes)."""

from __future__ import annotations

import asyncio
import copy
import re
import time
from typing import TYPE_CHECKING

from sandbox.fake_bot_api.chats import FakeChat
from sandbox.fake_bot_api.gate import WAIT_SECONDS
from sandbox.fake_bot_api.limits import _INLINE_BUTTON_ACTIONS, MAX_TEXT_LENGTH, JSONDict
from sandbox.fake_bot_api.media import _image_size, make_png
from sandbox.fake_bot_api.messages import BotMessage, CallbackAnswer, visible
from sandbox.fake_bot_api.telegram_html import _indent

if TYPE_CHECKING:
    from sandbox.fake_bot_api.server import FakeBotAPI


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
                    if visible(str(button.get("text"))) == visible(label):
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
        """Press the inline button labelled exactly ``label`` (a ``callback_query`` update;
        FSI/PDI name-isolation marks are ignored, see :func:`messages.visible`).

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
