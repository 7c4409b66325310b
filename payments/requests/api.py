"""REST API v1 for payment requests (HackSoft style: one API view per operation, nested
Input/Output serializers, validate -> service -> serialize). Auth: organization-scoped API tokens
(`Authorization: Bearer <token>`, acting as the token's user) or a signed-in session.
Errors are always {"message": str, "extra": {...}}; field errors are in extra["fields"]."""

from __future__ import annotations

from django.db import IntegrityError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import AsciiIntegerField
from core.errors import ApplicationError, Conflict
from customers.apis import CustomerInput, customer_for_api
from customers.models import Customer, Opportunity
from organizations.api_tokens import schema as api_schema  # noqa: F401  (registers the token auth scheme)
from payments.api_objects import PaymentRequestOutputSerializer
from payments.models import PaymentRequest
from payments.requests import selectors
from payments.requests.expiry import payment_request_expire_if_due
from payments.requests.sending import payment_request_cancel, payment_request_create, payment_request_resend
from teams.models import Team


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    extra = serializers.DictField()


@extend_schema_serializer(component_name="PaymentRequestPage")
class PaymentRequestPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PaymentRequestOutputSerializer(many=True)


def _serialize(request_obj: PaymentRequest) -> dict:
    request_obj = (
        PaymentRequest.objects.select_related("created_by")
        .prefetch_related("payments")
        .get(pk=request_obj.pk)
    )
    return PaymentRequestOutputSerializer(request_obj).data


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"fields": {field: [message]}})


def _with_api_field_names(exc: ApplicationError) -> ApplicationError:
    """The service's field names as the API calls them (customer -> customer_id, ...)."""
    fields_errors = exc.field_errors
    if not fields_errors:
        return exc
    names = {
        "customer": "customer_id",
        "team": "team_id",
        "opportunity": "opportunity_id",
        "amount": "amount_minor",
    }
    renamed = {names.get(name, name): texts for name, texts in fields_errors.items()}
    error = type(exc)(exc.message, extra={**exc.extra, "fields": renamed})
    return error


# Ids are PostgreSQL bigints: a larger number is a 400 naming the field, not an OverflowError.
ID_LIMITS = {"min_value": 1, "max_value": 2**63 - 1}
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many requests for this token: see Retry-After.")


