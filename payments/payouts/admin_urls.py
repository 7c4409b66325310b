"""/admin-tab/payout-emails/: who receives an email when a payout is paid or fails."""

from django.urls import path

from payments.tab import views as views_tab

urlpatterns = [
    path("", views_tab.payout_emails, name="payout-emails"),
]
