from django.urls import path

from notifications import views_dev

urlpatterns = [
    path("outbox/", views_dev.outbox, name="dev-outbox"),
    path("outbox/<int:pk>/html/", views_dev.outbox_html, name="dev-outbox-html"),
]
