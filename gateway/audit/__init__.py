"""The access audit: recording every audited call and answering who looked at what."""
