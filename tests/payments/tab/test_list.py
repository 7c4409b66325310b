import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import Role
from organizations.selectors import organization_zone
from payments.tab.export import payment_csv_chunks_python
from payments.tab.filters import payment_filter
from tests.factories import PaymentFactory, UserFactory
from tests.payments.tab.conftest import make_payment

pytestmark = pytest.mark.django_db


def _refs(response):
    return [row.reference for row in response.context["page"].rows]


def test_admin_sees_every_payment_of_the_org_and_nothing_else(client, world, admin_user):
    client.force_login(admin_user)
    response = client.get("/payments/")
    assert response.status_code == 200
    assert _refs(response) == ["RO-1001", "RO-1002", "DEAL-77", "RO-1003", "DEAL-78"]


def test_manager_sees_their_teams_payments_only(client, world, manager):
    client.force_login(manager)
    response = client.get("/payments/")
    assert _refs(response) == ["RO-1001", "RO-1002", "RO-1003"]
    assert response.context["title"] == "Payments"


def test_advisor_sees_only_own_payments_as_my_payments(client, world, advisor):
    client.force_login(advisor)
    response = client.get("/payments/")
    assert _refs(response) == ["RO-1001", "RO-1003"]
    assert response.context["title"] == "My payments"
    assert b"My payments" in response.content


@pytest.mark.parametrize("who", ["admin_user", "manager", "advisor"])
def test_another_organizations_payment_is_404(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    other = world["payments"]["other_org"]
    assert client.get(f"/payments/{other.pk}/").status_code == 404
    assert client.get(f"/payments/{other.pk}/refund/").status_code == 404


def test_manager_cannot_open_another_teams_payment_and_advisor_not_a_colleagues(
    client, world, manager, advisor
):
    client.force_login(manager)
    assert client.get(f"/payments/{world['payments']['sales'].pk}/").status_code == 404
    assert client.get(f"/payments/{world['payments']['service_advisor'].pk}/").status_code == 200
    client.force_login(advisor)
    assert client.get(f"/payments/{world['payments']['service_manager'].pk}/").status_code == 404


def test_advisor_cannot_refund_own_payment(client, world, advisor):
    client.force_login(advisor)
    response = client.get(f"/payments/{world['payments']['service_advisor'].pk}/refund/")
    assert response.status_code == 403


def test_display_statuses(client, world, admin_user):
    client.force_login(admin_user)
    rows = {r.reference: r.display_status for r in client.get("/payments/").context["page"].rows}
    assert rows == {
        "RO-1001": "paid",
        "RO-1002": "paid",
        "DEAL-77": "paid",
        "RO-1003": "expired",
        "DEAL-78": "partially_paid",
    }


def test_a_failed_attempt_nets_nothing_in_table_detail_and_csv(client, world, admin_user):
    """A declined $70.00 attempt moved no money: its net is $0.00 everywhere (it had shown $70.00
    next to a fee of $0.00), while the amount tried stays visible."""
    failed = world["payments"]["failed_expired"]
    client.force_login(admin_user)
    row = next(r for r in client.get("/payments/").context["page"].rows if r.pk == failed.pk)
    assert (row.amount_minor, row.fee_minor, row.net_minor) == (7_000, 0, 0)
    page = client.get("/payments/").content.decode()
    assert f'value="{world["payments"]["sales"].pk}" aria-label' in page  # a paid one can be ticked
    assert f'value="{failed.pk}" aria-label' not in page  # nothing to reconcile
    detail = client.get(f"/payments/{failed.pk}/").content.decode()
    assert 'data-testid="net">$0.00<' in detail
    copy_rows = _csv_rows(b"".join(client.get("/payments/export.csv").streaming_content))
    python_rows = _csv_rows(
        "".join(
            payment_csv_chunks_python(
                queryset=payment_filter(user=admin_user, params={}).qs,
                zone=organization_zone(admin_user.organization),
                sort="-date",
            )
        )
    )
    for rows in (copy_rows, python_rows):
        line = next(r for r in rows if r[1] == "RO-1003")
        assert (line[3], line[4], line[5], line[7]) == ("70.00", "0.00", "0.00", "Expired")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=expired", ["RO-1003"]),
        ("status=partially_paid", ["DEAL-78"]),
        ("status=paid", ["RO-1001", "RO-1002", "DEAL-77"]),
        ("amount_min=100&amount_max=2500", ["RO-1001", "DEAL-77"]),
        ("q=carla", ["RO-1001"]),
        ("q=DEAL", ["DEAL-77", "DEAL-78"]),
        ("q=3125550199", ["RO-1001"]),
        ("sort=-amount", ["DEAL-77", "RO-1001", "RO-1003", "RO-1002", "DEAL-78"]),
        ("sort=amount&status=paid", ["RO-1002", "RO-1001", "DEAL-77"]),
        ("reconciled=yes", []),
    ],
)
def test_filters_and_sort(client, world, admin_user, query, expected):
    client.force_login(admin_user)
    assert _refs(client.get(f"/payments/?{query}")) == expected


