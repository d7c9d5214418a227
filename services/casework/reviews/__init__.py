"""The legal review gate before a decision (APL art. 58)."""
