"""Site chrome in the reader's language: gettext catalogues (`templates/i18n/LANG.po`,
French and English built in, a project's own catalogue overriding message by
message) and Babel's localized dates ("9 décembre 2025").

Babel is loaded only to make what was not made before: a catalogue is compiled
once per content of its .po files (then kept as a .mo file), and each date is
spelled once (a build keeps the spelled dates in its render cache). Importing
Babel and reading a locale's data cost a rebuild of one post about 20 ms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import hashlib
import io
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from generator.infra.fsutil import write_atomic

if TYPE_CHECKING:  # babel is imported when something must be made, not by every build
    from babel import Locale

FALLBACK = "en"  # chrome language for a post language with no catalogue


def base_language(language: str) -> str:
    return language.split("-")[0].lower()


@lru_cache(maxsize=64)
def locale(language: str) -> Locale:
    from babel import Locale, UnknownLocaleError

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


def long_date(day: dt.date, language: str) -> str:
    """'9 décembre 2025', 'December 9, 2025'."""
    return _spell(day, "long", language)


def month_year(day: dt.date, language: str) -> str:
    """'décembre 2025', 'December 2025' (a month standing alone, as a heading)."""
    return _spell(day, "LLLL y", language)


# Dates spelled so far, by "FORM|LANGUAGE|ISO DATE": in this process, and those
# `remember`ed from an earlier build's render cache (under `spelled_dates_key()`).
_SPELLED: dict[str, str] = {}


def _spell(day: dt.date, form: str, language: str) -> str:
    key = f"{form}|{language}|{day.isoformat()}"
    text = _SPELLED.get(key)
    if text is None:
        from babel.dates import format_date

        text = _SPELLED[key] = format_date(day, format=form, locale=locale(language))
    return text


def spelled_dates_key() -> str:
    """The render-cache key of the spelled dates: Babel's version names its CLDR data."""
    return f"spelled-dates:{_babel()}"


@lru_cache(maxsize=1)
def _babel() -> str:
    return version("babel")


def spelled_dates() -> dict[str, str]:
    """The dates spelled so far (to keep for the next build)."""
    return dict(_SPELLED)


def remember(spelled: Mapping[str, str]) -> None:
    """Dates an earlier build spelled (under the same `spelled_dates_key()`)."""
    _SPELLED.update(spelled)


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


def translations(
    template_dirs: list[Path], language: str, cache: Path | None = None
) -> gettext.GNUTranslations:
    """gettext translations for the chrome (English msgids: empty for 'en'), from
    the catalogue compiled into `cache` (a folder) when its .po files are unchanged."""
    files = catalogue_files(template_dirs, language) or catalogue_files(template_dirs, FALLBACK)
    digest = hashlib.sha256(f"{language}\0{_babel()}\0".encode())
    for path in files:
        digest.update(path.read_bytes() + b"\0")
    compiled = cache / f"{base_language(language)}-{digest.hexdigest()[:24]}.mo" if cache else None
    try:
        mo = compiled.read_bytes() if compiled else None
    except OSError:
        mo = None
    if mo is None:
        mo = _compile(files, language)
        if compiled is not None:
            with contextlib.suppress(OSError):  # a cache: a full or read-only disk only costs time
                write_atomic(compiled, mo, sync=False)
    return gettext.GNUTranslations(io.BytesIO(mo))


def _compile(files: list[Path], language: str) -> bytes:
    """The .mo bytes of `files` merged (the first, built-in, catalogue also brings
    its Plural-Forms header; each later one overrides it message by message)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged: Catalog | None = None
    for path in files:
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
    return buffer.getvalue()