def test_team_advisor_and_date_filters(client, world, admin_user):
    client.force_login(admin_user)
    assert _refs(client.get(f"/payments/?team={world['sales'].pk}")) == ["DEAL-77", "DEAL-78"]
    assert _refs(client.get(f"/payments/?advisor={world['advisor2'].pk}")) == ["DEAL-77", "DEAL-78"]
    p = world["payments"]["sales"]
    from organizations.selectors import organization_zone

    day = p.occurred_at.astimezone(organization_zone(admin_user.organization)).date()
    assert _refs(client.get(f"/payments/?date_from={day}&date_to={day}")) == ["DEAL-77"]


def test_manager_cannot_filter_on_a_team_they_are_not_in(client, world, manager):
    client.force_login(manager)
    response = client.get(f"/payments/?team={world['sales'].pk}")
    assert _refs(response) == []
    assert "team" in response.context["filter"].form.errors


def test_bad_amount_filter_names_the_field(client, world, admin_user):
    client.force_login(admin_user)
    response = client.get("/payments/?amount_min=abc")
    assert response.status_code == 200
    assert "amount_min" in response.context["filter"].form.errors


def test_totals_of_filtered_set(client, world, admin_user):
    from payments.models import Payment

    Payment.objects.filter(pk=world["payments"]["sales"].pk).update(
        refunded_minor=50_000, status="partially_refunded"
    )
    client.force_login(admin_user)
    totals = client.get("/payments/").context["totals"]
    paid = [world["payments"][k] for k in ("service_advisor", "service_manager", "sales", "partial")]
    assert totals.count == 5
    assert totals.collected_minor == sum(p.amount_minor for p in paid) == 271_550
    assert totals.fees_minor == sum(p.fee_minor for p in paid)
    assert totals.refunds_minor == 50_000
    assert totals.net_minor == totals.collected_minor - totals.fees_minor - 50_000
    assert sum(v for _, v in totals.days) == 271_550
    team_totals = client.get(f"/payments/?team={world['sales'].pk}").context["totals"]
    assert team_totals.collected_minor == 254_000
    # A search's totals come from another query (one statement with its page): the same figures.
    assert client.get("/payments/?q=DEAL").context["totals"] == team_totals


