from django.urls import path

from customers import apis

urlpatterns = [
    path("customers/", apis.CustomerListCreateApi.as_view(), name="api-customer-list"),
    path("customers/<int:pk>/", apis.CustomerDetailApi.as_view(), name="api-customer-detail"),
    path(
        "customers/by-external-id/<str:external_id>/",
        apis.CustomerByExternalIdApi.as_view(),
        name="api-customer-by-external-id",
    ),
]
