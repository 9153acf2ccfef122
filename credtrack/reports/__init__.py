"""Exports, the compliance matrix, expiring lists, outcome metrics and transcripts (no Qt)."""
