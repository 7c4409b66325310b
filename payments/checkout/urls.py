from django.urls import path

from payments.checkout import views

urlpatterns = [
    path("<str:token>/", views.pay_page, name="pay-page"),
    path("<str:token>/checkout/", views.pay_checkout, name="pay-checkout"),
    path("<str:token>/return/", views.pay_return, name="pay-return"),
    path("<str:token>/receipt/<int:payment_id>/", views.pay_receipt, name="pay-receipt"),
]
