"""Accounts: users and their roles (``users``), passwords and their rules (``passwords``), sign-in
throttling (``throttle``) and the password an e-signature asks for again (``signing``)."""
