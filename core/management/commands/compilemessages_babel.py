"""Compile locale/*/LC_MESSAGES/django.po with Babel (no GNU gettext needed). See core/catalogs.py."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.catalogs import catalogs_compile


class Command(BaseCommand):
    requires_system_checks = []  # runs before migrations, without a database
    help = "Compile the translation catalogs with Babel, checking placeholders (no msgfmt)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Check only; write nothing.")

    def handle(self, *args, check=False, **options):
        for locale_dir in settings.LOCALE_PATHS:
            counts, errors = catalogs_compile(locale_dir, check_only=check)
            if errors:
                raise CommandError("\n".join(errors))
            for name, count in sorted(counts.items()):
                self.stdout.write(f"{name}: {count} translated strings", self.style.SUCCESS)
