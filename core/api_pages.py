"""Cursor pagination for API v1 lists: `{"next", "previous", "results"}`, newest first; follow
`next` (an opaque cursor URL) until it is null. Stable while rows are added."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class ApiCursorPage(CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The OpenAPI shape of one page of `item`s."""

    @extend_schema_serializer(component_name=name)
    class Page(serializers.Serializer):
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = item(many=True)

    Page.__name__ = name
    return Page
