"""Interface text in English, Russian and Kazakh: one gettext message catalogue for every output.

The catalogue is ``kzgraph/locale/{ru,kk}/LC_MESSAGES/kzgraph.po`` (English is the source
language: a msgid is the English text). The ``.po`` files are read with Babel when first used,
so no compiled ``.mo`` file is kept in git. Mark a string in Python with ``N_("...")`` where
it is defined and translate it with ``translator(lang).gettext`` where it is shown; in Jinja2
templates use ``{{ _("...") }}`` (the site installs the translator in its environment).
``tests/test_i18n.py`` extracts every marked string and checks both catalogues translate it.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from kzgraph.errors import UsageError

LANGUAGES = ("en", "ru", "kk")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
DOMAIN = "kzgraph"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it (it is translated where shown)."""
    return message


def check_language(lang: str) -> str:
    """Return ``lang`` if it is an interface language, else raise a `UsageError` naming the choices."""
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def po_path(lang: str) -> Path:
    """The ``.po`` file of one interface language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=None)
def translator(lang: str):
    """Return a gettext translations object for ``lang`` (English: the msgids themselves)."""
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    check_language(lang)
    if lang == "en":
        return gettext.NullTranslations()
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str):
    """Return the ``gettext`` function of ``lang``."""
    return translator(lang).gettext


def ngettext_for(lang: str):
    """Return the ``ngettext`` function of ``lang``."""
    return translator(lang).ngettext
