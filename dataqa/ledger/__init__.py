"""The fix ledger: retrain the fixed baseline on each version and record what each fix did."""
