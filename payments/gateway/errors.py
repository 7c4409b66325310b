"""Our errors for Stripe failures. Nothing outside the gateway's modules sees a `stripe.*Error`."""

from __future__ import annotations

from core.errors import ApplicationError


class GatewayError(ApplicationError):
    """Stripe refused or failed the call. `code` is Stripe's error code when it gave one."""

    status_code = 502

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        http_status: int | None = None,
        request_id: str = "",
        extra: dict | None = None,
    ):
        super().__init__(message, extra=extra)
        self.code = code or ""
        self.http_status = http_status
        self.request_id = request_id or ""


class CardError(GatewayError):
    """The card was declined; `message` is safe to show to the customer.

    `decline_code` is the issuer's reason (e.g. `insufficient_funds`), `advice_code` Stripe's advice on
    what to do next (`try_again_later`, `do_not_try_again`, `confirm_card_data`), and `payment_intent_id`
    the PaymentIntent the attempt belongs to (off-session charges need all three)."""

    status_code = 402

    def __init__(
        self,
        message: str,
        *,
        decline_code: str = "",
        advice_code: str = "",
        payment_intent_id: str = "",
        **kwargs,
    ):
        super().__init__(message, **kwargs)
        self.decline_code = decline_code or ""
        self.advice_code = advice_code or ""
        self.payment_intent_id = payment_intent_id or ""


class InvalidRequest(GatewayError):
    """Stripe rejected a parameter; `param` names it (e.g. `settings[payments][statement_descriptor]`)."""

    status_code = 400

    def __init__(self, message: str, *, param: str = "", **kwargs):
        super().__init__(message, **kwargs)
        self.param = param or ""


class IdempotencyConflict(GatewayError):
    """The idempotency key was already used with other parameters."""

    status_code = 409


class GatewayUnavailable(GatewayError):
    """Network failure, Stripe 5xx or rate limit: transient, retry later with back-off."""

    status_code = 503


class GatewayRateLimited(GatewayUnavailable):
    """Stripe answered 429: `code` is `rate_limit` (too many requests) or `lock_timeout` (another request
    holds the object). The gateway already retried with back-off and the same idempotency key; a task
    that sees this retries later, like any GatewayUnavailable."""


class WebhookSignatureInvalid(GatewayError):
    """A webhook's Stripe-Signature is missing, forged or too old."""

    status_code = 400
