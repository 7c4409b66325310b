from django.urls import path

from payments.webhooks import views

app_name = "stripe_webhooks"

urlpatterns = [
    path("", views.stripe_webhook, name="platform"),
    path("connect/", views.stripe_connect_webhook, name="connect"),
]
