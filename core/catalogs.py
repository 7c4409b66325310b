"""Translation catalogs compiled with Babel: locale/<ll_CC>/LC_MESSAGES/django.po -> .mo.

GNU gettext is needed only to *extract* strings (`manage.py makemessages`); compiling never
calls msgfmt, so `make run` and `make test` work on a machine without gettext.

What msgfmt --check-format does is done here too: a translation whose placeholders (`%(name)s`,
`%s`, `{name}`) differ from its source's is an error and nothing is written. Fuzzy and empty
entries are left out of the .mo (the English source is shown), as msgfmt does.

Regional catalogs hold only what differs from their language (fr_CA: "courriel"). Django alone
does fall back from fr_CA to fr per string, but only *after* every installed app's catalogs: a
msgid Django's admin also translates ("Log in" -> "Connexion") would win over our fr one. So the
compiled fr_CA/django.mo is fr's translations with fr_CA's laid over them (tests/core/test_i18n.py).

Plain Python (no Django import), so tests/conftest.py can compile before Django starts.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "django"
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
_BRACES = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def placeholders(text: str) -> tuple[list[str], set[str]]:
    """(`%` placeholders in order, `{name}` placeholders) of a message."""
    percent = [m.group(0) if m.group(1) is None else f"%({m.group(1)})" for m in _PERCENT.finditer(text)]
    percent = [p for p in percent if p != "%%"]
    return percent, set(_BRACES.findall(text))


def _same_placeholders(source: str, translation: str) -> bool:
    (src_pct, src_br), (tr_pct, tr_br) = placeholders(source), placeholders(translation)
    named = any(p.startswith("%(") for p in src_pct)
    if named:  # named ones may move and repeat, but each must be there and no new ones
        return set(src_pct) == set(tr_pct) and src_br == tr_br
    return src_pct == tr_pct and src_br == tr_br


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)


def _translated(message) -> bool:
    if message.fuzzy or not message.id:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def catalog_errors(catalog: Catalog, *, where: str) -> list[str]:
    errors = []
    for message in catalog:
        if not _translated(message):
            continue
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)] if len(strings) > 1 else ids[0]
            # Plural forms may drop the count in the singular ("one message"); check the plural.
            if len(ids) > 1 and index == 0 and len(strings) > 1:
                continue
            if not _same_placeholders(source, text):
                errors.append(f"{where}: placeholders differ in {ids[0]!r} -> {text!r}")
    for message, problems in catalog.check():
        if not _translated(message):
            continue  # fuzzy or empty: not compiled, so not checked (as msgfmt does)
        for problem in problems:
            errors.append(f"{where}: {message.id!r}: {problem}")
    return errors


def _parent(locale_name: str, available) -> str | None:
    """fr_CA -> fr (when there is a fr catalog)."""
    language = locale_name.split("_")[0]
    return language if "_" in locale_name and language in available else None


def _compiled(catalog: Catalog, parent: Catalog | None = None) -> Catalog:
    """The translated messages of `catalog`, laid over those of its parent language's."""
    chosen = {}
    for source in (parent, catalog):
        for message in source or ():
            if _translated(message):
                key = (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
                chosen[key] = message
    out = Catalog(locale=catalog.locale, domain=DOMAIN, fuzzy=False)
    out.mime_headers = catalog.mime_headers
    out.fuzzy = False
    for message in chosen.values():
        out.add(message.id, message.string, context=message.context, flags=message.flags)
    return out


def catalogs_compile(locale_dir: Path | str, *, check_only: bool = False) -> tuple[dict[str, int], list[str]]:
    """Compile every catalog under locale_dir. Returns ({locale: translated strings}, errors);
    nothing is written when there are errors."""
    locale_dir = Path(locale_dir)
    sources = {p.parent.parent.name: p for p in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}
    catalogs = {name: _read(path) for name, path in sources.items()}
    errors: list[str] = []
    for name, catalog in catalogs.items():
        errors += catalog_errors(catalog, where=str(sources[name].relative_to(locale_dir.parent)))
    if errors:
        return {}, errors
    counts = {}
    for name, catalog in catalogs.items():
        parent = _parent(name, catalogs)
        compiled = _compiled(catalog, catalogs[parent] if parent else None)
        counts[name] = sum(1 for m in compiled if m.id)
        if check_only:
            continue
        buffer = io.BytesIO()
        write_mo(buffer, compiled, use_fuzzy=False)
        target = sources[name].with_suffix(".mo")
        if not target.exists() or target.read_bytes() != buffer.getvalue():
            target.write_bytes(buffer.getvalue())
    return counts, errors


def catalogs_stale(locale_dir: Path | str) -> bool:
    """True when some .mo is missing or older than any .po (its own or its parent's)."""
    locale_dir = Path(locale_dir)
    pos = list(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    if not pos:
        return False
    newest = max(p.stat().st_mtime for p in pos)
    return any(
        not p.with_suffix(".mo").exists() or p.with_suffix(".mo").stat().st_mtime < newest for p in pos
    )
