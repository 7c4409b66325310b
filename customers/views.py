from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.forms import form_add_application_error
from customers import selectors, services
from customers.forms import CustomerForm, OpportunityForm
from organizations import permissions


def _require_customers(user, *, edit: bool = False) -> None:
    allowed = permissions.can_edit_customer(user) if edit else permissions.can_view_customers(user)
    if not allowed:
        raise PermissionDenied


@login_required
def customer_list(request):
    _require_customers(request.user)
    query = request.GET.get("q", "")
    has_card = request.GET.get("has_card") == "1"
    customers = selectors.customer_list(
        organization=request.user.organization, query=query, has_card=has_card
    )
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    return render(request, "customers/customer_list.html", {"page": page, "q": query, "has_card": has_card})


@login_required
def customer_create(request):
    _require_customers(request.user, edit=True)
    organization = request.user.organization
    form = CustomerForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                organization=organization, actor=request.user, data=form.cleaned_data
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Customer %(name)s added.") % {"name": customer.name})
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None})


@login_required
def customer_detail(request, customer_id: int):
    _require_customers(request.user)
    customer = selectors.customer_get(organization=request.user.organization, customer_id=customer_id)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "opportunities": selectors.opportunity_list(customer=customer),
            "opportunity_form": OpportunityForm(),
        },
    )


@login_required
def customer_edit(request, customer_id: int):
    _require_customers(request.user, edit=True)
    organization = request.user.organization
    customer = selectors.customer_get(organization=organization, customer_id=customer_id)
    initial = {f: getattr(customer, f) for f in ("name", "phone", "email", "preferred_language")}
    form = CustomerForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Customer saved."))
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
def opportunity_create(request, customer_id: int):
    _require_customers(request.user, edit=True)
    customer = selectors.customer_get(organization=request.user.organization, customer_id=customer_id)
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_create(customer=customer, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Opportunity added."))
            return redirect("customer-detail", customer_id=customer.pk)
    return render(
        request, "customers/opportunity_form.html", {"form": form, "customer": customer, "opportunity": None}
    )


@login_required
def opportunity_edit(request, customer_id: int, opportunity_id: int):
    _require_customers(request.user, edit=True)
    customer = selectors.customer_get(organization=request.user.organization, customer_id=customer_id)
    opportunity = selectors.opportunity_get(customer=customer, opportunity_id=opportunity_id)
    form = OpportunityForm(
        request.POST or None, initial={"title": opportunity.title, "reference": opportunity.reference}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(opportunity=opportunity, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("customer-detail", customer_id=customer.pk)
    return render(
        request,
        "customers/opportunity_form.html",
        {"form": form, "customer": customer, "opportunity": opportunity},
    )
