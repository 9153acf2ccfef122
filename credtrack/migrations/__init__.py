"""Alembic migrations shipped inside the package.

HEAD names the newest revision so opening a current database needs no Alembic
import at all; a test keeps it equal to the script directory's head.
"""

HEAD = "achieved1"