@pytest.mark.parametrize("sort", ["-date", "date", "amount", "-amount"])
def test_keyset_pagination_walks_every_row_once(client, world, admin_user, sort):
    """Listing and search (a page and totals in one statement) walk the same rows, in the same
    order, each once, across pages with ties on the sort value."""
    when = timezone.now() - dt.timedelta(hours=3)
    for i in range(23):
        make_payment(
            org=admin_user.organization,
            team=world["sales"],
            advisor=world["advisor2"],
            amount=100 + i % 3,
            when=when if i % 2 else None,
            reference=f"RX-{i:03d}",
        )
    client.force_login(admin_user)
    walks = {}
    for query in ("date_from=", "q=rx-"):
        seen, url = [], f"/payments/?per_page=10&sort={sort}&{query}"
        while url and len(seen) < 100:  # bounded: a cursor bug must fail, not loop
            response = client.get(url)
            seen += [r.reference for r in response.context["page"].rows]
            nxt = response.context["page"].next_cursor
            url = f"/payments/?{response.context['next_query']}" if nxt else None
        walks[query] = seen
    assert len(walks["date_from="]) == len(set(walks["date_from="])) == 28
    assert walks["q=rx-"] == [ref for ref in walks["date_from="] if ref.startswith("RX-")]


def test_queries_per_page_do_not_grow_with_page_size(client, world, admin_user):
    org = admin_user.organization
    teams = [world["sales"]]
    for i in range(110):
        advisor = UserFactory(organization=org, role=Role.ADVISOR, teams=teams)
        make_payment(org=org, team=teams[0], advisor=advisor, amount=1_000 + i)
    client.force_login(admin_user)
    for search in ("", "&q=RO-"):
        counts = {}
        for n in (10, 100):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(f"/payments/?per_page={n}{search}")
            assert len(response.context["page"].rows) == n
            counts[n] = len(ctx.captured_queries)
        assert counts[10] == counts[100]
        assert counts[100] <= 10


def _csv_rows(content: bytes | str):
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("query", ["", "status=paid", "team=SALES", "q=RO&sort=amount", "sort=-amount"])
def test_csv_equals_the_table_for_the_same_filters(client, world, admin_user, query):
    from payments.tab.services import payments_reconcile

    payments_reconcile(
        user=admin_user, payment_ids=[world["payments"]["sales"].pk], document_number='RO 55, "x"'
    )
    query = query.replace("SALES", str(world["sales"].pk))
    client.force_login(admin_user)
    table = client.get(f"/payments/?per_page=100&{query}").context["page"].rows
    response = client.get(f"/payments/export.csv?{query}")
    assert response.status_code == 200 and response.streaming
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0][:3] == ["date", "reference", "customer"]
    body = rows[1:]
    assert [r[1] for r in body] == [p.reference for p in table]
    assert [r[2] for r in body] == [p.customer_name for p in table]
    assert [r[7] for r in body] == [p.display_status_label for p in table]
    assert [r[3] for r in body] == [f"{p.amount_minor // 100}.{p.amount_minor % 100:02d}" for p in table]
    assert [r[5] for r in body] == [f"{p.net_minor // 100}.{p.net_minor % 100:02d}" for p in table]
    for r, p in zip(body, table, strict=True):
        assert r[0] == p.occurred_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Chicago")).strftime(
            "%Y-%m-%d %H:%M"
        )
        assert r[11] == (p.reconciled_by_name or "")
    # The portable (server-side cursor) writer gives the same bytes as PostgreSQL COPY.
    f = payment_filter(
        user=admin_user, params=__import__("django.http", fromlist=["QueryDict"]).QueryDict(query)
    )
    assert f.is_valid()
    sort = f.data.get("sort", "-date")
    from organizations.selectors import organization_zone

    python_csv = "".join(
        payment_csv_chunks_python(queryset=f.qs, zone=organization_zone(admin_user.organization), sort=sort)
    )
    assert _csv_rows(python_csv) == rows


def test_csv_is_scoped_like_the_table(client, world, advisor):
    client.force_login(advisor)
    rows = _csv_rows(b"".join(client.get("/payments/export.csv").streaming_content))
    assert sorted(r[1] for r in rows[1:]) == ["RO-1001", "RO-1003"]


