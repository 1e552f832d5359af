"""The nl and en catalogs are complete and consistent with the code.

Every string the code marks for translation (t.gettext / t.ngettext / N_) must be in both
catalogs with a non-empty translation, and translations must keep the same {placeholders}
(a missing one would raise KeyError at run time, a broken tag would make Telegram refuse
the HTML).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT

KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?(\w+)")


def code_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(PROJECT_ROOT / "bot"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str):
    path = Path(PROJECT_ROOT / "locales" / lang / "LC_MESSAGES" / "wijkbot.po")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_code_string_is_translated(lang: str) -> None:
    cat = catalog(lang)
    missing = []
    for msgid in sorted(code_messages()):
        message = cat.get(msgid)
        strings = (
            []
            if message is None
            else list(message.string)
            if isinstance(message.string, tuple)
            else [message.string]
        )
        if not strings or not all(strings):
            missing.append(msgid)
    assert not missing, f"{lang}: {len(missing)} untranslated: {missing[:10]}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_translations_keep_placeholders_and_tags(lang: str) -> None:
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want_ph = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        want_tags = sorted(TAG.findall(ids[0]))
        for string in strings:
            if not string:
                continue
            if not set(PLACEHOLDER.findall(string)) <= want_ph:
                problems.append((ids[0], string))
            if sorted(TAG.findall(string)) != want_tags:
                problems.append((ids[0], string))
    assert not problems, problems[:5]


# Entries whose Dutch is the same as the English on purpose ("buurt" is the field's word
# in both languages, see the glossary).
SAME_IN_BOTH: set[str] = set()


def test_dutch_is_really_dutch() -> None:
    cat = catalog("nl")
    same = [
        m.id
        for m in cat
        if m.id
        and isinstance(m.id, str)
        and m.string == m.id
        and len(m.id) > 12
        and " " in m.id
        and m.id not in SAME_IN_BOTH
    ]
    assert not same, f"nl entries identical to the English source: {same[:5]}"
