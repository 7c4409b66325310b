from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
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
