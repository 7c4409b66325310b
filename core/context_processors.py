from django.conf import settings
from django.utils.translation import pgettext

from organizations import permissions
from organizations.models import STAFF_LANGUAGE_CHOICES


def navigation(request):
    """The left menu: which tabs this user sees."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not user.organization_id:
        return {}
    tabs = []
    if permissions.can_manage_organization(user):
        tabs.append(("admin", pgettext("menu tab", "Admin"), "/admin-tab/"))
    if permissions.can_manage_people(user):
        tabs.append(("manage", pgettext("menu tab", "Manage"), "/manage/"))
    if permissions.can_view_customers(user):
        tabs.append(("customers", pgettext("menu tab", "Customers"), "/customers/"))
        tabs.append(("requests", pgettext("menu tab", "My payment requests"), "/requests/"))
    if permissions.can_open_payments_tab(user):
        tabs.append(
            (
                "payments",
                pgettext("menu tab", "Payments")
                if not user.is_advisor
                else pgettext("menu tab", "My payments"),
                "/payments/",
            )
        )
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "nav_tabs": tabs,
        "unread_notifications": unread,
        "organization": user.organization,
        "staff_languages": STAFF_LANGUAGE_CHOICES,
        # Pages that update themselves poll every this many seconds (htmx, see static/js/app.js).
        "live_seconds": settings.LIVE_UPDATE_SECONDS,
    }
