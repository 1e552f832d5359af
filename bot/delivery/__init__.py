"""Delivery of proactive messages: the outbox dispatcher and the message renderer.

`OutboxDispatcher` (see `dispatcher.py`) is ticked by the PTB JobQueue; `render` (see
`render.py`) turns an outbox row's message key into text and buttons in the reader's
language.
"""

from bot.delivery.dispatcher import DispatchReport, OutboxDispatcher
from bot.delivery.render import render

__all__ = ["DispatchReport", "OutboxDispatcher", "render"]
