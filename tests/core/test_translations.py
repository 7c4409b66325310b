"""Every customer-facing string is marked for translation, and every marked string is
translated: customer strings in all 8 languages, staff strings in French.

The scan reads the templates with Django's own template lexer (text outside {% translate %} /
{% blocktranslate %} that holds a word fails) and the Python message builders with Babel's
extractor; the translations are read from the .po sources (fr-CA may leave a string to fr)."""

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ["fr", "fr_CA", "de", "es", "it", "pl", "pt_BR"]
STAFF_LOCALES = ["fr"]

# What customers (and invitees) read: pages, receipts, SMS/email texts, replies.
CUSTOMER_TEMPLATES = [
    *sorted((ROOT / "templates/payments/pay").glob("*.html")),
    *sorted((ROOT / "templates/organizations/messages").glob("*")),
    ROOT / "templates/payments/cards/save_card.html",  # the customer's "save a card" page
]
CUSTOMER_PYTHON = [
    ROOT / "core/i18n.py",
    ROOT / "notifications/services_twilio.py",
    ROOT / "organizations/models.py",  # role names, shown in the invitation
    ROOT / "payments/requests/messages.py",  # the SMS/email builders
    ROOT / "payments/checkout/views.py",
    ROOT / "payments/checkout/session.py",  # "This payment request is already paid." on the pay page
    ROOT / "payments/accounts/selectors.py",  # the pay page's "Pay by card — ..." label
    ROOT / "payments/checkout/forms.py",  # the pay page's amount and "save this card" box
    ROOT / "payments/cards/consent.py",  # the authorisation the customer ticks
    ROOT / "payments/cards/messages.py",  # the "save a card" SMS/email
]
# Python files whose every user-visible literal must be marked (the message builders).
BUILDERS = [ROOT / "payments/requests/messages.py", ROOT / "payments/requests/customer_messages.py"]
# Marked in those files but read by staff only (in English or French): the template editor's
# placeholder names and the advisor's "paid" email.
STAFF_ONLY = {
    "the dealership's name",
    "the customer's name",
    "the amount, e.g. $125.50",
    "the reference number",
    "the description",
    "the pay link",
    "when the link expires (dealership time)",
    "the advisor's name",
    'how the customer can pay: "by card", or "by card or in installments" when Afterpay is offered',
    "A { or } has no partner. Write placeholders like {link}; to show a brace itself, type {{ or }}.",
    "{customer_name} paid {amount} (ref {reference})",
    "{customer_name} paid {amount} for ref {reference} ({description}).\nRequest status: {status}.\n\nDetails: {request_link}\n",
}
# Staff templates: everything else under templates/ except the development outbox page.
STAFF_TEMPLATES = sorted(
    p
    for p in (ROOT / "templates").rglob("*")
    if p.is_file() and p not in CUSTOMER_TEMPLATES and p.name != "outbox.html"
)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
# Text that is not language: punctuation, numbers, the product's and card schemes' names.
NOT_WORDS = re.compile(r"(TextPay|Stripe|Afterpay|Clearpay|&[a-z]+;|&#\d+;|[^A-Za-zÀ-ÿ])+")


def _po(locale):
    with (ROOT / "locale" / locale / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=locale)


CATALOGS = {locale: _po(locale) for locale in LOCALES}


def _translated(catalog, msgid, context):
    message = catalog.get(msgid, context=context)
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _marked(path):
    """(msgid, context) pairs marked in a template or a Python file."""
    code = path.read_text(encoding="utf-8")
    if path.suffix != ".py":  # a template: Django turns it into gettext calls (as makemessages does)
        code = templatize(code, origin=str(path))
    found = []
    for _lineno, message, _comments, context in extract(
        "python", io.BytesIO(code.encode()), keywords=KEYWORDS
    ):
        found.append((message if isinstance(message, str) else tuple(message), context))
    return found


def _unmarked_text(path):
    """Words in a template outside translation tags. Tags and their attributes are left out
    (the template is flattened first: a tag often spans a {{ variable }})."""
    flat = []
    inside = 0
    for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            if name in ("blocktranslate", "blocktrans") or bits[:2] == ["block", "body_class"]:
                inside += 1  # translated text, or a CSS class name
            elif name in ("endblocktranslate", "endblocktrans") or (inside and name == "endblock"):
                inside -= 1
            flat.append("\x00")
        elif token.token_type == TokenType.TEXT and not inside:
            flat.append(token.contents)
        else:
            flat.append("\x00")
    text = "".join(flat)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", "\x00", text)
    return [" ".join(piece.split())[:80] for piece in text.split("\x00") if NOT_WORDS.sub("", piece)]


@pytest.mark.parametrize("path", CUSTOMER_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_customer_templates_have_no_unmarked_text(path):
    assert _unmarked_text(path) == []


@pytest.mark.parametrize("path", STAFF_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_staff_templates_have_no_unmarked_text(path):
    assert _unmarked_text(path) == []


def _missing(paths, locales, *, skip=frozenset()):
    missing = []
    for path in paths:
        for msgid, context in _marked(path):
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            if key in skip:
                continue
            for locale in locales:
                catalog = CATALOGS[locale]
                ok = _translated(catalog, key, context)
                if not ok and locale == "fr_CA":
                    ok = _translated(CATALOGS["fr"], key, context)
                if not ok:
                    missing.append(f"{locale}: {key!r} ({path.name})")
    return missing


def test_every_customer_string_is_translated_in_every_language():
    assert _missing(CUSTOMER_TEMPLATES + CUSTOMER_PYTHON, LOCALES, skip=STAFF_ONLY) == []


def _unmarked_literals(path):
    """String literals with words in them that no gettext call wraps (docstrings, log lines and
    dictionary keys aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in KEYWORDS or name in ("debug", "info", "warning", "error", "exception"):
                skipped.update(id(n) for arg in node.args for n in ast.walk(arg))
        if isinstance(node, ast.Dict):
            skipped.update(id(k) for k in node.keys if k is not None)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and re.search(r"[A-Za-z]{2,}[ ,.:;!?]+[A-Za-z]{2,}", node.value)
    ]


@pytest.mark.parametrize("path", BUILDERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_message_builders_have_no_unmarked_text(path):
    assert _unmarked_literals(path) == []


def test_every_staff_string_is_translated_in_french():
    assert _missing(STAFF_TEMPLATES, STAFF_LOCALES) == []


def test_the_scan_sees_unmarked_text(tmp_path):
    """The checks above can fail: an unmarked word and an untranslated marked string are caught."""
    template = tmp_path / "t.html"
    template.write_text('{% load i18n %}<p class="x">{% translate "Receipt" %}</p><p>Pay now</p>')
    assert _unmarked_text(template) == ["Pay now"]
    builder = tmp_path / "builder.py"
    builder.write_text(
        'def sms(name):\n    """Doc."""\n    return f"Pay now {name}" + _("Thank you, dear customer")\n'
    )
    assert _unmarked_literals(builder) == ["Pay now "]
    template.write_text('{% load i18n %}<p>{% translate "A string nobody translated" %}</p>')
    assert _missing([template], ["de"]) and "A string nobody translated" in _missing([template], ["de"])[0]
