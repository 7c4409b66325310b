#!/usr/bin/env bash
# Extract the strings marked for translation into locale/*/LC_MESSAGES/django.po (needs GNU
# gettext's xgettext/msgmerge; compiling does not: `manage.py compilemessages_babel`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
DJANGO_DEBUG=1 "$PY" manage.py makemessages --no-obsolete --no-wrap \
  -l fr -l fr_CA -l de -l es -l it -l pl -l pt_BR \
  --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'var/*' --ignore 'staticfiles/*' \
  --ignore 'payments/gateway/sandbox/*' --ignore 'stripe_sandbox/*' --ignore 'scripts/*'
