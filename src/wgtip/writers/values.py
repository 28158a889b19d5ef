"""How one value is spelled in text outputs (CSV), shared by every writer that needs it."""

from __future__ import annotations

import datetime as dt
from typing import Any


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
