"""The Payments tab (accounting; My payments for Advisors): who sees what, filters, keyset pages,
totals, one payment's page and timeline, the CSV export, reconciling. Its URL namespace
"payments" (urls.py) also holds the refund, payout and report pages of their own folders."""
