"""Tests of the fake Telegram Bot API server, driven by the real PTB ``Bot``/``Application``.

These check that the fake behaves like Telegram where the project relies on it: PTB can
de-json everything, errors map to the right PTB exceptions, and the people API (send, press,
wait_for, transcript) reflects what the bot did.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox.fake_bot_api import FakeBotAPI, HtmlParseError, make_png, parse_html

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Ja", callback_data="yes"),
            InlineKeyboardButton("Nee", callback_data="no"),
        ]
    ]
)


@dataclass
class Seen:
    """What the tiny test bot received."""

    updates: list[Update] = field(default_factory=list)
    callback_data: list[str] = field(default_factory=list)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


@pytest.fixture
async def app(fake: FakeBotAPI) -> AsyncIterator[tuple[Application, Seen]]:
    """A real polling Application: echoes texts (with a Ja/Nee keyboard), answers presses."""
    seen = Seen()
    application = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.updates.append(update)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"<b>Echo</b>: {update.effective_message.text}",
            parse_mode=ParseMode.HTML,
            reply_markup=KEYBOARD,
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        seen.callback_data.append(query.data)
        await query.answer(f"Gekozen: {query.data}")
        await query.edit_message_text(f"Je koos {query.data}")

    application.add_handler(MessageHandler(filters.ALL, record), group=-1)
    application.add_handler(CallbackQueryHandler(record), group=-1)
    application.add_handler(MessageHandler(filters.TEXT & filters.ChatType.PRIVATE, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield application, seen
        finally:
            await application.updater.stop()
            await application.stop()


# --------------------------------------------------------------------------------------------
# basic API
# --------------------------------------------------------------------------------------------


async def test_get_me_and_urls(fake: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.username == "wijkbot_demo_bot"
    assert me.is_bot
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/bot"
    assert fake.base_file_url == f"http://127.0.0.1:{fake.port}/file/bot"
    assert fake.requests[-1].method == "getMe" and fake.requests[-1].status == 200


async def test_wrong_token_raises_invalid_token(fake: FakeBotAPI) -> None:
    wrong = Bot("999:WRONG", base_url=fake.base_url)
    try:
        with pytest.raises(InvalidToken, match="rejected by the server") as caught:
            await wrong.initialize()
    finally:
        await wrong.shutdown()
    assert "Unauthorized" in str(caught.value.__cause__)
    assert fake.requests[-1].status == 401
    assert fake.requests[-1].response == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }


async def test_unknown_method_is_404(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(Exception, match=r"(?i)not found"):
        await bot.do_api_request("sendTeleportation", api_kwargs={"chat_id": 1})
    assert fake.requests[-1].status == 404
    assert fake.unknown_methods == ["sendTeleportation"]


async def test_chat_not_found_and_commands(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hallo")
    await bot.set_my_commands([("start", "Begin"), ("help", "Hulp")], language_code="nl")
    commands = await bot.get_my_commands(language_code="nl")
    assert [(c.command, c.description) for c in commands] == [("start", "Begin"), ("help", "Hulp")]
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("Start!", "x")])
    assert await bot.set_my_description("Een buurtbot")
    assert await bot.set_my_short_description("Buurt")
    assert fake.description() == "Een buurtbot"
    assert await bot.delete_my_commands(language_code="nl")
    assert fake.commands(language_code="nl") == []


# --------------------------------------------------------------------------------------------
# with a polling Application
# --------------------------------------------------------------------------------------------


async def test_user_message_reaches_handler_and_reply_is_visible(
    fake: FakeBotAPI, app: tuple[Application, Seen]
) -> None:
    _, seen = app
    anna = fake.user(1001, "Anna", username="anna_a")
    mark = anna.mark()
    sent = await anna.send("/start abc")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    reply = await anna.wait_for("Echo: /start abc", after=mark)
    assert reply.raw_text == "<b>Echo</b>: /start abc"
    assert reply.parse_mode == "HTML"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert reply.buttons == [["Ja", "Nee"]]
    assert reply.button_data == {"Ja": "yes", "Nee": "no"}
    assert anna.last is reply and anna.messages == [reply]

    update = seen.updates[0]
    assert update.effective_user is not None and update.effective_user.id == 1001
    assert update.message is not None and update.message.text == "/start abc"
    entity = update.message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)

    mark = anna.mark()
    await anna.send("tweede")
    second = await anna.wait_for(after=mark)
    assert second.text == "Echo: tweede" and second.message_id > reply.message_id

    await fake.settle()  # nothing more is coming: exactly one reply after the mark
    assert anna.messages_after(mark) == [second]
    with pytest.raises(AssertionError, match=r"(?s)'nooit'.*Last messages.*< Echo: tweede"):
        await anna.wait_for("nooit", timeout=0.2)


async def test_pressing_a_button_delivers_data_and_answer(
    fake: FakeBotAPI, app: tuple[Application, Seen]
) -> None:
    _, seen = app
    anna = fake.user(1001, "Anna")
    await anna.send("kies")
    question = await anna.wait_for("Echo: kies")

    mark = anna.mark()
    query_id = await anna.press("Ja")
    answer = await anna.wait_for_callback_answer(query_id)
    assert answer == ("Gekozen: yes", False)
    assert seen.callback_data == ["yes"]

    edited = await anna.wait_for("Je koos yes", after=mark)
    assert edited is question and edited.edited
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert edited.history[0].text == "Echo: kies"
    assert anna.callback_answers == [("Gekozen: yes", False)]

    with pytest.raises(AssertionError, match="no inline button labelled 'Misschien'"):
        await anna.press("Misschien")

    # a stale button: press on an old message by id, with forged data
    await anna.send("nog eens")
    newer = await anna.wait_for("Echo: nog eens")
    assert newer.message_id != question.message_id
    await anna.press("Nee", message_id=newer.message_id)
    await anna.press_data("forged:1", message_id=question.message_id)
    await anna.wait_for("Je koos forged:1")
    assert seen.callback_data == ["yes", "no", "forged:1"]

    transcript = anna.transcript()
    assert "> kies" in transcript
    assert "< Echo: kies [Ja] [Nee]" in transcript
    assert "> [pressed: Ja]" in transcript
    assert "< (answer) Gekozen: yes" in transcript
    assert f"< (edited #{question.message_id}) Je koos yes" in transcript


def _keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=str(i)) for i, label in enumerate(labels)]]
    )


async def test_final_transcript_shows_each_text_once_with_its_last_buttons(
    fake: FakeBotAPI, bot: Bot
) -> None:
    anna = fake.user(1001, "Anna")
    checklist = await bot.send_message(
        1001, "Welke talen?", reply_markup=_keyboard("⬜ NL", "⬜ EN")
    )
    await anna.press("⬜ NL")
    await bot.edit_message_reply_markup(
        1001, checklist.message_id, reply_markup=_keyboard("✅ NL", "⬜ EN")
    )
    await anna.press("⬜ EN")
    await bot.edit_message_reply_markup(
        1001, checklist.message_id, reply_markup=_keyboard("✅ NL", "✅ EN")
    )
    await bot.edit_message_reply_markup(1001, checklist.message_id, reply_markup=None)
    question = await bot.send_message(1001, "Kom je?", reply_markup=_keyboard("Ja", "Nee"))
    await anna.press("Ja")
    await bot.edit_message_text("Je komt.", chat_id=1001, message_id=question.message_id)
    await anna.send("/help")
    await bot.edit_message_text("Je komt echt.", chat_id=1001, message_id=question.message_id)

    assert anna.final_transcript().splitlines() == [
        "< Welke talen? [✅ NL] [✅ EN]",
        "> [pressed: ⬜ NL]",
        "> [pressed: ⬜ EN]",
        "< Kom je? [Ja] [Nee]",
        "> [pressed: Ja]",
        "> /help",
        "< (edited) Je komt echt.",  # as sent and in its final state; "Je komt." is gone
    ]
    full = anna.transcript().splitlines()
    assert len(full) == 11  # the full log keeps every edit
    assert full[-3] == f"< (edited #{question.message_id}) Je komt."
    assert full[2] == f"< (edited #{checklist.message_id}) Welke talen? [✅ NL] [⬜ EN]"


async def test_long_poll_returns_promptly(fake: FakeBotAPI, bot: Bot) -> None:
    """A long poll waits until an update arrives, then answers at once (not at its timeout).

    No speed assumption: the poll's timeout (60 s) is far beyond the 30 s the test waits for
    its answer, so only a poll woken by the update can pass.
    """
    anna = fake.user(1001, "Anna")
    poll = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=90))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30  # a condition; the deadline only bounds a failing test
    while not fake.requests_for("getUpdates"):
        assert loop.time() < deadline, "the long poll never reached the server"
        await asyncio.sleep(0.01)
    assert fake.requests_for("getUpdates")[0].status == 0 and not poll.done()  # it waits
    await anna.send("hallo")
    updates = await asyncio.wait_for(poll, 30)
    assert [u.message.text for u in updates if u.message] == ["hallo"]

    # without confirmation the update is delivered again; offset confirms it
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert fake.pending_updates == 0

    # an empty long poll really waits for its timeout (a lower bound: a busy machine is
    # only ever later)
    t0 = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert loop.time() - t0 >= 0.9


async def test_channel_post_has_no_effective_user(
    fake: FakeBotAPI, app: tuple[Application, Seen]
) -> None:
    _, seen = app
    await fake.channel_post("Nieuws uit de wijk")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30  # a condition; the deadline only bounds a failing test
    while not any(u.channel_post for u in seen.updates):
        assert loop.time() < deadline, "channel post never reached the app"
        await asyncio.sleep(0.02)
    update = next(u for u in seen.updates if u.channel_post)
    assert update.effective_user is None
    assert update.effective_chat is not None and update.effective_chat.type == "channel"
    assert update.channel_post is not None and update.channel_post.text == "Nieuws uit de wijk"


# --------------------------------------------------------------------------------------------
# validation like Telegram
# --------------------------------------------------------------------------------------------


async def test_html_is_rendered_and_bad_html_refused(fake: FakeBotAPI, bot: Bot) -> None:
    anna = fake.user(1001, "Anna")
    message = await bot.send_message(
        1001,
        '  <b>Hallo</b> &amp; <i>welkom</i> in <a href="https://wijk.example/x">de wijk</a> '
        "&lt;3 &#128075;\n",
        parse_mode=ParseMode.HTML,
    )
    assert message.text == "Hallo & welkom in de wijk <3 👋"
    shown = anna.last
    assert shown is not None and shown.text == message.text
    assert shown.raw_text is not None and shown.raw_text.startswith("  <b>Hallo</b>")
    types = [(e.type, e.offset, e.length) for e in message.entities]
    assert types == [("bold", 0, 5), ("italic", 8, 6), ("text_link", 18, 7)]
    assert message.entities[2].url == "https://wijk.example/x"

    for bad in ("<b>x</i>", "a < b", "regel<br>regel", "<b>open", "Tom & Jerry", "1 > 0"):
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(1001, bad, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1001, "*x*", parse_mode=ParseMode.MARKDOWN_V2)
    # without parse_mode anything goes, shown verbatim
    plain = await bot.send_message(1001, "a < b & <b>c</b>")
    assert plain.text == "a < b & <b>c</b>" and not plain.entities
    assert len(anna.messages) == 2


async def test_text_length_limits(fake: FakeBotAPI, bot: Bot) -> None:
    fake.user(1001, "Anna")
    await bot.send_message(1001, "x" * 4096)
    # 4096 visible characters are fine even if the HTML source is longer
    await bot.send_message(1001, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(1001, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(1001, "<b> </b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(1001, make_png(), caption="y" * 1025)


async def test_callback_data_is_limited_to_64_bytes(fake: FakeBotAPI, bot: Bot) -> None:
    anna = fake.user(1001, "Anna")
    ok = "é" * 32  # 32 characters, 64 UTF-8 bytes
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data=ok)]])
    await bot.send_message(1001, "kies", reply_markup=markup)
    assert anna.last is not None and anna.last.button_data == {"ok": ok}
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("te lang", callback_data=ok + "x")]])
    # PTB capitalises Telegram's description: "BUTTON_DATA_INVALID" -> "Button_data_invalid"
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1001, "kies", reply_markup=too_long)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            1001, "kies", reply_markup={"inline_keyboard": [[{"text": "x", "callback_data": ""}]]}
        )
    assert len(anna.messages) == 1


async def test_edit_delete_and_answer_errors(fake: FakeBotAPI, bot: Bot) -> None:
    anna = fake.user(1001, "Anna")
    message = await bot.send_message(1001, "Hallo", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Hallo", chat_id=1001, message_id=message.message_id, reply_markup=KEYBOARD
        )
    edited = await bot.edit_message_text("Hoi", chat_id=1001, message_id=message.message_id)
    assert isinstance(edited, type(message)) and edited.edit_date is not None
    assert anna.last is not None and anna.last.text == "Hoi" and anna.last.buttons == []
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)
    await bot.edit_message_reply_markup(1001, message.message_id, reply_markup=KEYBOARD)
    assert anna.last.buttons == [["Ja", "Nee"]]

    assert await bot.delete_message(1001, message.message_id)
    assert anna.messages[0].deleted and anna.last is None
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(1001, message.message_id)

    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    second = await bot.send_message(1001, "Nog een", reply_markup=KEYBOARD)
    query_id = await anna.press("Ja")
    assert await bot.answer_callback_query(query_id, "Oké", show_alert=True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id, "nog eens")
    assert anna.callback_answers == [("Oké", True)]
    assert second.message_id == 2


async def test_photo_document_and_chat_action(fake: FakeBotAPI, bot: Bot) -> None:
    anna = fake.user(1001, "Anna")
    png = make_png(30, 20)
    photo_message = await bot.send_photo(1001, png, caption="<i>Kaart</i>", parse_mode="HTML")
    assert photo_message.photo[-1].width == 30 and photo_message.photo[-1].height == 20
    assert photo_message.caption == "Kaart"
    shown = anna.last
    assert shown is not None and shown.photo == png and shown.caption == "Kaart"
    file = await bot.get_file(photo_message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == png
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(1001, b"not an image")

    document = await bot.send_document(1001, b"a,b\n1,2\n", filename="lijst.csv")
    assert document.document is not None and document.document.file_name == "lijst.csv"
    assert anna.last is not None and anna.last.document_name == "lijst.csv"
    assert anna.last.document == b"a,b\n1,2\n"

    assert await bot.send_chat_action(1001, "typing")
    assert [action for action, _ in anna.chat_actions] == ["typing"]
    assert "< [photo] Kaart" in anna.transcript()
    assert "< [document: lijst.csv]" in anna.transcript()

    # what people send arrives in realistic shapes PTB can parse
    await anna.send_sticker()
    await anna.send_voice()
    await anna.send_photo()
    await anna.send_contact()
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message]
    assert messages[0].sticker is not None and messages[0].sticker.emoji == "👍"
    assert messages[1].voice is not None and messages[1].voice.api_kwargs == {}
    assert messages[1].voice.to_dict()["duration"] == 3
    assert messages[2].photo and messages[3].contact is not None
    assert all(m.text is None for m in messages)
    user_photo = await bot.get_file(messages[2].photo[-1].file_id)
    assert (await user_photo.download_as_bytearray())[:4] == b"\x89PNG"


# --------------------------------------------------------------------------------------------
# error injection
# --------------------------------------------------------------------------------------------


async def test_429_raises_retry_after(fake: FakeBotAPI, bot: Bot) -> None:
    fake.user(1001, "Anna")
    fake.fail_next("sendMessage", 429, retry_after=7)
    # PTB 22 warns (even while building the exception) that retry_after becomes a timedelta
    with warnings.catch_warnings(), pytest.raises(RetryAfter) as caught:
        warnings.simplefilter("ignore")
        await bot.send_message(1001, "eerste")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        retry_after = caught.value.retry_after
    assert retry_after == 7 or getattr(retry_after, "seconds", None) == 7
    assert fake.requests[-1].status == 429
    assert fake.requests[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    await bot.send_message(1001, "tweede")  # only the next call failed
    statuses = [r.status for r in fake.requests_for("sendMessage", chat_id=1001)]
    assert statuses == [429, 200]
    assert fake.user(1001).messages[0].text == "tweede"


async def test_403_and_5xx(fake: FakeBotAPI, bot: Bot) -> None:
    anna = fake.user(1001, "Anna")
    anna.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "hallo?")
    anna.unblock()
    await bot.send_message(1001, "hallo!")

    fake.fail_next("sendMessage", 403, chat_id=1001)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "weer weg")
    fake.fail_next("*", 500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(1001, "x")
    fake.fail_next("sendMessage", 502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(1001, "x")
    await bot.send_message(1001, "weer goed")
    assert [m.text for m in anna.messages] == ["hallo!", "weer goed"]

    stranger = fake.user(2002, "Bram", started=False)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "hoi")

    # blocking is visible to the bot as my_chat_member updates, like on Telegram
    updates = await bot.get_updates(timeout=0)
    statuses = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert statuses == ["kicked", "member"]


async def test_request_log_supports_pacing_assertions(fake: FakeBotAPI, bot: Bot) -> None:
    anna = fake.user(1001, "Anna")
    fake.user(1002, "Bram")
    for chat_id in (1001, 1002, 1001):
        await bot.send_message(chat_id, "bericht")
    records = fake.requests_for("sendMessage")
    assert [r.chat_id for r in records] == [1001, 1002, 1001]
    assert all(r.ok for r in records)
    times = [r.time for r in records]
    assert times == sorted(times) and all(t <= time.monotonic() for t in times)
    assert records[0].params == {"chat_id": 1001, "text": "bericht"}

    question = await anna.send("Hoe laat?")
    await bot.send_message(1001, "Om acht uur", reply_to_message_id=question["message_id"])
    assert anna.last is not None and anna.last.reply_to_message_id == question["message_id"]
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(1001, "?", reply_to_message_id=999)


# --------------------------------------------------------------------------------------------
# the HTML parser on its own
# --------------------------------------------------------------------------------------------


def test_parse_html_entities_and_errors() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre> <tg-spoiler>geheim</tg-spoiler>'
        " 😀<u>o</u>"
    )
    assert text == "x = 1 geheim 😀o"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 6, "length": 6},
        {"type": "underline", "offset": 15, "length": 1},  # the emoji counts 2 UTF-16 units
    ]
    with pytest.raises(HtmlParseError, match='Unsupported start tag "br"'):
        parse_html("a<br>b")
    with pytest.raises(HtmlParseError, match='expected "</b>", found "</i>"'):
        parse_html("<b>x</i>")
    with pytest.raises(HtmlParseError, match='Can\'t find end tag corresponding to start tag "b"'):
        parse_html("<b>x")
    with pytest.raises(HtmlParseError, match='must have class "tg-spoiler"'):
        parse_html('<span class="x">y</span>')
    # Telegram itself tolerates a bare ">" and unknown "&..."; the lenient mode does too
    assert parse_html("1 > 0 &nbsp;", strict=False) == ("1 > 0 &nbsp;", [])
