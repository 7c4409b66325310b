"""Hosted pages: Connect onboarding, Checkout, the Express dashboard and receipts. Plain HTML, phone-first."""

from __future__ import annotations

from .checkout import checkout
from .express import express_dashboard, receipt
from .onboarding import onboarding, onboarding_exit, setup_link
from .tools import index

ROUTES = [
    ("GET", r"/", index),
    ("POST", r"/", index),
    ("GET", r"/setup/(?P<token>\w+)", setup_link),
    ("GET", r"/onboarding/(?P<session>\w+)", onboarding),
    ("POST", r"/onboarding/(?P<session>\w+)", onboarding),
    ("GET", r"/onboarding/(?P<session>\w+)/exit", onboarding_exit),
    ("GET", r"/pay/(?P<session_id>cs_\w+)", checkout),
    ("POST", r"/pay/(?P<session_id>cs_\w+)", checkout),
    ("GET", r"/express/(?P<account_id>acct_\w+)/(?P<token>\w+)", express_dashboard),
    ("POST", r"/express/(?P<account_id>acct_\w+)/(?P<token>\w+)", express_dashboard),
    ("GET", r"/receipts/(?P<charge_id>ch_\w+)", receipt),
]