class PaymentRequestCreateApi(APIView):
    scopes = {"POST": "request_payments"}

    @extend_schema_serializer(component_name="PaymentRequestCreateInput")
    class InputSerializer(serializers.Serializer):
        customer_id = AsciiIntegerField(required=False, **ID_LIMITS)
        opportunity_id = AsciiIntegerField(required=False, allow_null=True, **ID_LIMITS)
        team_id = AsciiIntegerField(
            required=False,
            allow_null=True,
            help_text="Defaults to your only payment-enabled team",
            **ID_LIMITS,
        )
        amount_minor = AsciiIntegerField(
            min_value=1,
            max_value=2**63 - 1,
            help_text="Integer minor units (cents): 12550 = $125.50",
            error_messages={"min_value": "The amount must be greater than zero."},
        )
        currency = serializers.CharField(
            required=False, help_text="USD or CAD: must be the organization's currency"
        )
        description = serializers.CharField(max_length=500)
        reference = serializers.CharField(max_length=64, help_text="Invoice or contract number")
        channel = serializers.ChoiceField(choices=PaymentRequest.Channel.values)
        allow_partial = serializers.BooleanField(default=False)
        customer = CustomerInput(
            required=False,
            help_text="The customer inline, instead of customer_id: upserted by external_id when given, "
            "else created",
        )

        def validate(self, attrs):
            if not attrs.get("customer_id") and not attrs.get("opportunity_id") and not attrs.get("customer"):
                raise serializers.ValidationError(
                    {"customer_id": ["Give customer_id, opportunity_id or customer."]}
                )
            return attrs

    @extend_schema(
        operation_id="payment_requests_create",
        request=InputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
                OpenApiParameter.HEADER,
                required=True,
                description="Required (1-255 characters, e.g. a UUID you store with your own record before "
                "the call). Retry-safe creation: the same key returns the same request (200) and texts the "
                "customer once; the same key with a different body is refused with 409. Without it: 400.",
            )
        ],
        responses={
            201: PaymentRequestOutputSerializer,
            200: PaymentRequestOutputSerializer,
            400: ErrorSerializer,
            409: ErrorSerializer,
            429: THROTTLED,
        },
    )
    def post(self, request):
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key:
            raise _field_error(
                "Idempotency-Key",
                "The Idempotency-Key header is required: send a unique key per new request (e.g. a UUID) "
                "and the same key when you retry, so a retry never texts the customer twice.",
            )
        if len(key) > 255:
            raise _field_error("Idempotency-Key", "Idempotency-Key must be at most 255 characters.")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user

        opportunity = None
        if data.get("opportunity_id"):
            opportunity = Opportunity.objects.filter(
                organization_id=user.organization_id, pk=data["opportunity_id"]
            ).first()
            if opportunity is None:
                raise _field_error("opportunity_id", "No such opportunity in your organization.")
        if data.get("customer") is not None:
            customer = self._inline_customer(user=user, key=key, data=data["customer"])
        else:
            customer_id = data.get("customer_id") or opportunity.customer_id
            customer = Customer.objects.filter(organization_id=user.organization_id, pk=customer_id).first()
        if customer is None:
            raise _field_error("customer_id", "No such customer in your organization.")
        team = self._team(user=user, team_id=data.get("team_id"))
        fields = {
            "customer_id": customer.pk,
            "opportunity_id": opportunity.pk if opportunity else None,
            "team_id": team.pk if team else None,
            "amount_minor": data["amount_minor"],
            "currency": (data.get("currency") or user.organization.currency).upper(),
            "description": data["description"].strip(),
            "reference": data["reference"].strip(),
            "channel": data["channel"],
            "allow_partial": data["allow_partial"],
        }
        existing = self._existing(user=user, key=key, fields=fields)
        if existing is not None:
            return Response(_serialize(existing), status=status.HTTP_200_OK)
        try:
            created = payment_request_create(
                user=user,
                team=team,
                customer=customer,
                opportunity=opportunity,
                amount_minor=data["amount_minor"],
                currency=data.get("currency"),
                description=data["description"],
                reference=data["reference"],
                channel=data["channel"],
                allow_partial=data["allow_partial"],
                api_idempotency_key=key,
            )
        except ApplicationError as exc:
            raise _with_api_field_names(exc)
        except IntegrityError:  # the same key at the same moment: the other request won
            existing = self._existing(user=user, key=key, fields=fields)
            if existing is None:
                raise
            return Response(_serialize(existing), status=status.HTTP_200_OK)
        return Response(_serialize(created), status=status.HTTP_201_CREATED)

    @staticmethod
    def _inline_customer(*, user, key: str, data: dict) -> Customer:
        """A retry with the same Idempotency-Key reuses the first call's customer (no second one)."""
        prior = (
            PaymentRequest.objects.filter(organization_id=user.organization_id, api_idempotency_key=key)
            .select_related("customer")
            .first()
            if key
            else None
        )
        if prior is not None:
            return prior.customer
        return customer_for_api(user=user, data=data)

    @staticmethod
    def _team(*, user, team_id):
        teams = Team.objects.filter(organization_id=user.organization_id, payments_enabled=True)
        if team_id:
            team = Team.objects.filter(organization_id=user.organization_id, pk=team_id).first()
            if team is None:
                raise _field_error("team_id", "No such team in your organization.")
            return team
        if not user.is_admin:
            teams = teams.filter(members=user)
        candidates = list(teams.order_by("name")[:2])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise _field_error("team_id", "The token's user is in no team with payments enabled.")
        raise _field_error("team_id", "You are in several payment-enabled teams: give team_id.")

    @staticmethod
    def _existing(*, user, key: str, fields: dict) -> PaymentRequest | None:
        existing = PaymentRequest.objects.filter(
            organization_id=user.organization_id, api_idempotency_key=key
        ).first()
        if existing is None:
            return None
        stored = {name: getattr(existing, name) for name in fields}
        different = sorted(name for name in fields if stored[name] != fields[name])
        if different:
            raise Conflict(
                "This Idempotency-Key was already used with a different request body "
                f"(differs in: {', '.join(different)}). Use a new key for a new request.",
                extra={
                    "fields": {
                        name: ["Differs from the first request with this Idempotency-Key."]
                        for name in different
                    }
                },
            )
        return existing


