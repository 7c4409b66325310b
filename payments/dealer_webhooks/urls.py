"""/admin-tab/developers/"""

from django.urls import path

from payments.dealer_webhooks import views

urlpatterns = [
    path("", views.developers, name="developers"),
    path("endpoints/<int:pk>/", views.endpoint_detail, name="developers-endpoint"),
    path("endpoints/<int:pk>/rotate/", views.endpoint_rotate, name="developers-endpoint-rotate"),
    path("endpoints/<int:pk>/test/", views.endpoint_test, name="developers-endpoint-test"),
    path("endpoints/<int:pk>/delete/", views.endpoint_delete, name="developers-endpoint-delete"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="developers-delivery-resend"),
]
