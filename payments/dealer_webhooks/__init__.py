"""Outbound webhooks to the dealer's own systems (DMS): Admin tab -> Developers.

An Admin registers endpoint URLs and picks event types (events.py). The services that move money
or change a request's state call `outbound_event_emit`, which stores one OutboundEvent row and one
WebhookDelivery row per subscribed endpoint in the same transaction (the outbox pattern of our
incoming Stripe pipeline), then queues the sending on commit. Each POST is signed (signing.py),
retried on the schedule in schedule.py for 3 days, and logged (WebhookDeliveryAttempt). An
endpoint failing for 3 days is disabled and the organization's Admins are emailed.
"""
