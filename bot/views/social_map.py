"""The sociale kaart (`/sociale_kaart`): which organisation does what in the reader's area,
with phone and walk-in hours where known. Unknown fields say so; a number is never guessed
(the data file, `storage/data/organisations-*.toml`, leaves out what was not checked).
Descriptions are kept as the data file has them (Dutch).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as esc
from typing import TYPE_CHECKING

from bot.domain.vocabulary import OrganisationKind
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.domain.coupling.organisations import SocialMapEntry


def kind_label(t: Translator, kind: str) -> str:
    """The organisation kind in the reader's words (glossary)."""
    labels = {
        OrganisationKind.NEIGHBOURHOOD_TEAM: t.gettext("neighbourhood team (buurtteam)"),
        OrganisationKind.SOCIAL_BASE: t.gettext("social base (welfare and community work)"),
        OrganisationKind.HOUSING_CORPORATION: t.gettext("housing corporation"),
        OrganisationKind.AREA_BROKER: t.gettext("area broker of the municipality"),
        OrganisationKind.DISTRICT: t.gettext("district (stadsdeel)"),
        OrganisationKind.RESIDENT_INITIATIVE: t.gettext("resident initiative"),
    }
    return labels.get(kind, t.gettext("organisation"))  # type: ignore[call-overload]


def social_map_text(t: Translator, area_name: str, entries: Sequence[SocialMapEntry]) -> str:
    """The sociale kaart as Telegram HTML (a handful of organisations: far below 4,096
    characters; each field is at most 300 characters by the data file's rules)."""
    head = t.gettext("<b>Social map (sociale kaart): {area}</b>", area=esc(area_name))
    if not entries:
        return head + "\n" + t.gettext("No organisations are known for your area yet.")
    blocks = [
        head
        + "\n"
        + t.gettext("Who can help in your neighbourhood. You can also call them yourself."),
    ]
    for entry in entries:
        lines = [f"<b>{esc(entry.name)}</b> ({esc(kind_label(t, entry.kind))})"]
        if entry.description:
            lines.append(esc(entry.description))
        lines.append(
            t.gettext("📞 {phone}", phone=esc(entry.phone))
            if entry.phone
            else t.gettext("📞 Phone number not known yet: ask your coordinator.")
        )
        lines.append(
            t.gettext("🕒 Walk-in: {hours}", hours=esc(entry.walk_in_hours))
            if entry.walk_in_hours
            else t.gettext("🕒 Walk-in hours not known yet.")
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
