from django.urls import path

from payments.payment_settings import views

urlpatterns = [
    path("", views.payment_settings, name="payment-settings"),
    path("messages/", views.message_texts, name="message-texts"),
]
