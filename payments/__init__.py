"""Payments: one Django app (one app label, one migrations folder), one folder per capability with
the same file roles inside each (services.py writes, selectors.py reads, views.py, forms.py,
urls.py, stripe_events.py = its Stripe webhook handlers, tasks.py). See README "Layout".

    models/            the models, one module per topic (import from payments.models)
    fees.py            where the platform fee is computed
    gateway/           the one door to Stripe (the only code importing stripe)
    accounts/          Stripe Connect accounts (Admin tab -> Connections)
    requests/          the payment request and its life (states.py: the one state machine)
    checkout/          the customer's pay page and Stripe Checkout
    tab/               the Payments tab
    refunds/           refunds and disputes
    payouts/           payouts and the payout emails
    reports/           Stripe report runs
    payment_settings/  Admin tab -> Payment settings
    webhooks/          the webhook pipeline; routes.py = which handler takes which event
"""
