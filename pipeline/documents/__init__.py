"""Issued documents: the test CA, QR tokens, PDF layouts, PAdES signatures and issuance."""
