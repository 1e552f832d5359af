"""Chats the bot writes to: the base :class:`FakeChat` and :class:`FakeChannel`."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.fake_bot_api.gate import WAIT_SECONDS
from sandbox.fake_bot_api.limits import JSONDict
from sandbox.fake_bot_api.messages import BotMessage, visible
from sandbox.fake_bot_api.telegram_html import _indent

if TYPE_CHECKING:
    from sandbox.fake_bot_api.server import FakeBotAPI


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
        # the same events, but each text of a bot message is one entry (see final_transcript)
        self._story: list[str | _Shown] = []
        self._shown: dict[int, _Shown] = {}  # message_id -> entry of its current text

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
        self._story.append(line)

    def _log_sent(self, message: BotMessage) -> None:
        """The bot sent ``message``: a transcript line and a story entry."""
        rendered = message.render()
        self._transcript.append("< " + rendered)
        self._show(message, "< ", rendered)

    def _log_edit(self, message: BotMessage) -> None:
        """The bot edited ``message``: a transcript line; in the story a new entry only when
        the text changed, else the entry of this text shows the new buttons (if any)."""
        rendered = message.render()
        self._transcript.append(f"< (edited #{message.message_id}) " + rendered)
        shown = self._shown.get(message.message_id)
        if shown is not None and shown.text == message.text:
            if message.buttons:  # taking the buttons away keeps the last ones in the story
                shown.rendered = rendered
        else:
            if shown is not None and shown.prefix == "< (edited) " and self._quiet_since(shown):
                # An intermediate text the bot sent nothing after (the steps of a wizard) is
                # not worth reading: the story keeps the text as sent and the final text,
                # where its last edit happened. One followed by other messages (a waiting
                # list place, then "a place came free") stays: it is part of the story.
                self._story = [e for e in self._story if e is not shown]
            self._show(message, "< (edited) ", rendered)

    def _quiet_since(self, shown: _Shown) -> bool:
        """True when the bot sent no new message after the story entry `shown`."""
        index = next(i for i, e in enumerate(self._story) if e is shown)
        return not any(isinstance(e, _Shown) and e.prefix == "< " for e in self._story[index + 1 :])

    def _show(self, message: BotMessage, prefix: str, rendered: str) -> None:
        shown = _Shown(message.text, prefix, rendered)
        self._shown[message.message_id] = shown
        self._story.append(shown)

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

    def final_transcript(self) -> str:
        """The chat log with each text the bot showed once, in its final state (for reading).

        Like :meth:`transcript`, but an edit that changes only the buttons (a checklist ticked
        five times, buttons taken away after a choice) is not a line of its own: the message
        appears once, where it was sent, with the last buttons it had (so a checklist shows
        what was ticked, a question the choices it offered). An edit that changes the text
        appears where it happened, as ``< (edited) ...``, again with the last buttons of that
        text; a later text edit replaces it (moved to where that edit happened) unless the
        bot sent other messages in between, so a wizard's message shows twice: as sent and
        in its final state. Everything else (what
        people typed and pressed, callback answers, deletions) is as in :meth:`transcript`.
        """
        return "\n".join(e if isinstance(e, str) else e.prefix + e.rendered for e in self._story)

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
            contains: substring that must occur in the plain text (:attr:`BotMessage.text`;
                FSI/PDI name-isolation marks are ignored, see :func:`messages.visible`).
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
                and (contains is None or contains in visible(m.text))
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


@dataclass
class _Shown:
    """One text of a bot message in :meth:`FakeChat.final_transcript` (updated in place)."""

    text: str
    prefix: str
    rendered: str
