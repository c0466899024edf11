"""The message catalogue: every string marked for translation has a Russian and a Kazakh text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzgraph import i18n

PACKAGE = Path(i18n.__file__).resolve().parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def extracted() -> dict[str, str]:
    """Every msgid marked in the package's Python files and templates, with where it was found."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**/templates/**.html", "jinja2"), ("**/templates/**.svg", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalog(lang: str):
    from babel.messages.pofile import read_po

    with i18n.po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_marked_string_is_translated(lang: str) -> None:
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}
    missing = [f"{where}: {msgid!r}" for msgid, where in extracted().items()
               if msgid not in messages or not messages[msgid].string
               or (isinstance(messages[msgid].string, tuple) and not all(messages[msgid].string))
               or messages[msgid].fuzzy]
    assert not missing, f"untranslated in {lang}.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_translations_keep_placeholders(lang: str) -> None:
    wrong = []
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [f"{ids[0]!r} -> {s!r}" for s in strings if s and set(PLACEHOLDER.findall(s)) != expected]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_catalogue_reads_and_translates() -> None:
    assert i18n.gettext_for("ru")("Kazakh") == "казахский"
    assert i18n.gettext_for("kk")("Kazakh") == "қазақ тілі"
    assert i18n.gettext_for("en")("Kazakh") == "Kazakh"


def test_unknown_language_is_a_usage_error() -> None:
    from kzgraph.errors import UsageError

    with pytest.raises(UsageError, match="unknown language 'xx'"):
        i18n.translator("xx")
