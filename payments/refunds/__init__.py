"""Refunds and disputes. Who may refund: organizations.permissions.can_refund; how: services.py
(written before Stripe is called, idempotency key from the Refund row); disputes.py applies
charge.dispute.* events; stripe_events.py handles refund.*, charge.refunded, charge.dispute.*."""
