"""/admin-tab/payout-emails/: who receives an email when a payout is paid or fails."""

from django.urls import path

from payments.payouts import views

urlpatterns = [
    path("", views.payout_emails, name="payout-emails"),
]
