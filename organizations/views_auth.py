"""Pages around login that are ours rather than Django's: the lockout page (django-axes calls it
after AXES_FAILURE_LIMIT failures) and the password reset form with its rate limits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from core.throttle import client_ip, rate_limit_hit, retry_after_text
from organizations.forms import QueuedPasswordResetForm


def login_locked_out(request, response=None, credentials=None, *args, **kwargs):
    """429: too many wrong passwords for this account or from this address (django-axes)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per typed email (whether or not an account has it, so the limit
    tells nothing) and per client address (PASSWORD_RESET_RATE_PER_EMAIL / _PER_IP)."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        limited = rate_limit_hit(
            scope="password-reset-ip",
            identity=client_ip(self.request),
            rate=settings.PASSWORD_RESET_RATE_PER_IP,
        ) or rate_limit_hit(
            scope="password-reset-email", identity=email, rate=settings.PASSWORD_RESET_RATE_PER_EMAIL
        )
        if limited:
            form.add_error(
                "email",
                "Too many reset emails were asked for. Check your inbox (and spam folder) for the last one, "
                f"or try again {retry_after_text(limited.retry_after_seconds)}.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(limited.retry_after_seconds)
            return response
        return super().form_valid(form)
