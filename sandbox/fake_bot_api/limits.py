"""Telegram's limits and the small constants the fake server's modules share."""

from __future__ import annotations

import re
from typing import Any

JSONDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
"""Maximum message text length, in characters, after entity parsing."""
MAX_CAPTION_LENGTH = 1024
"""Maximum media caption length, in characters, after entity parsing."""
MAX_CALLBACK_DATA_BYTES = 64
"""Maximum ``callback_data`` length in UTF-8 bytes (minimum is 1)."""
MAX_CALLBACK_ANSWER_LENGTH = 200

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
