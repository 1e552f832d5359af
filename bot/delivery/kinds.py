"""The one registry of outbox message kinds, as the dispatcher sees it.

Per `MessageKind`: the domain's rules (`bot.domain.outbox.RULES`: needs an action, the
"still true?" check, expiry, dedup key, quiet hours) joined with the renderer
(`bot.delivery.render.RENDERERS`). The dispatcher asks only this registry; a kind missing
on either side fails at import time, so adding a kind cannot be half done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.delivery.render import RENDERERS, Rendered
from bot.domain.outbox import RULES, KindRule, MessageKind


@dataclass(frozen=True)
class Kind:
    """One registered kind: its domain rule and its renderer."""

    kind: MessageKind
    rule: KindRule
    render: Callable[..., Rendered]


def _build() -> dict[MessageKind, Kind]:
    missing = (set(MessageKind) - set(RULES)) | (set(MessageKind) - set(RENDERERS))
    if missing:
        raise RuntimeError(f"message kinds without a rule or renderer: {sorted(missing)}")
    return {kind: Kind(kind, RULES[kind], RENDERERS[kind]) for kind in MessageKind}


REGISTRY: dict[MessageKind, Kind] = _build()
