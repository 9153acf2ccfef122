"""Dialogs used by more than one page, or too large to live inside one."""
