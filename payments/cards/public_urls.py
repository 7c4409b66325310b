"""The customer's save-a-card pages (public; the token is the key)."""

from django.urls import path

from payments.cards import views

urlpatterns = [
    path("<str:token>/", views.save_card_page, name="save-card"),
    path("<str:token>/saved/", views.save_card_return, name="save-card-return"),
]
