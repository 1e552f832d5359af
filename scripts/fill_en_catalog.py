"""Fill empty entries of the English catalog with their (English) msgid.

The msgids are English, so the en catalog is the identity; this keeps it complete after
`pybabel update`. Usage: python scripts/fill_en_catalog.py
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parent.parent / "locales" / "en" / "LC_MESSAGES" / "wijkbot.po"


def main() -> None:
    with PATH.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with PATH.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    print(f"filled {filled} entries in {PATH}")


if __name__ == "__main__":
    main()
