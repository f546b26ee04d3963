"""Registration dates as the platforms write them, read into ISO 8601 (local wall time).

Each platform writes its own way: our sample and the French back offices ``JJ/MM/AAAA
HH:MM``, Eventbrite's reports ``MM/DD/YY HH:MM`` (``11/29/24 22:28``), pretix and the APIs
ISO 8601 with an offset (``2024-11-29T22:28:00+01:00``). A date is information on the card,
never a reason to refuse a registration: what cannot be read is kept as written and
counted once in the import's summary (see :func:`read`).
"""

from __future__ import annotations

import re
from datetime import datetime

_SLASHED = re.compile(
    r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?:,?[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def read(text: str, month_first: bool = False) -> str | None:
    """``text`` as ``YYYY-MM-DDTHH:MM``, or ``None`` when it is no date this module knows.

    ``month_first``: the platform writes months first (Eventbrite); the other order is
    still taken when the numbers allow only it (``29/11`` is a day first whatever the
    platform). An offset is dropped, the wall time kept: the time as the organiser sees it.
    """
    match = _SLASHED.fullmatch(text)
    if match:
        return _slashed(match, month_first)
    if _ISO.fullmatch(text):
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return when.replace(tzinfo=None).isoformat(timespec="minutes")
    return None


def _slashed(match: re.Match[str], month_first: bool) -> str | None:
    a, b, year, hour, minute, _seconds, half = match.groups()
    first, second = int(a), int(b)
    if (month_first and first <= 12) or second > 12:
        month, day = first, second
    else:
        day, month = first, second
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    h = int(hour or 0)
    if half:
        if h > 12:
            return None
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return datetime(full_year, month, day, h, int(minute or 0)).isoformat(timespec="minutes")
    except ValueError:
        return None
