from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect


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
