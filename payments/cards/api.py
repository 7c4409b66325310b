"""REST API v1 for card on file (the style of payments/requests/api.py: one view per operation, nested
Input/Output serializers, validate -> service -> serialize; errors {"message", "extra"}).

- GET  /api/v1/customers/{id}/saved-cards/        a customer's saved cards
- POST /api/v1/saved-cards/{id}/charges/          charge a saved card; Idempotency-Key REQUIRED
- GET  /api/v1/card-charges/{id}/                 one charge
- POST /api/v1/installment-plans/                 an installment plan; Idempotency-Key REQUIRED
- GET  /api/v1/installment-plans/{id}/            a plan and its parts

A retry with the same Idempotency-Key returns the first charge/plan (200); the same key with another
body is refused (409). The key is kept on our record, written before Stripe is called."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from customers.models import Customer
from organizations import permissions
from organizations.api_tokens import schema as api_schema  # noqa: F401  (registers the token auth scheme)
from organizations.models import ApiScope
from payments.cards import charges, checks, plans, selectors
from payments.models import CardCharge, Installment, InstallmentPlan, SavedCard
from teams.models import Team

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Required. The same key returns the same result; the same key with another body is refused (409).",
)


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"fields": {field: [message]}})


def _key(request) -> str:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise _field_error(
            "Idempotency-Key", "Send an Idempotency-Key header: charges are never made without one."
        )
    if len(key) > 200:
        raise _field_error("Idempotency-Key", "Idempotency-Key must be at most 200 characters.")
    return key


def _team(user, team_id) -> Team:
    teams = [
        t
        for t in Team.objects.filter(organization_id=user.organization_id, payments_enabled=True)
        if permissions.can_charge_saved_card(user, t)
    ]
    if team_id is None and len(teams) == 1:
        return teams[0]
    team = next((t for t in teams if t.pk == team_id), None)
    if team is None:
        raise _field_error("team_id", "Choose one of your teams where you may charge saved cards.")
    return team


def _renamed(exc: ApplicationError) -> ApplicationError:
    fields = (exc.extra or {}).get("fields")
    if not fields:
        return exc
    names = {"card": "card_id", "team": "team_id", "amount": "amount_minor"}
    return ApplicationError(exc.message, extra={"fields": {names.get(k, k): v for k, v in fields.items()}})


@extend_schema_serializer(component_name="CardApiError")
class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    extra = serializers.DictField()


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


@extend_schema_serializer(component_name="SavedCard")
class SavedCardOutputSerializer(serializers.ModelSerializer):
    customer_id = serializers.IntegerField()
    expires_soon = serializers.SerializerMethodField()
    consented_at = serializers.SerializerMethodField()
    chargeable = serializers.SerializerMethodField()

    class Meta:
        model = SavedCard
        fields = ["id", "customer_id", "brand", "last4", "exp_month", "exp_year", "status", "expires_soon",
                  "consented_at", "chargeable", "created_at"]  # fmt: skip

    def get_expires_soon(self, obj) -> bool:
        return obj.expires_soon()

    def get_consented_at(self, obj) -> str | None:
        consent = next(iter(obj.consents.all()), None)
        return consent.accepted_at.isoformat() if consent else None

    def get_chargeable(self, obj) -> bool:
        return not checks.card_chargeable(obj)


@extend_schema_serializer(component_name="CardCharge")
class CardChargeOutputSerializer(serializers.ModelSerializer):
    card_id = serializers.IntegerField(source="saved_card_id")
    customer_id = serializers.IntegerField()
    payment_request_id = serializers.IntegerField()

    class Meta:
        model = CardCharge
        fields = ["id", "status", "kind", "attempt", "amount_minor", "currency", "fee_minor", "card_id",
                  "customer_id", "payment_request_id", "failure_code", "decline_code", "advice_code",
                  "failure_message", "next_retry_at", "created_at"]  # fmt: skip


class InstallmentOutputSerializer(serializers.ModelSerializer):
    payment_request_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Installment
        fields = ["number", "due_date", "amount_minor", "status", "payment_request_id"]


@extend_schema_serializer(component_name="InstallmentPlan")
class InstallmentPlanOutputSerializer(serializers.ModelSerializer):
    card_id = serializers.IntegerField(source="saved_card_id")
    customer_id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    installments = InstallmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = InstallmentPlan
        fields = ["id", "status", "total_minor", "currency", "description", "reference", "card_id", "customer_id",
                  "team_id", "installments", "created_at"]  # fmt: skip


class CustomerSavedCardsApi(APIView):
    @extend_schema(
        operation_id="saved_cards_list",
        responses={200: SavedCardOutputSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request, customer_id: int):
        customer = Customer.objects.filter(
            organization_id=request.user.organization_id, pk=customer_id
        ).first()
        if customer is None or not permissions.can_view_saved_cards(request.user, customer):
            raise NotFound("No such customer in your organization.")
        cards = selectors.saved_cards_for_customer(customer=customer)
        return Response(SavedCardOutputSerializer(cards, many=True).data)


class SavedCardChargeApi(APIView):
    scopes = {"POST": ApiScope.CHARGE_SAVED_CARDS}  # money moves with no customer acting: its own scope

    @extend_schema_serializer(component_name="SavedCardChargeInput")
    class InputSerializer(serializers.Serializer):
        amount_minor = serializers.IntegerField(help_text="Integer minor units (cents): 12550 = $125.50")
        description = serializers.CharField(max_length=500)
        reference = serializers.CharField(max_length=64)
        team_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        operation_id="saved_card_charge",
        request=InputSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: CardChargeOutputSerializer, 200: CardChargeOutputSerializer, **ERRORS},
    )
    def post(self, request, card_id: int):
        user = request.user
        card = (
            SavedCard.objects.select_related("customer", "stripe_customer__stripe_account")
            .filter(organization_id=user.organization_id, pk=card_id)
            .first()
        )
        if card is None:
            raise NotFound("No such saved card in your organization.")
        key = _key(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission_key = f"api-{key}"
        existing = CardCharge.objects.filter(
            organization_id=user.organization_id, api_idempotency_key=submission_key
        )
        existing = existing.select_related("payment_request").first()
        if existing is not None:
            same = (existing.saved_card_id, existing.amount_minor, existing.payment_request.description,
                    existing.payment_request.reference) == (card.pk, data["amount_minor"],
                                                            data["description"].strip(), data["reference"].strip())  # fmt: skip
            if not same:
                raise Conflict(
                    "This Idempotency-Key was used with another charge.", extra={"charge_id": existing.pk}
                )
            return Response(CardChargeOutputSerializer(existing).data, status=status.HTTP_200_OK)
        team = _team(user, data.get("team_id"))
        try:
            charge = charges.card_charge_on_behalf(
                user=user,
                saved_card=card,
                team=team,
                amount_minor=data["amount_minor"],
                description=data["description"],
                reference=data["reference"],
                submission_key=submission_key,
            )
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            raise _renamed(exc)
        return Response(CardChargeOutputSerializer(charge).data, status=status.HTTP_201_CREATED)


class CardChargeDetailApi(APIView):
    @extend_schema(
        operation_id="card_charge_retrieve", responses={200: CardChargeOutputSerializer, 404: ErrorSerializer}
    )
    def get(self, request, pk: int):
        charge = CardCharge.objects.filter(organization_id=request.user.organization_id, pk=pk).first()
        if charge is None or not permissions.can_view_payment_request(request.user, charge.payment_request):
            raise NotFound("No such charge in your organization.")
        return Response(CardChargeOutputSerializer(charge).data)


class InstallmentPlanCreateApi(APIView):
    scopes = {"POST": ApiScope.CHARGE_SAVED_CARDS}  # money moves with no customer acting: its own scope

    @extend_schema_serializer(component_name="InstallmentInput")
    class PartSerializer(serializers.Serializer):
        due_date = serializers.DateField()
        amount_minor = serializers.IntegerField()

    @extend_schema_serializer(component_name="InstallmentPlanCreateInput")
    class InputSerializer(serializers.Serializer):
        card_id = serializers.IntegerField()
        team_id = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(max_length=500)
        reference = serializers.CharField(max_length=64)
        installments = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=36)

    @extend_schema(
        operation_id="installment_plan_create",
        request=InputSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: InstallmentPlanOutputSerializer, 200: InstallmentPlanOutputSerializer, **ERRORS},
    )
    def post(self, request):
        key = _key(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        parts = []
        for i, raw in enumerate(data["installments"]):
            part = self.PartSerializer(data=raw)
            if not part.is_valid():
                raise _field_error("installments", f"Installment {i + 1}: {part.errors}")
            parts.append((part.validated_data["due_date"], part.validated_data["amount_minor"]))
        user = request.user
        existing = InstallmentPlan.objects.filter(
            organization_id=user.organization_id, api_idempotency_key=key
        ).first()
        if existing is not None:
            if existing.saved_card_id != data["card_id"] or existing.total_minor != sum(a for _, a in parts):
                raise Conflict(
                    "This Idempotency-Key was used with another plan.", extra={"plan_id": existing.pk}
                )
            return Response(InstallmentPlanOutputSerializer(existing).data, status=status.HTTP_200_OK)
        card = SavedCard.objects.filter(organization_id=user.organization_id, pk=data["card_id"]).first()
        if card is None:
            raise _field_error("card_id", "No such saved card in your organization.")
        try:
            plan = plans.installment_plan_create(
                user=user,
                saved_card=card,
                team=_team(user, data.get("team_id")),
                description=data["description"],
                reference=data["reference"],
                parts=parts,
                api_idempotency_key=key,
            )
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            raise _renamed(exc)
        plan = InstallmentPlan.objects.prefetch_related("installments").get(pk=plan.pk)
        return Response(InstallmentPlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


class InstallmentPlanDetailApi(APIView):
    @extend_schema(
        operation_id="installment_plan_retrieve",
        responses={200: InstallmentPlanOutputSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        plan = InstallmentPlan.objects.filter(organization_id=request.user.organization_id, pk=pk).first()
        if plan is None or not permissions.can_view_saved_cards(request.user, plan.customer):
            raise NotFound("No such plan in your organization.")
        return Response(InstallmentPlanOutputSerializer(plan).data)
