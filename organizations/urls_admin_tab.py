"""/admin-tab/: the index with business details. Sections (connections, payment settings, API
tokens, payout emails) are mounted by their owners in config/urls.py."""

from django.urls import path

from organizations import views

urlpatterns = [
    path("", views.admin_tab, name="admin-tab"),
]
