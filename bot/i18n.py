"""Translations (gettext catalogs in `locales/`, via Babel) and locale-aware formatting.

Source strings (msgids) are English; `locales/nl` and `locales/en` hold complete catalogs.
The `.po` files are compiled in memory at start-up with Babel, so a stale `.mo` can never
be served. Language choice: the person's stored preference, then Telegram's
`language_code`, then the default (nl) — see `pick_language`.

Project commands (see README): `pybabel extract -F babel.cfg -o locales/wijkbot.pot .`,
`pybabel update -i locales/wijkbot.pot -d locales -D wijkbot`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.config import SUPPORTED_LANGUAGES

DOMAIN = "wijkbot"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def load_catalogs(locales_dir: Path) -> dict[str, Translations]:
    """Compile `locales/<lang>/LC_MESSAGES/wijkbot.po` for each supported language.

    Raises `FileNotFoundError` if a catalog is missing.
    """
    catalogs: dict[str, Translations] = {}
    for lang in SUPPORTED_LANGUAGES:
        po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        catalogs[lang] = Translations(fp=buf, domain=DOMAIN)
    return catalogs


@dataclass(frozen=True)
class Translator:
    """Everything a handler or renderer needs to speak one language.

    `tz` is the wall-clock zone for showing times (Europe/Amsterdam by default).
    """

    language: str
    translations: Translations
    tz: ZoneInfo

    def gettext(self, message: str, **kwargs: object) -> str:
        """Translate and fill named placeholders: `t.gettext("Hi {name}", name=...)`."""
        text = self.translations.gettext(message)
        return text.format(**kwargs) if kwargs else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **kwargs: object) -> str:
        """Plural-aware translation (Babel/CLDR plural rules); `n` is also a placeholder."""
        text = self.translations.ngettext(singular, plural, n)
        return text.format(n=n, **kwargs)

    def datetime(self, when: dt.datetime) -> str:
        """'zaterdag 5 december om 14:00' / 'Saturday 5 December at 14:00'."""
        # Translators: a CLDR date pattern; keep the quotes around literal words.
        pattern = self.translations.gettext("EEEE d MMMM 'at' HH:mm")
        return format_datetime(when, pattern, tzinfo=self.tz, locale=self.language)

    def date(self, day: dt.date) -> str:
        """'zaterdag 5 december' / 'Saturday 5 December'."""
        return format_date(day, "EEEE d MMMM", locale=self.language)

    def weekday_date(self, day: dt.date) -> str:
        """'zondag 6 dec' / 'Sunday 6 Dec' (a whole weekday, so 'zo' is never read as 'zo')."""
        return format_date(day, "EEEE d MMM", locale=self.language)

    def short_date(self, day: dt.date) -> str:
        """'za 5 dec' / 'Sat 5 Dec' (for buttons)."""
        return format_date(day, "EEE d MMM", locale=self.language)

    def time(self, when: dt.datetime) -> str:
        """'14:00' in the wall-clock zone."""
        return format_time(when, "HH:mm", tzinfo=self.tz, locale=self.language)

    def weekday(self, weekday: int) -> str:
        """Weekday name, 0 = Monday: 'maandag' / 'Monday'."""
        return Locale.parse(self.language).days["format"]["wide"][weekday]

    def short_weekday(self, weekday: int) -> str:
        """Abbreviated weekday, 0 = Monday: 'ma' / 'Mon'."""
        return Locale.parse(self.language).days["format"]["abbreviated"][weekday]


class I18n:
    """All catalogs of this process; `translator(lang)` falls back to the default language."""

    def __init__(self, locales_dir: Path, *, default_language: str, tz: ZoneInfo) -> None:
        self.catalogs = load_catalogs(locales_dir)
        self.default_language = default_language
        self.tz = tz

    def translator(self, language: str | None) -> Translator:
        lang = language if language in self.catalogs else self.default_language
        return Translator(lang, self.catalogs[lang], self.tz)

    def pick_language(self, stored: str | None, telegram_code: str | None) -> str:
        """Stored preference, then Telegram's language_code ('nl-BE' -> 'nl'), then default."""
        if stored in self.catalogs:
            return stored
        if telegram_code:
            base = telegram_code.split("-")[0].lower()
            if base in self.catalogs:
                return base
        return self.default_language
