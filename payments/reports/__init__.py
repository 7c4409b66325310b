"""Stripe report runs (Payments tab -> Reports): request, poll, download; the
reporting.report_run.* webhook handler."""
