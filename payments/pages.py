"""Helpers shared by the payments pages (the Payments tab, refunds, payouts, reports): who may open
them, rendering in the dealership's time zone, and a safe `next` address."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from core.errors import PermissionDenied
from organizations import permissions
from organizations import selectors as organization_selectors
from organizations.models import User


def require_payments_tab_access(user: User) -> None:
    if not permissions.can_open_payments_tab(user):
        raise PermissionDenied("You don't have access to payments.")


def render_in_org_zone(request, template: str, context: dict, status: int = 200):
    with timezone.override(organization_selectors.organization_zone(request.user.organization)):
        return render(request, template, context, status=status)


def safe_next_url(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else default


def require_reports_access(user: User) -> None:
    if not permissions.can_download_reports(user):
        raise PermissionDenied("Only Managers and Admins see payouts and reports.")
