"""Which stored text is *personal* and which is *organisational* (one place; issue 9).

- Personal text is about or by a person: erasure deletes it (with the row it sits in).
- Organisational text belongs to the network's work (an action's title and meeting place,
  an area's name): erasure keeps it and only sets its author column to NULL.
- Codes are values from fixed lists (roles, statuses, task codes, message keys), and
  secrets are hashes: neither identifies anyone.

Every text or JSON column of the schema must be named here; `tests/storage/
test_erasure_scan.py` fails when a new one is not, so each later feature decides.
"""

from __future__ import annotations

#: Columns holding personal data; erasing a person deletes their rows.
PERSONAL: dict[str, tuple[str, ...]] = {
    "person": ("display_name", "spoken_languages"),
    "ptb_state": ("key", "value"),  # conversation keys hold Telegram ids
    "outbox_message": ("args", "dedup_key", "last_error"),
}

#: Organisational text: stays after erasure, its author column is set to NULL.
ORGANISATIONAL: dict[str, tuple[str, ...]] = {
    "action": ("title", "meeting_place"),
    "area": ("key", "code", "name"),
}

#: Author columns of organisational rows (set to NULL on erasure).
AUTHOR_COLUMNS: dict[str, str] = {"action": "created_by_id", "invite": "created_by_id"}

#: Values from fixed lists, and hashes.
CODES: dict[str, tuple[str, ...]] = {
    "area": ("level",),
    "person": ("role", "language"),
    "offer": ("task",),
    "help_request": ("task", "status"),
    "availability_slot": ("day_part",),
    "invite": ("token_hash", "role"),
    "action": ("kind", "status"),
    "rsvp": ("answer", "status"),
    "outbox_message": ("message_key", "status"),
    "ptb_state": ("kind",),
    "person_consent": ("purpose",),
    "alembic_version": ("version_num",),
}


def classification(table: str, column: str) -> str | None:
    """'personal', 'organisational' or 'code' for a text/JSON column; None if unnamed."""
    for name, table_map in (
        ("personal", PERSONAL),
        ("organisational", ORGANISATIONAL),
        ("code", CODES),
    ):
        if column in table_map.get(table, ()):
            return name
    return None
