"""The daily reconciliation file: every money movement of one business day (the dealership's time
zone) as CSV, for the dealer's accounting to import into the DMS. rows.py reads the movements,
services.py builds and stores the day's file (beat job, tasks.py) and emails the payout
recipients a link; views.py (Payments tab) and api.py serve it."""