class PaymentRequestListApi(APIView):
    class Pagination(LimitOffsetPagination):
        default_limit = 50
        max_limit = 200

    @extend_schema_serializer(component_name="PaymentRequestListFilters")
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[*PaymentRequest.Status.values, "open"],
            required=False,
            help_text="A status, or 'open'. Leave the parameter out for every status.",
        )
        customer_id = AsciiIntegerField(required=False, **ID_LIMITS)
        reference = serializers.CharField(required=False, max_length=64)
        mine = serializers.BooleanField(
            required=False, default=False, help_text="Only requests the token's user sent"
        )

        def validate(self, attrs):
            # A query string's empty value (`?status=`) would be read as "not given": refuse it.
            for name in self.fields:
                if name in self.initial_data and not str(self.initial_data.get(name, "")).strip():
                    raise serializers.ValidationError(
                        {name: [f"Give a value for {name}, or leave the parameter out."]}
                    )
            return attrs

    @extend_schema(
        operation_id="payment_requests_list",
        parameters=[FilterSerializer],
        responses={200: PaymentRequestPageSerializer, 400: ErrorSerializer, 429: THROTTLED},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = selectors.payment_request_list(
            user=request.user,
            mine_only=f.get("mine", False),
            status=f.get("status", ""),
            customer_id=f.get("customer_id"),
        )
        if f.get("reference"):
            qs = qs.filter(reference=f["reference"])
        qs = qs.prefetch_related("payments")
        paginator = self.Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PaymentRequestOutputSerializer(page, many=True).data)


class PaymentRequestDetailApi(APIView):
    @extend_schema(
        operation_id="payment_requests_retrieve",
        responses={200: PaymentRequestOutputSerializer, 404: ErrorSerializer, 429: THROTTLED},
    )
    def get(self, request, pk: int):
        payment_request = selectors.payment_request_get(user=request.user, pk=pk)
        payment_request_expire_if_due(payment_request_id=payment_request.pk)  # expiry holds on read
        return Response(_serialize(payment_request))


class PaymentRequestCancelApi(APIView):
    scopes = {"POST": "request_payments"}

    @extend_schema(
        operation_id="payment_requests_cancel",
        request=None,
        responses={
            200: PaymentRequestOutputSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: THROTTLED,
        },
    )
    def post(self, request, pk: int):
        payment_request = selectors.payment_request_get(user=request.user, pk=pk)
        cancelled = payment_request_cancel(payment_request_id=payment_request.pk, user=request.user)
        return Response(_serialize(cancelled))


class PaymentRequestResendApi(APIView):
    scopes = {"POST": "request_payments"}

    @extend_schema(
        operation_id="payment_requests_resend",
        request=None,
        description="Send an expired or cancelled request again, as a new request (201).",
        responses={
            201: PaymentRequestOutputSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: THROTTLED,
        },
    )
    def post(self, request, pk: int):
        payment_request = selectors.payment_request_get(user=request.user, pk=pk)
        try:
            new_request = payment_request_resend(payment_request_id=payment_request.pk, user=request.user)
        except ApplicationError as exc:
            raise _with_api_field_names(exc)
        return Response(_serialize(new_request), status=status.HTTP_201_CREATED)
