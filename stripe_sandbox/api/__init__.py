"""`/v1/...` endpoints: parameters validated the way Stripe validates them, objects shaped like Stripe's.

`ROUTES` is the one table from method + path to handler, one module per resource."""

from __future__ import annotations

from .accounts import (
    account_links_create,
    account_self,
    accounts_create,
    accounts_delete,
    accounts_list,
    accounts_retrieve,
    accounts_update,
    login_links_create,
)
from .checkout import (
    checkout_session_line_items,
    checkout_sessions_create,
    checkout_sessions_expire,
    checkout_sessions_list,
    checkout_sessions_retrieve,
)
from .common import list_route, retrieve_route
from .customers import ROUTES as CUSTOMER_ROUTES
from .money import balance_retrieve, balance_transactions_list, refunds_create, refunds_update
from .reporting import events_list, file_contents, report_runs_create, report_type_retrieve

ROUTES = [
    ("POST", r"/v1/accounts", accounts_create),
    ("GET", r"/v1/accounts", accounts_list),
    ("GET", r"/v1/account", account_self),
    ("GET", r"/v1/accounts/(?P<account_id>acct_\w+)", accounts_retrieve),
    ("POST", r"/v1/accounts/(?P<account_id>acct_\w+)", accounts_update),
    ("DELETE", r"/v1/accounts/(?P<account_id>acct_\w+)", accounts_delete),
    ("POST", r"/v1/accounts/(?P<account_id>acct_\w+)/login_links", login_links_create),
    ("POST", r"/v1/account_links", account_links_create),
    ("POST", r"/v1/checkout/sessions", checkout_sessions_create),
    ("GET", r"/v1/checkout/sessions", checkout_sessions_list),
    ("GET", r"/v1/checkout/sessions/(?P<session_id>[^/]+)", checkout_sessions_retrieve),
    ("GET", r"/v1/checkout/sessions/(?P<session_id>[^/]+)/line_items", checkout_session_line_items),
    ("POST", r"/v1/checkout/sessions/(?P<session_id>[^/]+)/expire", checkout_sessions_expire),
    ("GET", r"/v1/payment_intents/(?P<object_id>[^/]+)", retrieve_route("payment_intent", "intent")),
    ("GET", r"/v1/payment_methods/(?P<object_id>[^/]+)", retrieve_route("payment_method", "payment_method")),
    ("GET", r"/v1/charges/(?P<object_id>[^/]+)", retrieve_route("charge", "charge")),
    ("GET", r"/v1/charges", list_route("charge", "/v1/charges", ("payment_intent",))),
    ("POST", r"/v1/refunds", refunds_create),
    ("GET", r"/v1/refunds", list_route("refund", "/v1/refunds", ("payment_intent", "charge"))),
    ("GET", r"/v1/refunds/(?P<object_id>[^/]+)", retrieve_route("refund", "refund")),
    ("POST", r"/v1/refunds/(?P<object_id>[^/]+)", refunds_update),
    ("GET", r"/v1/disputes/(?P<object_id>[^/]+)", retrieve_route("dispute", "dispute")),
    ("GET", r"/v1/disputes", list_route("dispute", "/v1/disputes", ("payment_intent", "charge"))),
    ("GET", r"/v1/payouts/(?P<object_id>[^/]+)", retrieve_route("payout", "payout")),
    ("GET", r"/v1/payouts", list_route("payout", "/v1/payouts", ("status",))),
    ("GET", r"/v1/balance_transactions", balance_transactions_list),
    ("GET", r"/v1/balance_transactions/(?P<object_id>[^/]+)", retrieve_route("balance_transaction", "id")),
    ("GET", r"/v1/balance", balance_retrieve),
    ("GET", r"/v1/application_fees/(?P<object_id>[^/]+)", retrieve_route("application_fee", "id")),
    ("POST", r"/v1/reporting/report_runs", report_runs_create),
    (
        "GET",
        r"/v1/reporting/report_runs/(?P<object_id>[^/]+)",
        retrieve_route("reporting.report_run", "report_run"),
    ),
    ("GET", r"/v1/reporting/report_runs", list_route("reporting.report_run", "/v1/reporting/report_runs")),
    ("GET", r"/v1/reporting/report_types/(?P<report_type>[\w.]+)", report_type_retrieve),
    ("GET", r"/v1/files/(?P<object_id>[^/]+)", retrieve_route("file", "file")),
    ("GET", r"/v1/files/(?P<file_id>[^/]+)/contents", file_contents),
    ("GET", r"/v1/events", events_list),
    ("GET", r"/v1/events/(?P<object_id>[^/]+)", retrieve_route("event", "id")),
]
ROUTES += CUSTOMER_ROUTES  # customers, saved cards, SetupIntents, off-session PaymentIntents
