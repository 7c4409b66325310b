"""A local Stripe-wire-compatible emulator (Connect accounts, account links, Checkout, refunds, payouts,
reports, events with signed webhooks). Used by `make run` (mounted at /sandbox/stripe/ when no
STRIPE_SECRET_KEY is set) and by the tests (tests/stripe_server.py). Framework-free WSGI; no Django ORM.
"""

from .core import Emulator, EmulatorConfig
from .delivery import Delivery, sign

__all__ = ["Delivery", "Emulator", "EmulatorConfig", "sign"]
