from django.urls import path

from payments.accounts import views

app_name = "connections"

urlpatterns = [
    path("", views.connections_index, name="index"),
    path("connect/", views.connections_connect, name="connect"),
    path("teams/", views.connections_team_routing, name="team_routing"),
    path("<int:pk>/onboarding/", views.connections_onboarding, name="onboarding"),
    path("<int:pk>/return/", views.connections_return, name="return"),
    path("<int:pk>/refresh/", views.connections_refresh, name="refresh"),
    path("<int:pk>/dashboard/", views.connections_dashboard, name="dashboard"),
    path("<int:pk>/payout-schedule/", views.connections_payout_schedule, name="payout_schedule"),
    path(
        "<int:pk>/statement-descriptor/", views.connections_statement_descriptor, name="statement_descriptor"
    ),
    path("<int:pk>/label/", views.connections_label, name="label"),
    path("<int:pk>/disconnect/", views.connections_disconnect, name="disconnect"),
]
