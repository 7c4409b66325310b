"""Card on file: customers save a card with their authorisation (consent.py); staff charge it once
(charges.py), in installments (plans.py) or in bulk (bulk.py); soft declines are retried (retries.py).
Who may charge: organizations/permissions.py `can_charge_saved_card`."""
