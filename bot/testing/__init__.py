"""Test and demo helpers: a fake Telegram Bot API server the real bot can talk to."""

from bot.testing.fake_bot_api import (
    BotApiError,
    BotMessage,
    CallbackAnswer,
    FakeBotAPI,
    FakeChannel,
    FakeChat,
    FakeUser,
    Gate,
    HtmlParseError,
    MessageVersion,
    RequestRecord,
    UploadedFile,
    make_png,
    parse_html,
    utf16_len,
)

__all__ = [
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
