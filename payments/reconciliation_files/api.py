"""REST API v1: the daily reconciliation file (scope `read`): GET /reconciliation-files/{day}/."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from core.errors import ApplicationError, NotFound, PermissionDenied
from organizations import permissions
from payments.reconciliation_files import selectors
from payments.reconciliation_files.selectors import csv_response


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
            OpenApiParameter("team_id", int, description="Only this team's movements (no payouts)"),
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
