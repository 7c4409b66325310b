"""REST API v1: payments (list with the Payments tab's filters, retrieve) and reconciliation
(mark or undo, one or many). Scopes: `read` for GET, `reconcile` for the reconciliation calls;
who may reconcile which payment is organizations/permissions.can_reconcile, as on the web."""

from __future__ import annotations

from django.http import QueryDict
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_pages import ApiCursorPage, PageParameters, page_of
from core.errors import ApplicationError, NotFound
from payments.api_objects import PaymentObject, payment_object_queryset
from payments.tab import services
from payments.tab.filters import payment_filter
from payments.tab.selectors import DISPLAY_STATUSES, payment_get_for_user, payments_visible_to

ID = {"min_value": 1, "max_value": 2**63 - 1}
AMOUNT = {"min_value": 0, "max_value": 2**63 - 1}


class PaymentCursorPage(ApiCursorPage):
    ordering = ("-occurred_at", "-id")


@extend_schema_serializer(component_name="PaymentListFilters")
class PaymentFilters(PageParameters):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Customer name, email, phone or reference"
    )
    status = serializers.ChoiceField(choices=[v for v, _ in DISPLAY_STATUSES], required=False)
    team_id = serializers.IntegerField(required=False, **ID)
    advisor_id = serializers.IntegerField(required=False, **ID)
    date_from = serializers.DateField(
        required=False, help_text="From this day, in the dealership's time zone"
    )
    date_to = serializers.DateField(
        required=False, help_text="To this day (inclusive), dealership's time zone"
    )
    amount_min_minor = serializers.IntegerField(required=False, **AMOUNT)
    amount_max_minor = serializers.IntegerField(required=False, **AMOUNT)
    reconciled = serializers.BooleanField(required=False, allow_null=True, default=None)

    def tab_params(self) -> QueryDict:
        """The same filter the Payments tab applies, in its own parameter names."""
        data = self.validated_data
        params = QueryDict(mutable=True)
        for api_name, tab_name in (
            ("q", "q"),
            ("status", "status"),
            ("team_id", "team"),
            ("advisor_id", "advisor"),
        ):
            if data.get(api_name) not in (None, ""):
                params[tab_name] = str(data[api_name])
        for name in ("date_from", "date_to"):
            if data.get(name):
                params[name] = data[name].isoformat()
        for api_name, tab_name in (("amount_min_minor", "amount_min"), ("amount_max_minor", "amount_max")):
            if data.get(api_name) is not None:
                params[tab_name] = f"{data[api_name] // 100}.{data[api_name] % 100:02d}"
        if data.get("reconciled") is not None:
            params["reconciled"] = "yes" if data["reconciled"] else "no"
        return params


TAB_TO_API = {
    "team": "team_id",
    "advisor": "advisor_id",
    "amount_min": "amount_min_minor",
    "amount_max": "amount_max_minor",
}


class PaymentListApi(APIView):
    @extend_schema(
        operation_id="payments_list",
        parameters=[PaymentFilters],
        responses={200: page_of(PaymentObject, "PaymentPage")},
    )
    def get(self, request):
        filters = PaymentFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        tab = payment_filter(user=request.user, params=filters.tab_params())
        if not tab.is_valid():
            fields = {TAB_TO_API.get(name, name): list(texts) for name, texts in tab.errors.items()}
            first = next(iter(fields))
            if set(fields) <= {"team_id", "advisor_id"}:  # a well-formed id of no team/advisor you see
                raise NotFound(f"No such {first[:-3]} in your organization.", extra={"fields": fields})
            raise ApplicationError(f"{first}: {fields[first][0]}", extra={"fields": fields})
        paginator = PaymentCursorPage()
        page = paginator.paginate_queryset(payment_object_queryset(tab.qs), request, view=self)
        return paginator.get_paginated_response(PaymentObject(page, many=True).data)


class PaymentDetailApi(APIView):
    @extend_schema(operation_id="payments_retrieve", responses={200: PaymentObject})
    def get(self, request, pk: int):
        payment = payment_get_for_user(user=request.user, payment_id=pk)
        return Response(
            PaymentObject(
                payment_object_queryset(payments_visible_to(user=request.user)).get(pk=payment.pk)
            ).data
        )


@extend_schema_serializer(component_name="ReconcileInput")
class ReconcileInput(serializers.Serializer):
    payment_ids = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=500)
    document_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The DMS document (repair order, deal) number",
    )


@extend_schema_serializer(component_name="UnreconcileInput")
class UnreconcileInput(serializers.Serializer):
    payment_ids = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=500)


@extend_schema_serializer(component_name="ReconcileResult")
class ReconcileResult(serializers.Serializer):
    changed = serializers.IntegerField(
        help_text="How many payments changed (the others were left as they were)"
    )
    payments = PaymentObject(many=True)


def _result(request, *, changed: int, ids: list[int]) -> Response:
    payments = payment_object_queryset(payments_visible_to(user=request.user).filter(pk__in=ids)).order_by(
        "id"
    )
    return Response({"changed": changed, "payments": PaymentObject(payments, many=True).data})


def _known(request, ids: list[int]) -> list[int]:
    """Every id must be a payment the user sees: another organization's id is a 404."""
    found = set(payments_visible_to(user=request.user).filter(pk__in=ids).values_list("pk", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        from core.errors import NotFound

        raise NotFound(
            f"No such payment: {', '.join(map(str, missing[:20]))}.",
            extra={"fields": {"payment_ids": ["No such payment."]}},
        )
    return sorted(found)


class PaymentsReconcileApi(APIView):
    scopes = {"POST": "reconcile"}

    @extend_schema(
        operation_id="payments_reconcile",
        request=ReconcileInput,
        responses={200: ReconcileResult},
        description="Mark payments as reconciled with the DMS, optionally with the DMS document number. "
        "Failed attempts, already reconciled payments and payments you may not reconcile are left as they were.",
    )
    def post(self, request):
        data = ReconcileInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = _known(request, data.validated_data["payment_ids"])
        changed = services.payments_reconcile(
            user=request.user, payment_ids=ids, document_number=data.validated_data.get("document_number", "")
        )
        return _result(request, changed=changed, ids=ids)


class PaymentsUnreconcileApi(APIView):
    scopes = {"POST": "reconcile"}

    @extend_schema(
        operation_id="payments_unreconcile", request=UnreconcileInput, responses={200: ReconcileResult}
    )
    def post(self, request):
        data = UnreconcileInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = _known(request, data.validated_data["payment_ids"])
        changed = services.payments_unreconcile(user=request.user, payment_ids=ids)
        return _result(request, changed=changed, ids=ids)
