from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from notifications.selectors_inapp import notification_get, notification_list
from notifications.services_inapp import notification_mark_read, notifications_mark_all_read


@login_required
def notifications_page(request):
    page = Paginator(notification_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


def notifications_badge(request):
    """The menu's Notifications link with its unread count; every staff page polls it. Signed out
    (session expired): 204, so the poll leaves the menu alone instead of showing a login page in it."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/_badge.html")  # the count: core.context_processors


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = notification_get(user=request.user, pk=pk)
    try:
        notification_mark_read(user=request.user, notification=notification)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or "notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("notifications")
