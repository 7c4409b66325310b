"""DRF exception handler: every error is {"message": str, "extra": {...}}; field errors are
`extra["fields"]` = {field: [messages]}, for our ApplicationErrors and DRF's validation alike."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


class AsciiIntegerField(serializers.IntegerField):
    """DRF's IntegerField takes "١٢٣" (Python's int() reads any script's digits): only ASCII here."""

    default_error_messages = {"ascii": "Use the digits 0-9 only."}

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("ascii")
        return super().to_internal_value(data)


class JSONParser(parsers.JSONParser):
    """DRF's parser, with a body nested too deeply for Python's parser (100,000 `[`) a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.")


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "extra": exc.extra}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first_field = next(iter(detail), "non_field_errors")
        first = detail[first_field]
        first_text = first[0] if isinstance(first, list) and first else first
        message = f"{first_field}: {first_text}" if first_field != "non_field_errors" else str(first_text)
        response.data = {"message": message, "extra": {"fields": detail}}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        response.data = {"message": str(exc.detail if hasattr(exc, "detail") else exc), "extra": {}}
    return response
