"""Reading a call's parameters like Telegram does (query, JSON, forms; coercion)."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from sandbox.fake_bot_api.errors import _bad
from sandbox.fake_bot_api.limits import JSONDict
from sandbox.fake_bot_api.messages import UploadedFile

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


async def read_params(request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """The parameters of one call (query, JSON, form or multipart) and its uploaded files.

    Raises:
        BotApiError: 400 when a JSON body is not a JSON object.
    """
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
                    files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                elif isinstance(value, str):
                    raw[key] = value
                else:  # pragma: no cover - bytes parts without file name
                    raw[key] = bytes(value).decode("utf-8", "replace")
    params = {key: _coerce(key, value) for key, value in raw.items()}
    for key, upload in files.items():
        params.setdefault(key, upload)
    return params, files
