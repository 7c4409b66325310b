from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from core.errors import ApplicationError


class ApplicationErrorMiddleware:
    """An ApplicationError escaping a page view becomes a readable page or a flash message,
    never a 500. Views that show errors next to fields catch it themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        if request.method == "POST" and request.headers.get("Referer"):
            messages.error(request, exception.message)
            return redirect(request.headers["Referer"])
        html = render_to_string("error.html", {"error": exception}, request=request)
        return HttpResponse(html, status=exception.status_code)
