"""/payments/: the Payments tab (My payments for Advisors)."""

from django.urls import path

from payments.tab import views as views_tab

app_name = "payments"

urlpatterns = [
    path("", views_tab.payment_list, name="list"),
    path("export.csv", views_tab.payment_export, name="export"),
    path("reconcile/", views_tab.payment_reconcile, name="reconcile"),
    path("payouts/", views_tab.payout_list, name="payouts"),
    path("payouts/<int:payout_id>/", views_tab.payout_detail, name="payout"),
    path("payouts/<int:payout_id>/export.csv", views_tab.payout_export, name="payout-export"),
    path("reports/", views_tab.report_list, name="reports"),
    path("reports/<int:report_run_id>/download/", views_tab.report_download, name="report-download"),
    path("<int:payment_id>/", views_tab.payment_detail, name="detail"),
    path("<int:payment_id>/refund/", views_tab.payment_refund, name="refund"),
]
