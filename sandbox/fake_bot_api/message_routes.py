"""Bot API methods about messages: send, edit, delete, answer presses, media, files."""

from __future__ import annotations

import contextlib
import copy
import re
import time

from sandbox.fake_bot_api.chats import FakeChat
from sandbox.fake_bot_api.errors import _NOT_MODIFIED, _QUERY_TOO_OLD, BotApiError, _bad
from sandbox.fake_bot_api.limits import _CHAT_ACTIONS, MAX_CALLBACK_ANSWER_LENGTH, JSONDict
from sandbox.fake_bot_api.media import _image_size, _StoredFile
from sandbox.fake_bot_api.messages import BotMessage, CallbackAnswer, UploadedFile
from sandbox.fake_bot_api.routes import BotRoutes
from sandbox.fake_bot_api.telegram_html import _indent, _inline_markup


class MessageRoutes(BotRoutes):
    """``sendMessage``, edits, deletes, ``answerCallbackQuery``, media and ``getFile``."""

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

    async def _m_copy_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        """``copyMessage``: a copy of a text, voice note or contact (a person's or the bot's
        own) in another chat, without a link to the original; answers a ``MessageId``."""
        chat = self._chat_for(params)
        source_chat = self._chats.get(params.get("from_chat_id"))  # type: ignore[arg-type]
        if source_chat is None:
            raise _bad("chat not found")
        message_id = params.get("message_id")
        source = source_chat._incoming.get(message_id)  # type: ignore[arg-type]
        if source is None and message_id in source_chat._by_id:
            source = self._message_json(source_chat._by_id[message_id])  # type: ignore[index]
        if source is None or source.get("_deleted"):
            raise _bad("message to copy not found")
        markup = self._validate_markup(params.get("reply_markup"))
        kind, payload = "text", None
        for media in ("voice", "contact"):
            if media in source:
                kind, payload = media, {media: copy.deepcopy(source[media])}
        if kind == "text" and "text" not in source:
            raise _bad("the message can't be copied by the fake server")
        message = BotMessage(
            chat_id=chat.id,
            message_id=chat._allocate_message_id(),
            kind=kind,
            text=source.get("text", ""),
            raw_text=source.get("text"),
            parse_mode=None,
            entities=copy.deepcopy(source.get("entities", [])),
            reply_markup=markup,
            date=int(time.time()),
            sent_at=time.monotonic(),
            seq=self._next_seq(),
            reply_to_message_id=self._reply_to(chat, params),
            disable_notification=bool(params.get("disable_notification")),
            payload=payload,
        )
        self._add_bot_message(chat, message)
        return {"message_id": message.message_id}

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
