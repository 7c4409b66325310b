"""REST API v1: the daily reconciliation files (scope `read`, Admins and Managers):
GET /reconciliation-files/ lists the files made by the beat job (the organization's, and the
chosen teams'; a Manager sees their teams' files), GET /reconciliation-files/{day}/ is one day's CSV
(`team_id` for a team's)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from core.api_pages import ApiCursorPage, PageParameters, page_of
from core.errors import ApplicationError, NotFound, PermissionDenied
from organizations import permissions
from payments.reconciliation_files import selectors
from payments.reconciliation_files.selectors import csv_response


@extend_schema_serializer(component_name="ReconciliationFile")
class ReconciliationFileObject(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField(help_text="The business day, in the dealership's time zone")
    team_id = serializers.IntegerField(
        allow_null=True, help_text="null: the organization's file (with payouts)"
    )
    team_name = serializers.SerializerMethodField()
    row_count = serializers.IntegerField(help_text="Money movements in the file")
    total_minor = serializers.IntegerField(help_text="Sum of the amount column, in minor units")
    currency = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(help_text="When the beat job made it")
    emailed_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField(help_text="GET it with the same token (add excel=true)")

    def get_team_name(self, obj) -> str | None:
        return obj.team.name if obj.team_id else None

    def get_currency(self, obj) -> str:
        return obj.organization.currency

    def get_download_url(self, obj) -> str:
        url = f"{settings.SITE_URL}/api/v1/reconciliation-files/{obj.day.isoformat()}/"
        return url + (f"?team_id={obj.team_id}" if obj.team_id else "")


@extend_schema_serializer(component_name="ReconciliationFileListParameters")
class FileListParameters(PageParameters):
    team_id = serializers.IntegerField(required=False, min_value=1, help_text="Only this team's files")
    day_from = serializers.DateField(required=False)
    day_to = serializers.DateField(required=False)


class ReconciliationFileListApi(APIView):
    @extend_schema(
        operation_id="reconciliation_files_list",
        parameters=[FileListParameters],
        responses={200: page_of(ReconciliationFileObject, "ReconciliationFilePage")},
    )
    def get(self, request):
        if not permissions.can_download_reports(request.user):
            raise PermissionDenied("Only Admins and Managers download reconciliation files.")
        params = FileListParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        files = selectors.reconciliation_files_visible(user=request.user).select_related("organization")
        if "team_id" in params.validated_data:
            files = files.filter(team_id=params.validated_data["team_id"])
        if "day_from" in params.validated_data:
            files = files.filter(day__gte=params.validated_data["day_from"])
        if "day_to" in params.validated_data:
            files = files.filter(day__lte=params.validated_data["day_to"])
        paginator = ApiCursorPage()
        page = paginator.paginate_queryset(files.order_by("-id"), request, view=self)
        return paginator.get_paginated_response(ReconciliationFileObject(page, many=True).data)


class ReconciliationFileApi(APIView):
    @extend_schema(
        operation_id="reconciliation_files_retrieve",
        parameters=[
            OpenApiParameter(
                "day",
                OpenApiTypes.DATE,
                OpenApiParameter.PATH,
                description="YYYY-MM-DD, the dealership's day",
            ),
            OpenApiParameter(
                "team_id",
                int,
                description="Only this team's movements (no payouts): the team's stored file when it has one",
            ),
            OpenApiParameter("excel", bool, description="UTF-8 with a BOM and CRLF line ends, for Excel"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="One row per money movement of the day: kind (payment, failed_attempt, platform_fee, "
                "refund, dispute, payout), occurred_at with its offset, amounts in major units, our ids and "
                "Stripe's, reference, DMS document number, customer, advisor, team, method.",
            )
        },
    )
    def get(self, request, day: str):
        if not permissions.can_download_reports(request.user):
            raise PermissionDenied("Only Admins and Managers download reconciliation files.")
        try:
            the_day = dt.date.fromisoformat(day)
        except ValueError:
            raise ApplicationError(
                "day: a date as YYYY-MM-DD.", extra={"fields": {"day": ["A date as YYYY-MM-DD."]}}
            )
        if not 2000 <= the_day.year <= 2999:
            raise NotFound("No reconciliation file for that day (years 2000-2999).")
        team_id = request.query_params.get("team_id") or None
        if team_id is not None and (not team_id.isdigit() or len(team_id) > 18):
            raise ApplicationError("team_id: a team id.", extra={"fields": {"team_id": ["A team id."]}})
        try:
            team = selectors.reconciliation_team(user=request.user, team_id=team_id)
        except LookupError:
            raise NotFound("No such team in your organization.")
        excel_param = (request.query_params.get("excel") or "false").lower()
        if excel_param not in ("true", "false", "1", "0"):
            raise ApplicationError("excel: true or false.", extra={"fields": {"excel": ["true or false."]}})
        excel = excel_param in ("true", "1")
        content = selectors.reconciliation_file_csv(user=request.user, day=the_day, team=team, excel=excel)
        return csv_response(
            content=content, day=the_day, excel=excel, name=f"org-{request.user.organization_id}"
        )
