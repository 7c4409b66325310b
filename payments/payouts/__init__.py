"""Payouts Stripe made to the dealership's bank: what each settled (payments, fees, refunds,
other), its CSV, the payout.* webhook handler, and the payout email (Admin tab -> Payout emails)."""
