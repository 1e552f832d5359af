"""Cleaning text that people type or that Telegram gives us (names), before it is stored.

Rules (issue 9, findings 6 and 7):
- `clean_text`: C0 control characters (U+0000..U+001F) except the newline, and DEL
  (U+007F), are removed. PostgreSQL refuses NUL in text columns, and control characters
  confuse terminals and logs.
- `clean_name`: every character of Unicode category Cc (controls) or Cf (format: zero-width
  spaces and joiners, bidi embeddings/overrides/isolates such as U+202E, soft hyphen) is
  removed (tabs and newlines become spaces), whitespace runs become one space, and at
  most `max_length` characters are kept. A name with nothing visible left becomes "?".
- `isolate`: wraps a name in FIRST STRONG ISOLATE (U+2068) .. POP DIRECTIONAL ISOLATE
  (U+2069), so a right-to-left name cannot reorder the sentence it sits in (Unicode
  Bidirectional Algorithm, UAX #9, section 2.7).
"""

from __future__ import annotations

import re
import unicodedata

_C0_EXCEPT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
FSI = "\u2068"
PDI = "\u2069"
UNKNOWN_NAME = "?"


def clean_text(text: str | None) -> str:
    """The text without C0 control characters (newline kept) and DEL; None gives ""."""
    return _C0_EXCEPT_NEWLINE.sub("", text or "")


def clean_name(name: str | None, max_length: int = 64) -> str:
    """A one-line display name: no Cc/Cf characters, single spaces, at most `max_length`
    characters; "?" when nothing visible remains (e.g. only zero-width characters)."""
    kept = "".join(
        " " if c.isspace() else c
        for c in (name or "")
        if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf")
    )
    kept = " ".join(kept.split())[:max_length].strip()
    if not any(unicodedata.category(c)[0] in "LNPS" for c in kept):
        return UNKNOWN_NAME
    return kept


def isolate(name: str) -> str:
    """The name wrapped in FSI..PDI, for use inside a sentence or list line."""
    return f"{FSI}{name}{PDI}"
