"""Celery options shared by the payments tasks that call Stripe: retry with back-off while Stripe
is unreachable, and explicit time limits. Task names stay explicit (`name="payments.<...>"`), so
tasks already queued survive a move of their module."""

from payments.gateway.errors import GatewayUnavailable

RETRY_WHILE_STRIPE_IS_UNAVAILABLE = {
    "bind": True,
    "autoretry_for": (GatewayUnavailable,),
    "retry_backoff": 30,
    "soft_time_limit": 50,
    "time_limit": 60,
}
