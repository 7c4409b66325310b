from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import form_add_application_error
from organizations import permissions
from teams import selectors, services
from teams.forms import TeamForm


@login_required
def team_list(request):
    if not permissions.can_manage_teams(request.user):
        raise PermissionDenied
    teams = selectors.team_list(organization=request.user.organization)
    rows = [(team, permissions.can_enable_payments(request.user, team)) for team in teams]
    return render(request, "teams/team_list.html", {"rows": rows})


@login_required
def team_create(request):
    if not permissions.can_manage_teams(request.user):
        raise PermissionDenied
    organization = request.user.organization
    form = TeamForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                organization=organization,
                actor=request.user,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("team-list")
    return render(request, "teams/team_form.html", {"form": form, "team": None})


@login_required
def team_edit(request, team_id: int):
    if not permissions.can_manage_teams(request.user):
        raise PermissionDenied
    organization = request.user.organization
    team = selectors.team_get(organization=organization, team_id=team_id)
    initial = {"name": team.name, "members": list(team.members.all())}
    form = TeamForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(
                team=team,
                actor=request.user,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("team-list")
    return render(
        request,
        "teams/team_form.html",
        {
            "form": form,
            "team": team,
            "can_enable_payments": permissions.can_enable_payments(request.user, team),
        },
    )


@login_required
@require_POST
def team_payments_toggle(request, team_id: int):
    """The Enable payments switch. The permission is checked here and again in the service."""
    team = selectors.team_get(organization=request.user.organization, team_id=team_id)
    if not permissions.can_enable_payments(request.user, team):
        raise PermissionDenied
    enabled = request.POST.get("enabled") in ("1", "on", "true")
    team = services.team_payments_set(team=team, actor=request.user, enabled=enabled)
    message = _("Payments on for %(name)s.") if team.payments_enabled else _("Payments off for %(name)s.")
    messages.success(request, message % {"name": team.name})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("team-list")
