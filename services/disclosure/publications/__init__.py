"""Publication: records published from the events, withdrawn (early withdrawals too) and expired; subjects."""
