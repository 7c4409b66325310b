"""A URLconf with views that fail, for the 500 page test."""

from django.urls import path

from config.urls import handler500  # noqa: F401  (the project's 500 handler)


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), path("api/boom/", boom)]
