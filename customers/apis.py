"""REST API v1: customers. An external id (the DMS customer number) is unique per organization;
PUT /customers/by-external-id/{external_id}/ creates or updates by it. Reads need the `read`
scope, writes `request_payments` (customers are written to request payments from them)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_idempotency import PARAMETER as IDEMPOTENCY_KEY
from core.api_idempotency import api_error, idempotency_check, idempotency_key
from core.api_pages import ApiCursorPage, PageParameters, page_of
from core.errors import ApplicationError, NotFound
from customers import selectors, services
from customers.models import Customer, Language

WRITE = "request_payments"


@extend_schema_serializer(component_name="Customer")
class CustomerObject(serializers.ModelSerializer):
    phone = serializers.CharField(allow_blank=True, help_text="E.164, e.g. +13125550199")
    language = serializers.CharField(source="preferred_language")

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "name",
            "phone",
            "email",
            "language",
            "sms_opted_out",
            "created_at",
            "updated_at",
        ]


@extend_schema_serializer(component_name="CustomerInput")
class CustomerInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    phone = PhoneNumberField(required=False, allow_blank=True, help_text="Mobile phone; E.164 or national")
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    language = serializers.ChoiceField(choices=Language.values, required=False, source="preferred_language")
    external_id = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="DMS customer number"
    )

    def to_service(self) -> dict:
        return customer_input_data(self.validated_data)


def customer_input_data(validated: dict) -> dict:
    """CustomerInput's validated data as customers.services takes it."""
    data = dict(validated)
    if "phone" in data:
        data["phone"] = str(data["phone"] or "")
    return data


CustomerPage = ApiCursorPage


def customer_for_api(*, user, data: dict) -> Customer:
    """A customer given inline (on a payment request): upserted by its external id, else created.
    `data` is CustomerInput's validated data."""
    data = customer_input_data(data)
    if (data.get("external_id") or "").strip():
        customer, _ = _save(
            lambda: services.customer_upsert_by_external_id(
                organization=user.organization, actor=user, external_id=data["external_id"], data=data
            )
        )
        return customer
    return _save(lambda: services.customer_create(organization=user.organization, actor=user, data=data))


def _comparable(data: dict) -> dict:
    """The request's values as the service stores them (to compare a replay with the first)."""
    fields = {k: v.strip() for k, v in data.items() if k in ("name", "external_id", "preferred_language")}
    if "email" in data:
        fields["email"] = (data["email"] or "").strip().lower()
    return fields


def _org_customers(user):
    return Customer.objects.filter(organization_id=user.organization_id)


def _save(call):
    try:
        return call()
    except ApplicationError as exc:
        raise api_error(exc)


@extend_schema_serializer(component_name="CustomerListFilters")
class CustomerFilters(PageParameters):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Search by name, email or phone digits"
    )
    external_id = serializers.CharField(
        required=False, max_length=64, help_text="Exactly this DMS customer number"
    )


def _external_id(value: str) -> str:
    """A path's external id; one no customer can have (too long, a NUL) finds nobody."""
    if len(value) > 64 or "\x00" in value:
        raise NotFound("No such customer in your organization.")
    return value


class CustomerListCreateApi(APIView):
    scopes = {"POST": WRITE}

    @extend_schema(
        operation_id="customers_list",
        parameters=[CustomerFilters],
        responses={200: page_of(CustomerObject, "CustomerPage")},
    )
    def get(self, request):
        filters = CustomerFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data.get("q", "")
        customers = selectors.customer_list(organization=request.user.organization, query=query)
        external_id = filters.validated_data.get("external_id")
        if external_id is not None:
            customers = customers.filter(external_id=external_id)
        paginator = CustomerPage()
        page = paginator.paginate_queryset(customers.order_by("-id"), request, view=self)
        return paginator.get_paginated_response(CustomerObject(page, many=True).data)

    @extend_schema(
        operation_id="customers_create",
        request=CustomerInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CustomerObject, 200: CustomerObject},
    )
    def post(self, request):
        key = idempotency_key(request)
        serializer = CustomerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.to_service()
        existing = _org_customers(request.user).filter(api_idempotency_key=key).first()
        if existing is not None:
            idempotency_check(existing=existing, fields=_comparable(data))
            return Response(CustomerObject(existing).data, status=status.HTTP_200_OK)
        customer = _save(
            lambda: services.customer_create(
                organization=request.user.organization, actor=request.user, data=data, api_idempotency_key=key
            )
        )
        return Response(CustomerObject(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(APIView):
    scopes = {"PATCH": WRITE}

    @extend_schema(operation_id="customers_retrieve", responses={200: CustomerObject})
    def get(self, request, pk: int):
        return Response(CustomerObject(get_object_or_404(_org_customers(request.user), pk=pk)).data)

    @extend_schema(
        operation_id="customers_update", request=CustomerInput(partial=True), responses={200: CustomerObject}
    )
    def patch(self, request, pk: int):
        customer = get_object_or_404(_org_customers(request.user), pk=pk)
        serializer = CustomerInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**services._customer_data(customer), **serializer.to_service()}
        customer = _save(lambda: services.customer_update(customer=customer, actor=request.user, data=data))
        return Response(CustomerObject(customer).data)


class CustomerByExternalIdApi(APIView):
    scopes = {"PUT": WRITE}

    @extend_schema(operation_id="customers_by_external_id_retrieve", responses={200: CustomerObject})
    def get(self, request, external_id: str):
        return Response(
            CustomerObject(
                get_object_or_404(_org_customers(request.user), external_id=_external_id(external_id))
            ).data
        )

    @extend_schema(
        operation_id="customers_by_external_id_upsert",
        request=CustomerInput,
        description="Create the customer with this external id (201), or update the one who has it (200). "
        "Idempotent by nature: no Idempotency-Key needed.",
        responses={201: CustomerObject, 200: CustomerObject},
    )
    def put(self, request, external_id: str):
        external_id = _external_id(external_id)
        serializer = CustomerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer, created = _save(
            lambda: services.customer_upsert_by_external_id(
                organization=request.user.organization,
                actor=request.user,
                external_id=external_id,
                data=serializer.to_service(),
            )
        )
        return Response(
            CustomerObject(customer).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
