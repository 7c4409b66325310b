"""The customer's side (/pay/<token>/): the pay page, the amount, Stripe Checkout and the return
from it (session.py), and the checkout.session.* / payment_intent.* webhook handlers."""
