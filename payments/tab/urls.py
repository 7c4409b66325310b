"""/payments/: the Payments tab (My payments for Advisors) with its refunds, payouts and reports pages.
One URL namespace, "payments", for all of them."""

from django.urls import path

from payments.payouts import views as payout_views
from payments.reconciliation_files import views as file_views
from payments.refunds import views as refund_views
from payments.reports import views as report_views
from payments.tab import views

app_name = "payments"

urlpatterns = [
    path("", views.payment_list, name="list"),
    path("export.csv", views.payment_export, name="export"),
    path("reconcile/", views.payment_reconcile, name="reconcile"),
    path("payouts/", payout_views.payout_list, name="payouts"),
    path("payouts/<int:payout_id>/", payout_views.payout_detail, name="payout"),
    path("payouts/<int:payout_id>/export.csv", payout_views.payout_export, name="payout-export"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<int:report_run_id>/download/", report_views.report_download, name="report-download"),
    path("reconciliation-files/", file_views.reconciliation_files, name="reconciliation-files"),
    path(
        "reconciliation-files/teams/", file_views.reconciliation_file_teams, name="reconciliation-file-teams"
    ),
    path(
        "reconciliation-files/emails/<str:token>/",
        file_views.reconciliation_file_email_switch,
        name="reconciliation-file-emails",
    ),
    path(
        "reconciliation-files/<str:day>/",
        file_views.reconciliation_file_download,
        name="reconciliation-file",
    ),
    path("<int:payment_id>/", views.payment_detail, name="detail"),
    path("<int:payment_id>/refund/", refund_views.payment_refund, name="refund"),
]
