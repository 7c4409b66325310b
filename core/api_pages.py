"""Cursor pagination for API v1 lists: `{"next", "previous", "results"}`, newest first; follow
`next` (an opaque cursor URL) until it is null. Stable while rows are added."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination

from core.errors import ApplicationError


class ApiCursorPage(CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"

    def get_page_size(self, request):
        """`limit` is 1-200 or left out; anything else is a 400 naming it (not silently 50)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ApplicationError(
                f"limit: a whole number from 1 to {self.max_page_size}.",
                extra={"fields": {"limit": [f"A whole number from 1 to {self.max_page_size}."]}},
            )
        return int(raw)


@extend_schema_serializer(component_name="PageParameters")
class PageParameters(serializers.Serializer):
    """The query parameters every list takes (for the schema and their validation)."""

    def to_internal_value(self, data):
        empty = [name for name in self.fields if name in data and data.get(name) == ""]
        if empty:  # DRF would read `q=` as "not given"; the schema says a value is at least 1 character
            raise serializers.ValidationError(
                {name: ["Leave the parameter out instead of sending it empty."] for name in empty}
            )
        return super().to_internal_value(data)

    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=200, help_text="Page size (default 50)"
    )
    cursor = serializers.CharField(required=False, max_length=500, help_text="From `next` or `previous`")


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The OpenAPI shape of one page of `item`s."""

    @extend_schema_serializer(component_name=name)
    class Page(serializers.Serializer):
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = item(many=True)

    Page.__name__ = name
    return Page