def test_tab_opens_on_the_last_30_days_and_all_dates_or_search_show_older(client, world, admin_user):
    import datetime as dt

    from django.utils import timezone

    old = make_payment(
        org=admin_user.organization,
        team=world["sales"],
        advisor=world["advisor2"],
        amount=3_300,
        when=timezone.now() - dt.timedelta(days=45),
        reference="OLD-1",
    )
    client.force_login(admin_user)
    response = client.get("/payments/")
    assert "OLD-1" not in _refs(response)
    assert response.context["filter"].form["date_from"].value()  # the period is visible in the form
    assert response.context["totals"].count == 5
    everything = client.get("/payments/?date_from=&date_to=")
    assert _refs(everything)[-1] == "OLD-1" and everything.context["totals"].count == 6
    assert _refs(client.get("/payments/?q=OLD")) == ["OLD-1"]
    csv_rows = _csv_rows(
        b"".join(client.get("/payments/export.csv?" + response.context["query"]).streaming_content)
    )
    assert "OLD-1" not in [r[1] for r in csv_rows]
    assert old.pk


def test_every_display_status_is_the_same_in_table_filter_and_csv(client, world, admin_user):
    org, sales, advisor2 = admin_user.organization, world["sales"], world["advisor2"]
    make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        amount=1_000,
        status="refunded",
        refunded_minor=1_000,
        reference="S-REF",
    )
    make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        amount=1_000,
        status="partially_refunded",
        refunded_minor=400,
        reference="S-PREF",
    )
    make_payment(org=org, team=sales, advisor=advisor2, amount=1_000, status="disputed", reference="S-DISP")
    make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        amount=1_000,
        status="failed",
        fee_minor=0,
        request_status="cancelled",
        reference="S-CANC",
    )
    make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        amount=1_000,
        status="failed",
        fee_minor=0,
        request_status="sent",
        reference="S-FAIL",
    )
    # A request paid in full in two parts: both parts are "paid", not "partially paid".
    first_part = make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        amount=600,
        request_amount_minor=1_000,
        request_status="paid",
        request_allow_partial=True,
        reference="S-PART1",
    )
    PaymentFactory(payment_request=first_part.payment_request, amount_minor=400, reference="S-PART2")
    client.force_login(admin_user)
    table = {
        r.reference: r.display_status for r in client.get("/payments/?per_page=100").context["page"].rows
    }
    assert {k: v for k, v in table.items() if k.startswith("S-")} == {
        "S-PART1": "paid",
        "S-PART2": "paid",
        "S-REF": "refunded",
        "S-PREF": "partially_refunded",
        "S-DISP": "disputed",
        "S-CANC": "cancelled",
        "S-FAIL": "failed",
    }
    labels = {
        r[1]: r[7] for r in _csv_rows(b"".join(client.get("/payments/export.csv").streaming_content))[1:]
    }
    from payments.tab.selectors import DISPLAY_STATUS_LABELS

    assert labels == {ref: DISPLAY_STATUS_LABELS[status] for ref, status in table.items()}
    for value, _label in __import__("payments.tab.selectors", fromlist=["x"]).DISPLAY_STATUSES:
        shown = _refs(client.get(f"/payments/?status={value}&per_page=100"))
        assert shown and all(table[ref] == value for ref in shown), value


@pytest.mark.parametrize(("who", "title"), [("manager", "Paiements"), ("advisor", "Mes paiements")])
def test_the_tabs_title_is_in_the_persons_language(client, world, request, who, title):
    user = request.getfixturevalue(who)
    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get("/payments/")
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html and f"<title>{title} ·" in html


def test_the_daily_chart_draws_without_inline_styles(client, world, admin_user):
    """The Content-Security-Policy refuses style attributes: the bars are SVG rects whose heights
    are attributes (spans with style="height:…" showed an empty chart)."""
    client.force_login(admin_user)
    html = client.get("/payments/", {"date_from": ""}).content.decode()
    chart = html.split('data-testid="chart">')[1].split("</div>")[0]
    assert "<svg" in chart and chart.count('<rect class="pt-bar"') >= 1 and "style=" not in chart
    assert 'height="60"' in chart  # the busiest day is the full height
