"""Admin tab -> Payment settings: the SMS and email texts, the reminder, the largest payment."""
