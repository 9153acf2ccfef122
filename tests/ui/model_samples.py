"""Sample rows for the table models of pages whose services arrive from other branches."""

from __future__ import annotations

from typing import Any

SAMPLES: dict[type, list[Any]] = {}
