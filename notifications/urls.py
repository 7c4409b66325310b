from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notifications_page, name="notifications"),
    path("badge/", views.notifications_badge, name="notifications-badge"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
    path("read-all/", views.notifications_read_all, name="notifications-read-all"),
]
