"""Languages: formats through Babel, fr-CA falling back to fr string by string, the language
chosen for staff and customers, and catalogs that compile without GNU gettext."""

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import translation

from core import i18n
from core.catalogs import catalogs_compile, placeholders
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
NBSP = ("\u00a0", "\u202f")


def plain(text: str) -> str:
    for space in NBSP:
        text = text.replace(space, " ")
    return text


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("fr-ca", "CAD", "1 234,56 $"),
        ("fr-ca", "USD", "1 234,56 $ US"),
        ("en-ca", "CAD", "$1,234.56"),
        ("en-ca", "USD", "US$1,234.56"),
        ("en-us", "USD", "$1,234.56"),
        ("en-us", "CAD", "CA$1,234.56"),
        ("de", "USD", "1.234,56 US$"),  # a bare $ would be ambiguous in German
        ("de", "CAD", "1.234,56 CA$"),
        ("it", "CAD", "1.234,56 CA$"),
        ("pt-br", "USD", "US$ 1.234,56"),
        ("pl", "CAD", "1 234,56 CAD"),
        ("es-us", "USD", "$1,234.56"),
        ("fr", "CAD", "1 234,56 $CA"),
    ],
)
def test_money_in_the_locale_conventions(language, currency, expected):
    assert plain(i18n.money_text(123_456, currency, language=language)) == expected


def test_money_is_exact_for_large_and_negative_amounts():
    assert plain(i18n.money_text(5_000_000_01, "USD", language="en-us")) == "$5,000,000.01"
    assert plain(i18n.money_text(-1, "CAD", language="fr-ca")) == "-0,01 $"


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en-us", "America/Chicago", "Nov 22, 2026, 3:05 PM (Chicago time)"),
        ("fr-ca", "America/Montreal", "22 nov. 2026, 16 h 05 (heure de Montréal)"),
        ("fr-ca", "America/Edmonton", "22 nov. 2026, 14 h 05 (heure d’Edmonton)"),
        ("de", "America/Chicago", "22.11.2026, 15:05 (Ortszeit Chicago)"),
        ("es", "America/New_York", "22 nov 2026, 16:05 (hora de Nueva York)"),
        ("pt-br", "America/Chicago", "22 de nov. de 2026 15:05 (horário de Chicago)"),
    ],
)
def test_dates_in_the_dealership_zone_named_in_the_language(language, zone, expected):
    moment = datetime(2026, 11, 22, 21, 5, tzinfo=UTC)
    assert plain(i18n.local_datetime_text(moment, zone, language=language)) == expected


def test_fr_ca_falls_back_to_fr_string_by_string():
    """locale/fr_CA holds only what differs; the rest comes from fr, per string, even where
    Django's admin translates the same words differently ("Log in" is "Connexion" there)."""
    with translation.override("fr-ca"):
        assert translation.gettext("Receipt") == "Reçu"  # only in fr
        assert translation.gettext("Log in") == "Se connecter"
        secure = translation.gettext("Payments are processed securely by Stripe.")
        assert "sécuritaire" in secure  # fr-CA's own
    with translation.override("fr"):
        assert "sécurisée" in translation.gettext("Payments are processed securely by Stripe.")


@pytest.mark.django_db
def test_languages_chosen_for_staff_and_customers():
    quebec = OrganizationFactory(country="CA", state="QC")
    ontario = OrganizationFactory(country="CA", state="ON")
    assert i18n.organization_language(quebec) == "fr-ca"  # Quebec defaults to French
    assert i18n.organization_language(ontario) == "en"
    ontario.default_language = "fr"
    assert i18n.organization_language(ontario) == "fr"
    assert i18n.user_language(UserFactory(organization=quebec)) == "fr-ca"
    assert i18n.user_language(UserFactory(organization=quebec, language="en")) == "en"
    # staff pages exist in English and French only: a German default gives English staff pages
    assert i18n.user_language(UserFactory(organization=OrganizationFactory(default_language="de"))) == "en"
    assert i18n.customer_language(CustomerFactory(organization=quebec, preferred_language="pl")) == "pl"
    assert i18n.customer_language(CustomerFactory(organization=quebec, preferred_language="")) == "fr-ca"


