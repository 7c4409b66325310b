"""REST API v1: payouts (scope `read`), each with what Stripe settled in it; retrieve adds its
payments and refunds."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_pages import ApiCursorPage, PageParameters, page_of
from payments.api_objects import PayoutDetailObject, PayoutObject, payment_object_queryset
from payments.models import Payment
from payments.payouts.selectors import payout_contents, payout_get_for_user, payouts_for_user

PayoutPage = ApiCursorPage


class PayoutListApi(APIView):
    @extend_schema(
        operation_id="payouts_list",
        parameters=[PageParameters],
        responses={200: page_of(PayoutObject, "PayoutPage")},
    )
    def get(self, request):
        PageParameters(data=request.query_params).is_valid(raise_exception=True)
        paginator = PayoutPage()
        page = paginator.paginate_queryset(
            payouts_for_user(user=request.user).order_by("-id"), request, view=self
        )
        return paginator.get_paginated_response(PayoutObject(page, many=True).data)


class PayoutDetailApi(APIView):
    @extend_schema(operation_id="payouts_retrieve", responses={200: PayoutDetailObject})
    def get(self, request, pk: int):
        payout = payout_get_for_user(user=request.user, payout_id=pk)
        payments, refunds = payout_contents(payout=payout)
        payout.api_payments = list(
            payment_object_queryset(Payment.objects.filter(pk__in=[p.pk for p in payments])).order_by(
                "occurred_at", "id"
            )
        )
        payout.api_refunds = refunds
        return Response(PayoutDetailObject(payout).data)
