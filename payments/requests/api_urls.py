from django.urls import path

from payments.requests import api as apis

urlpatterns = [
    path("payment-requests/", apis.PaymentRequestListApi.as_view(), name="api-payment-request-list"),
    path(
        "payment-requests/create/", apis.PaymentRequestCreateApi.as_view(), name="api-payment-request-create"
    ),
    path(
        "payment-requests/<int:pk>/",
        apis.PaymentRequestDetailApi.as_view(),
        name="api-payment-request-detail",
    ),
    path(
        "payment-requests/<int:pk>/cancel/",
        apis.PaymentRequestCancelApi.as_view(),
        name="api-payment-request-cancel",
    ),
    path(
        "payment-requests/<int:pk>/resend/",
        apis.PaymentRequestResendApi.as_view(),
        name="api-payment-request-resend",
    ),
]
