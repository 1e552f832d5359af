"""Shared steps of the Bot API methods: find the chat, format text, check markup, store."""

from __future__ import annotations

import contextlib
import copy
import re
import time
from typing import Any

from sandbox.fake_bot_api.chats import FakeChannel, FakeChat
from sandbox.fake_bot_api.control import Controls
from sandbox.fake_bot_api.errors import _BLOCKED, _CANT_INITIATE, BotApiError, _bad
from sandbox.fake_bot_api.limits import (
    _INLINE_BUTTON_ACTIONS,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    JSONDict,
)
from sandbox.fake_bot_api.media import _StoredFile
from sandbox.fake_bot_api.messages import BotMessage, MessageVersion, UploadedFile, _CallbackQuery
from sandbox.fake_bot_api.telegram_html import HtmlParseError, _trim, parse_html
from sandbox.fake_bot_api.users import FakeUser


class Outgoing(Controls):
    """Helpers the Bot API methods share."""

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
            elif message.payload:
                data.update(copy.deepcopy(message.payload))
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
        chat._log_sent(message)
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
        chat._log_edit(message)
        self._changed()
        return self._message_json(message)
