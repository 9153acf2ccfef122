"""Sending e-mail: the mail settings, the password kept outside the database, and the SMTP transport (no Qt)."""
