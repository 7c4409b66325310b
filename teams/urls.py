"""/manage/teams/ (Manage tab)."""

from django.urls import path

from teams import views

urlpatterns = [
    path("", views.team_list, name="team-list"),
    path("new/", views.team_create, name="team-create"),
    path("<int:team_id>/", views.team_edit, name="team-edit"),
    path("<int:team_id>/payments/", views.team_payments_toggle, name="team-payments"),
]
