from django.urls import path

from customers import views

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("new/", views.customer_create, name="customer-create"),
    path("<int:customer_id>/", views.customer_detail, name="customer-detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="customer-edit"),
    path("<int:customer_id>/opportunities/new/", views.opportunity_create, name="opportunity-create"),
    path(
        "<int:customer_id>/opportunities/<int:opportunity_id>/edit/",
        views.opportunity_edit,
        name="opportunity-edit",
    ),
]
