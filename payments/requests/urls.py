from django.urls import path

from payments.requests import views

urlpatterns = [
    path("", views.payment_request_list, name="payment-request-list"),
    path("new/", views.payment_request_new, name="payment-request-new"),
    path("<int:pk>/", views.payment_request_detail, name="payment-request-detail"),
    path("<int:pk>/cancel/", views.payment_request_cancel, name="payment-request-cancel"),
    path("<int:pk>/resend/", views.payment_request_resend, name="payment-request-resend"),
    path("<int:pk>/send-again/", views.payment_request_send_again, name="payment-request-send-again"),
]
