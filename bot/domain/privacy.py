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
    "person": ("display_name",),
    "ptb_state": ("key", "value"),  # conversation keys hold Telegram ids
    "outbox_message": ("args", "dedup_key", "last_error"),
    "help_request": ("note",),  # a resident's own words about their need
    "hand_over": ("reason",),  # a partner's answer about one resident's request
    "couple": ("meeting_place",),  # where two people meet for their kennismaking
    # a resident without Telegram: the number to call them back on (bot.domain.coupling.
    # on_behalf); the row goes with the person
    "offline_resident": ("phone",),
}

#: Organisational text: stays after erasure, its author column is set to NULL.
ORGANISATIONAL: dict[str, tuple[str, ...]] = {
    "action": ("title", "meeting_place"),
    "area": ("key", "code", "name"),
    # the sociale kaart: organisations' names, descriptions, phone and walk-in hours
    "organisation": ("key", "name", "description", "phone", "walk_in_hours"),
    "area_theme": ("key", "name"),
    "action_result": ("street",),  # a street name, never a flat number or a name
    "flyer": ("label",),  # where a flyer hangs
    # a place signal (issue 10 §3): about a building, portiek or public space, never a
    # person (street and house number, no flat numbers, no names); the partner's typed
    # "niet voor ons". Stays for the organisation when the sender is erased (sender NULL);
    # purged by retention (bot.domain.signal_jobs).
    "signal": ("text", "reason"),
}

#: Organisational tables without any text column (ids only), named so each was decided:
#: `action_organisation` links an action to a co-organising partner organisation (issue
#: 10 item 1); it holds no personal data and stays after any erasure.
ORGANISATIONAL_LINKS: tuple[str, ...] = ("action_organisation",)

#: Author columns of organisational rows (set to NULL on erasure).
AUTHOR_COLUMNS: dict[str, str] = {
    "action": "created_by_id",
    "invite": "created_by_id",
    "area_theme": "created_by_id",
    "action_result": "person_id",
    "signal": "sender_id",  # and answered_by_id (both ON DELETE SET NULL)
}

#: Values from fixed lists, and hashes.
CODES: dict[str, tuple[str, ...]] = {
    "area": ("level",),
    "person": ("role", "language"),
    "offer": ("task",),
    "help_request": ("status",),
    "help_request_task": ("task",),
    "help_request_language": ("language",),
    "help_request_slot": ("day_part",),
    "help_request_change": ("from_status", "to_status"),
    "person_language": ("language",),
    "organisation": ("kind",),
    "proposal": ("status", "volunteer_answer", "resident_answer"),
    "hand_over": ("answer",),
    "check_in": ("answer",),
    "action_result_theme": ("theme",),
    "availability_slot": ("day_part",),
    "invite": ("token_hash", "role"),
    "action": ("kind", "status", "language"),
    "rsvp": ("answer", "status"),
    "outbox_message": ("message_key", "status", "claimed_by"),
    "outbox_sender": ("instance_id",),  # a process's id (host name + random), no person
    "outbox_budget": ("name",),  # the one budget row's name ("bot"), no person
    "ptb_state": ("kind",),
    "person_consent": ("purpose", "answer"),
    "alembic_version": ("version_num",),
    # issue 7: a coordinator's notice choice per action; their cover (`person.away_until`,
    # `person.stand_in_id`: a date and an id, erased with the row / set NULL by the FK)
    "action_notice_level": ("level",),
    "signal": ("status",),
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
