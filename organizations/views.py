"""Manage tab (people, roles, invitations), the registration page and the Admin tab index."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import form_add_application_error
from organizations import permissions, selectors, services
from organizations.forms import InvitationForm, LanguageForm, OrganizationForm, RegistrationForm, RoleForm
from organizations.models import Role


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Manage tab: people ---------------------------------------------------------------------
@login_required
def people_list(request):
    _require(permissions.can_manage_people(request.user))
    organization = request.user.organization
    return render(
        request,
        "organizations/people.html",
        {
            "people": selectors.organization_people_list(organization=organization),
            "invitations": selectors.invitation_pending_list(organization=organization),
            "roles": Role.choices,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def person_role_change(request, user_id: int):
    _require(permissions.can_manage_people(request.user))
    person = selectors.organization_user_get(organization=request.user.organization, user_id=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("people")
    try:
        services.user_role_change(user=person, role=form.cleaned_data["role"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{person.name} is now {Role(form.cleaned_data['role']).label}.")
    return redirect("people")


@login_required
@require_POST
def person_deactivate(request, user_id: int):
    _require(permissions.can_manage_people(request.user))
    person = selectors.organization_user_get(organization=request.user.organization, user_id=user_id)
    try:
        services.user_deactivate(user=person, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{person.name} can no longer log in.")
    return redirect("people")


@login_required
@require_POST
def person_reactivate(request, user_id: int):
    _require(permissions.can_manage_people(request.user))
    person = selectors.organization_user_get(organization=request.user.organization, user_id=user_id)
    services.user_reactivate(user=person, actor=request.user)
    messages.success(request, f"{person.name} can log in again.")
    return redirect("people")


# --- Manage tab: invitations ----------------------------------------------------------------
@login_required
def invitation_create(request):
    _require(permissions.can_manage_people(request.user))
    organization = request.user.organization
    form = InvitationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                organization=organization,
                invited_by=request.user,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                teams=data["teams"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(name)s by SMS and email.") % {"name": invitation.name}
            )
            return redirect("people")
    return render(request, "organizations/invite.html", {"form": form})


@login_required
@require_POST
def invitation_resend(request, invitation_id: int):
    _require(permissions.can_manage_people(request.user))
    invitation = selectors.invitation_get(organization=request.user.organization, invitation_id=invitation_id)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Invitation re-sent to %(name)s; the previous link no longer works.")
            % {"name": invitation.name},
        )
    return redirect("people")


@login_required
@require_POST
def invitation_revoke(request, invitation_id: int):
    _require(permissions.can_manage_people(request.user))
    invitation = selectors.invitation_get(organization=request.user.organization, invitation_id=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation for %(name)s revoked.") % {"name": invitation.name})
    return redirect("people")


# --- Registration from the invitation link (public) ------------------------------------------
def register(request, token: str):
    invitation = selectors.invitation_get_usable(token=token)
    if invitation is None:
        return render(request, "organizations/register_invalid.html", status=404)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ApplicationError as exc:
            form_add_application_error(form, exc, field_map={"password": "password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to %(dealership)s, %(name)s!")
                % {"dealership": user.organization.name, "name": user.name},
            )
            return redirect("home")
    return render(request, "organizations/register.html", {"form": form, "invitation": invitation})


# --- The person's language ------------------------------------------------------------------
@login_required
@require_POST
def language_set(request):
    """The sidebar's language menu: the staff interface in English or French."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        services.user_language_set(user=request.user, language=form.cleaned_data["language"])
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("home")


# --- Admin tab ------------------------------------------------------------------------------
ADMIN_SECTIONS = [
    (
        gettext_lazy("Connections"),
        "/admin-tab/connections/",
        gettext_lazy("Connect Stripe so customers can pay; see the account status."),
    ),
    (
        gettext_lazy("Payment settings"),
        "/admin-tab/payment-settings/",
        gettext_lazy("Message templates, reminders and the maximum amount per payment."),
    ),
    (
        gettext_lazy("API tokens"),
        "/admin-tab/api-tokens/",
        gettext_lazy("Tokens for your DMS or CRM to use the TextPay API."),
    ),
    (
        gettext_lazy("Payout emails"),
        "/admin-tab/payout-emails/",
        gettext_lazy("Who receives an email for each payout."),
    ),
    (
        gettext_lazy("Developers"),
        "/admin-tab/developers/",
        gettext_lazy("Webhooks to your DMS: endpoints, signing secrets, delivery log."),
    ),
]


@login_required
def admin_tab(request):
    _require(permissions.can_manage_organization(request.user))
    organization = request.user.organization
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        data["support_phone"] = data["support_phone"] or ""
        try:
            services.organization_update(organization=organization, actor=request.user, data=data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Business details saved."))
            return redirect("admin-tab")
    organization.refresh_from_db()
    return render(
        request,
        "organizations/admin_tab.html",
        {"form": form, "sections": ADMIN_SECTIONS, "org": organization},
    )
