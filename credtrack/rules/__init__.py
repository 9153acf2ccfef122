"""Credential rules as plain data and the one judge of them (no database, no Qt).

``model`` holds a credential's rules, ``evidence`` the questions the judge asks of people's standing
evidence, ``judge`` the verdicts, ``status`` the overall status and its expiry bands, ``dates`` the
calendar arithmetic they share. The services read the rules and the evidence from the database and
ask the judge; nothing here reads or writes anything.
"""
