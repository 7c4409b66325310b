"""Stripe Connect Express accounts of a dealership (Admin tab -> Connections): connect, onboarding
links, the Express dashboard, payout schedule, statement descriptor, team routing, disconnect; and
the account.* webhook handlers (stripe_events.py)."""
