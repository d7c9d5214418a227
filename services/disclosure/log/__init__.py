"""The tamper-evident Merkle log: appends, signed tree heads, entries and proofs."""
