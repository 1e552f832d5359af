"""Delivery of proactive messages: the outbox dispatcher, its registry and the renderers.

`OutboxDispatcher` (`dispatcher.py`) runs as a long-lived task per process (started in
`post_init`, stopped in `post_shutdown`); `kinds.REGISTRY` joins each message kind's
domain rules with its renderer (`render.py`); `pacing.Pacer` is the one pacing mechanism
(on PostgreSQL `budget.SharedPacer`: the same, with its budget shared by all processes);
`calls.queue_action_call` queues a big call in chunks of their own transactions.
"""

from bot.delivery.batch import DispatchReport
from bot.delivery.dispatcher import OutboxDispatcher
from bot.delivery.render import render

__all__ = ["DispatchReport", "OutboxDispatcher", "render"]
