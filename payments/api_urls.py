"""/api/v1/ for the dealer's systems: payments and reconciliation, refunds, payouts, the daily
reconciliation file (payment requests: payments/requests/api_urls.py)."""

from django.urls import path

from payments.payouts import api as payouts
from payments.reconciliation_files import api as files
from payments.refunds import api as refunds
from payments.tab import api as tab

urlpatterns = [
    path("payments/", tab.PaymentListApi.as_view(), name="api-payment-list"),
    path("payments/reconcile/", tab.PaymentsReconcileApi.as_view(), name="api-payments-reconcile"),
    path("payments/unreconcile/", tab.PaymentsUnreconcileApi.as_view(), name="api-payments-unreconcile"),
    path("payments/<int:pk>/", tab.PaymentDetailApi.as_view(), name="api-payment-detail"),
    path("payments/<int:pk>/refunds/", refunds.PaymentRefundCreateApi.as_view(), name="api-payment-refund"),
    path("refunds/", refunds.RefundListApi.as_view(), name="api-refund-list"),
    path("refunds/<int:pk>/", refunds.RefundDetailApi.as_view(), name="api-refund-detail"),
    path("payouts/", payouts.PayoutListApi.as_view(), name="api-payout-list"),
    path("payouts/<int:pk>/", payouts.PayoutDetailApi.as_view(), name="api-payout-detail"),
    path("reconciliation-files/", files.ReconciliationFileListApi.as_view(), name="api-reconciliation-files"),
    path(
        "reconciliation-files/<str:day>/",
        files.ReconciliationFileApi.as_view(),
        name="api-reconciliation-file",
    ),
]
