from django.urls import path

from payments import views_admin as views

urlpatterns = [path("", views.payment_settings, name="payment-settings")]
