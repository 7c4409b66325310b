from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core import i18n
from core.errors import ApplicationError


class LanguageMiddleware:
    """Activates the staff interface's language: the signed-in person's (profile -> dealership
    default -> English), or for anonymous pages the browser's among the staff languages. Customer
    pages (pay page, receipt) activate the customer's language themselves (i18n.customer_language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            organization = user.organization
            language = i18n.with_country(i18n.user_language(user), getattr(organization, "country", None))
        else:
            language = i18n.browser_language(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        translation.deactivate()
        return response


class ApplicationErrorMiddleware:
    """An ApplicationError escaping a page view becomes a readable page or a flash message,
    never a 500. Views that show errors next to fields catch it themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        if request.method == "POST" and request.headers.get("Referer"):
            messages.error(request, exception.message)
            return redirect(request.headers["Referer"])
        html = render_to_string("error.html", {"error": exception}, request=request)
        return HttpResponse(html, status=exception.status_code)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with the origin of STRIPE_API_BASE added
    to form-action when it points at another host (the tests' Stripe emulator): a form that leads to
    Stripe's hosted pages (Checkout, onboarding) is followed by a redirect there."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        base = urlsplit(settings.STRIPE_API_BASE or "")
        if base.scheme and base.netloc:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), f"{base.scheme}://{base.netloc}"]
            parts.update = update
        return parts
