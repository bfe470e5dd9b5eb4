"""Site chrome in the reader's language: gettext catalogues (`templates/i18n/LANG.po`,
French and English built in, a project's own catalogue overriding message by
message) and Babel's localized dates ("9 décembre 2025").
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

FALLBACK = "en"  # chrome language for a post language with no catalogue


def base_language(language: str) -> str:
    return language.split("-")[0].lower()


@lru_cache(maxsize=64)
def locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


TERRITORY = {"fr": "FR", "en": "US", "de": "DE", "es": "ES", "it": "IT", "pt": "PT", "nl": "NL"}


def og_locale(language: str) -> str:
    """OpenGraph's language_TERRITORY: fr -> fr_FR, en -> en_US, pt-BR -> pt_BR."""
    if "-" in language:
        return language.replace("-", "_")
    territory = TERRITORY.get(language.lower())
    return f"{language.lower()}_{territory}" if territory else language.lower()


@lru_cache(maxsize=16384)
def long_date(day: dt.date, language: str) -> str:
    """'9 décembre 2025', 'December 9, 2025'."""
    return format_date(day, format="long", locale=locale(language))


def catalogue_files(template_dirs: list[Path], language: str) -> list[Path]:
    """The .po files for `language`, lowest priority first (built-in, then project)."""
    found: list[Path] = []
    for folder in reversed(template_dirs):
        for name in (language, base_language(language)):
            path = folder / "i18n" / f"{name}.po"
            if path.is_file() and path not in found:
                found.append(path)
                break
    return found


def translations(template_dirs: list[Path], language: str) -> Translations:
    """gettext translations for the chrome (English msgids: empty for 'en')."""
    files = catalogue_files(template_dirs, language) or catalogue_files(template_dirs, FALLBACK)
    merged: Catalog | None = None
    for path in files:  # the first (built-in) catalogue also brings its Plural-Forms header
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=str(locale(language)))
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and any(strings):
                merged.delete(message.id)  # babel's item assignment would keep the old string
                merged[message.id] = message
    merged = merged or Catalog(locale=locale(language))
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(fp=buffer)
