from django.urls import path

from payments.cards import views

app_name = "cards"

urlpatterns = [
    path("customers/<int:customer_id>/request/", views.card_request_send, name="request-send"),
    path("customers/<int:customer_id>/charge/", views.card_charge, name="charge"),
    path("customers/<int:customer_id>/plan/", views.plan_create, name="plan-create"),
    path("<int:card_id>/remove/", views.saved_card_remove, name="remove"),
    path("charges/<int:charge_id>/", views.card_charge_detail, name="charge-detail"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("settings/", views.card_settings, name="settings"),
    path("bulk/new/", views.bulk_new, name="bulk-new"),
    path("bulk/<int:run_id>/", views.bulk_detail, name="bulk-detail"),
    path("bulk/<int:run_id>/progress/", views.bulk_progress, name="bulk-progress"),
    path("bulk/<int:run_id>/results.csv", views.bulk_results, name="bulk-results"),
    # the customer's pages (public; the unguessable token is the key)
    path("save/<str:token>/", views.save_card_page, name="save-card"),
    path("save/<str:token>/saved/", views.save_card_return, name="save-card-return"),
]
