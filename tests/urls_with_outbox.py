"""The project's URLs plus the development outbox, for tests that run with DEBUG off."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("dev/", include("notifications.urls_dev"))]
