from django.urls import path

from payments.cards import api as apis

urlpatterns = [
    path(
        "customers/<int:customer_id>/saved-cards/",
        apis.CustomerSavedCardsApi.as_view(),
        name="api-saved-cards",
    ),
    path(
        "saved-cards/<int:card_id>/charges/", apis.SavedCardChargeApi.as_view(), name="api-saved-card-charge"
    ),
    path("card-charges/<int:pk>/", apis.CardChargeDetailApi.as_view(), name="api-card-charge-detail"),
    path("installment-plans/", apis.InstallmentPlanCreateApi.as_view(), name="api-installment-plan-create"),
    path(
        "installment-plans/<int:pk>/",
        apis.InstallmentPlanDetailApi.as_view(),
        name="api-installment-plan-detail",
    ),
]
