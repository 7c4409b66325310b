"""The payment request and its life.

states.py         the state table and payment_request_move, the only code that changes status
sending.py        validate, create, send, re-send, cancel
expiry.py         when a request expires (24 h after sending) and what expiring does
recording.py      a PaymentIntent Stripe reports -> exactly one Payment
after_payment.py  the receipt and the advisor's notification
reminders.py      the one reminder, outside quiet hours
history.py        the append-only history (and SMS delivery rows)
messages.py       the SMS/email texts; customer_messages.py sends them by the request's channel
selectors.py, views.py, forms.py, urls.py   the request pages
api.py, api_urls.py                          REST API v1
tasks.py          the expiry sweep, reminders, closing Checkout Sessions, after-payment
"""
