"""What the customer reads when asked to save (or update) a card: the SMS/email text and subject,
in the customer's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.i18n import customer_language_override


def card_request_texts(*, customer, link: str, update: bool) -> tuple[str, str]:
    """(text, email subject) for a "save a card" link; `update` when a charge on the saved card failed."""
    names = {"dealership": customer.organization.name, "link": link}
    with customer_language_override(customer):
        if update:
            text = _("%(dealership)s: we could not charge your saved card. Please update it here: %(link)s")
            subject = _("%(dealership)s: please update your card")
        else:
            text = _("%(dealership)s: save a card for your future payments here: %(link)s")
            subject = _("%(dealership)s: save a card for future payments")
        return text % names, subject % names