@pytest.mark.django_db
def test_staff_pages_follow_the_profile_then_the_organization(client):
    quebec = OrganizationFactory(country="CA", state="QC")
    user = UserFactory(organization=quebec)
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert '<html lang="fr-ca">' in html and "Se déconnecter" in html
    user.language = "en"
    user.save()
    html = client.get("/notifications/").content.decode()
    assert '<html lang="en-ca">' in html and "Log out" in html


def test_login_page_follows_the_browser_among_staff_languages(client):
    assert (
        "Se connecter"
        in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9").content.decode()
    )
    assert "Log in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()


def test_placeholders_are_checked_when_compiling(tmp_path):
    po = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
        '#, python-format\nmsgid "Pay %(amount)s"\nmsgstr "Payer %(montant)s"\n',
        encoding="utf-8",
    )
    counts, errors = catalogs_compile(tmp_path / "locale")
    assert errors and "placeholders differ" in errors[0] and not po.with_suffix(".mo").exists()
    assert placeholders("{dealership}: %(amount)s %s") == (["%(amount)", "%s"], {"dealership"})


def test_catalogs_compile_on_a_machine_without_gettext(tmp_path):
    """The command runs with a PATH that holds no msgfmt (only the venv's python)."""
    bin_dir = tmp_path / "bin"  # an empty PATH: no msgfmt, no xgettext
    bin_dir.mkdir()
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale, ignore=shutil.ignore_patterns("*.mo", "tools"))
    env = {**os.environ, "PATH": str(bin_dir), "DJANGO_DEBUG": "1", "LOCALE_DIR_FOR_TEST": str(locale)}
    assert shutil.which("msgfmt", path=env["PATH"]) is None
    code = (
        "import sys; from core.catalogs import catalogs_compile; "
        "counts, errors = catalogs_compile(sys.argv[1]); print(errors or counts); sys.exit(bool(errors))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(locale)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr + result.stdout
    mos = sorted(p.parent.parent.name for p in locale.glob("*/LC_MESSAGES/django.mo"))
    assert mos == ["de", "es", "fr", "fr_CA", "it", "pl", "pt_BR"]
    command = subprocess.run(
        [sys.executable, "manage.py", "compilemessages_babel", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert command.returncode == 0, command.stderr
    assert "fr_CA:" in command.stdout


@pytest.mark.parametrize(
    ("language", "typed", "minor"),
    [
        ("fr-ca", "12,34", 1234),
        ("fr-ca", "1 234,56", 123456),  # a plain space groups thousands, as people type it
        ("fr-ca", "1\u00a0234,56 $", 123456),
        ("fr", "1\u202f234,56", 123456),
        ("fr-ca", "125.50", 12550),  # what our own fields hold is always understood
        ("de", "1.234,56", 123456),
        ("pt-br", "12,34", 1234),
        ("en-us", "1,234.56", 123456),
        ("en-us", "12.34", 1234),
    ],
)
def test_amount_input_follows_the_interface_language(language, typed, minor):
    assert i18n.amount_parse(typed, language=language) == minor


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en-us", "12,34"),  # in English a comma groups thousands: ambiguous, refused
        ("fr-ca", "1,234.56"),
        ("fr-ca", "1 23,4"),  # a group that isn't three digits
        ("fr-ca", "1e3"),
        ("fr-ca", "12,345"),  # three decimals
        ("de", "abc"),
    ],
)
def test_amount_input_refuses_what_it_would_have_to_guess(language, typed):
    with pytest.raises(ValueError), translation.override(language):
        i18n.amount_parse(typed, language=language)


def test_amount_error_is_in_the_language_with_a_local_example():
    with translation.override("fr-ca"), pytest.raises(ValueError) as error:
        i18n.amount_parse("douze", language="fr-ca")
    assert str(error.value) == "Entrez un montant, par exemple 125,50"
    assert i18n.amount_input_text(125_050, language="fr-ca") == "1250,50"
