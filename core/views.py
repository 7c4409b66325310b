from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@login_required
def home(request):
    """Land on the most useful tab for the role."""
    user = request.user
    if not user.organization_id:
        return redirect("admin:index")
    if user.is_admin:
        return redirect("/admin-tab/")
    if user.is_manager:
        return redirect("/payments/")
    return redirect("/customers/")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """/favicon.ico, asked for by every browser whatever the page's <link rel="icon"> says."""
    icon = Path(settings.BASE_DIR, "static", "favicon.ico").read_bytes()
    return HttpResponse(icon, content_type="image/x-icon")


# --- Error pages (config/urls.py handler400/403/404/500). The API answers in its one error shape.
def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"message": message, "extra": {}}, status=status)


def bad_request(request, exception):
    if _is_api(request):
        return _api_error("Bad request.", 400)
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    """The same "Can't do that" page the Payments area shows for a refused action."""
    message = "Your role doesn't allow this page. Ask an Admin of your dealership if you need it."
    if _is_api(request):
        return _api_error("You do not have permission to perform this action.", 403)
    return render(request, "error.html", {"error": {"message": message}}, status=403)


def page_not_found(request, exception):
    if _is_api(request):
        return _api_error("Not found: no such endpoint, or no such object in your organization.", 404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without the request's context processors: the database may be what failed."""
    if _is_api(request):
        return _api_error("Something went wrong on our side; it has been logged. Try again in a moment.", 500)
    return HttpResponse(render_to_string("500.html"), status=500)
