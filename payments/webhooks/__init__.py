"""The Stripe webhook pipeline, for every capability: verify the signature, store the event once,
answer 200, process it in a task, keep the status and error, and catch up missed events
(pipeline.py). routes.py is the one table from event type to handler."""
