"""REST API v1: refunds. Create needs the `refund` scope and an Idempotency-Key, and follows the
web's rules (refund_create: organizations/permissions.can_refund, refundable amount, failed or
disputed payments refused)."""

from __future__ import annotations

from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_idempotency import PARAMETER as IDEMPOTENCY_KEY
from core.api_idempotency import api_error, idempotency_check, idempotency_key
from core.api_pages import ApiCursorPage, page_of
from core.errors import ApplicationError
from payments.api_objects import RefundObject
from payments.models import Refund
from payments.refunds.services import refund_create
from payments.tab.selectors import payment_get_for_user, payments_visible_to

RefundPage = ApiCursorPage


def _refunds_visible_to(user):
    return Refund.objects.filter(
        organization_id=user.organization_id, payment__in=payments_visible_to(user=user).values("pk")
    ).select_related("created_by")


@extend_schema_serializer(component_name="RefundCreateInput")
class RefundInput(serializers.Serializer):
    amount_minor = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Leave out for a full refund",
    )
    reason = serializers.ChoiceField(
        choices=Refund.Reason.values, default=Refund.Reason.REQUESTED_BY_CUSTOMER
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class PaymentRefundCreateApi(APIView):
    scopes = {"POST": "refund"}

    @extend_schema(
        operation_id="payments_refund",
        request=RefundInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: RefundObject, 200: RefundObject},
    )
    def post(self, request, pk: int):
        key = idempotency_key(request)
        data = RefundInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment = payment_get_for_user(user=request.user, payment_id=pk)
        values = data.validated_data
        existing = Refund.objects.filter(
            organization_id=request.user.organization_id, api_idempotency_key=key
        ).first()
        if existing is not None:
            return self._replay(existing, payment_id=payment.pk, values=values)
        try:
            refund = refund_create(
                payment_id=payment.pk,
                user=request.user,
                amount_minor=values.get("amount_minor"),
                reason=values["reason"],
                note=values["note"],
                api_idempotency_key=key,
            )
        except ApplicationError as exc:
            error = api_error(exc)
            fields = (error.extra or {}).get("fields") or {}
            if "amount" in fields:
                error.extra["fields"] = {"amount_minor" if k == "amount" else k: v for k, v in fields.items()}
            raise error
        except IntegrityError:  # the same key at the same moment: the other call won
            existing = Refund.objects.filter(
                organization_id=request.user.organization_id, api_idempotency_key=key
            ).first()
            if existing is None:
                raise
            return self._replay(existing, payment_id=payment.pk, values=values)
        refund = Refund.objects.select_related("created_by").get(pk=refund.pk)
        return Response(RefundObject(refund).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _replay(existing: Refund, *, payment_id: int, values: dict) -> Response:
        fields = {"payment_id": payment_id, "reason": values["reason"], "note": values["note"][:300]}
        if values.get("amount_minor") is not None:
            fields["amount_minor"] = values["amount_minor"]
        idempotency_check(existing=existing, fields=fields)
        return Response(RefundObject(existing).data, status=status.HTTP_200_OK)


class RefundListApi(APIView):
    @extend_schema(operation_id="refunds_list", responses={200: page_of(RefundObject, "RefundPage")})
    def get(self, request):
        refunds = _refunds_visible_to(request.user)
        payment_id = request.query_params.get("payment_id", "")
        if payment_id:
            if not payment_id.isdigit() or len(payment_id) > 18:
                raise ApplicationError(
                    "payment_id: a payment id.", extra={"fields": {"payment_id": ["A payment id."]}}
                )
            refunds = refunds.filter(payment_id=int(payment_id))
        paginator = RefundPage()
        page = paginator.paginate_queryset(refunds, request, view=self)
        return paginator.get_paginated_response(RefundObject(page, many=True).data)


class RefundDetailApi(APIView):
    @extend_schema(operation_id="refunds_retrieve", responses={200: RefundObject})
    def get(self, request, pk: int):
        return Response(RefundObject(get_object_or_404(_refunds_visible_to(request.user), pk=pk)).data)
