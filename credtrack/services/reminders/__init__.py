"""Reminders of expiry and due dates, by e-mail: rules, wording, what is due, sending and its history."""
