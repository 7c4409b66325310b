"""Write translations from locale/tools/*.py tables into the .po files (keeps what is there
unless the table says otherwise). A maintenance helper, not used at run time:

    .venv/bin/python locale/tools/fill.py

Each table module defines T = {msgid | (context, msgid) | (singular, plural): {locale: text}}.
fr_CA is written only where it differs from fr. Plural entries take a list of forms.
"""

import importlib.util
import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
LOCALE = HERE.parent
PLURALS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "fr_CA": "nplurals=2; plural=(n > 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
}


def tables():
    table = {}
    for path in sorted(HERE.glob("tr_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for key, value in module.T.items():
            table.setdefault(key, {}).update(value)
    return table


def main():
    table = tables()
    missing = set()
    for locale, plural in PLURALS.items():
        path = LOCALE / locale / "LC_MESSAGES" / "django.po"
        # xgettext writes "nplurals=INTEGER" for a locale it does not know; set ours first.
        path.write_text(
            re.sub(r'"Plural-Forms: [^"]*\\n"', f'"Plural-Forms: {plural}\\\\n"', path.read_text())
        )
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        catalog.fuzzy = False
        catalog.project, catalog.version = "TextPay", "1"
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, (list, tuple)):
                key = tuple(message.id)
            else:
                key = (message.context, message.id) if message.context else message.id
            entry = table.get(key)
            if "fuzzy" in message.flags and (entry is None or locale not in entry):
                # msgmerge's guess from a similar string: never shipped, so cleared
                message.flags.discard("fuzzy")
                message.string = ("",) * len(message.string) if isinstance(message.string, tuple) else ""
            if entry is None:
                if not message.string or (isinstance(message.string, tuple) and not all(message.string)):
                    missing.add(key)
                continue
            text = entry.get(locale)
            if locale == "fr_CA" and text is None:
                message.string = ("",) * 2 if isinstance(message.id, (list, tuple)) else ""
                continue
            if text is None:
                missing.add(key)
                continue
            message.string = tuple(text) if isinstance(text, list) else text
            if "fuzzy" in message.flags:
                message.flags.discard("fuzzy")
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False)
        text = path.read_text()
        # Babel writes the header from its own data; keep the Plural-Forms we mean.
        text = re.sub(r'"Plural-Forms: [^"]*\\n"', f'"Plural-Forms: {plural}\\\\n"', text)
        path.write_text(text)
    for key in sorted(map(str, missing)):
        print("untranslated:", key, file=sys.stderr)


if __name__ == "__main__":
    main()
