"""A local Stripe-wire-compatible emulator (Connect accounts, account links, Checkout, refunds, payouts,
reports, events with signed webhooks). Used by `make run` (mounted at /sandbox/stripe/ by the development-only
config/stripe_sandbox_mount.py) and by the tests (tests/stripe_server.py). Framework-free WSGI; it never
imports product code, and product code never imports it.
"""

from .core import Emulator, EmulatorConfig
from .delivery import Delivery, sign

__all__ = ["Delivery", "Emulator", "EmulatorConfig", "sign"]
