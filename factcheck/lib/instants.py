"""Instants typed by people and scripts: an ISO 8601 instant, or a bare date meaning midnight UTC.

One reading for every place that takes a time (article dates, `as_of`, export
date ranges), so a value means the same everywhere.
"""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _


def parse_instant(text: str) -> datetime.datetime:
    """`2026-03-14` (midnight UTC), or an ISO 8601 instant; without an offset it is UTC.

    Raises ValueError with a message fit for the person who typed it.
    """
    text = text.strip()
    if is_bare_date(text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("%(text)s is not a date; expected YYYY-MM-DD.") % {"text": repr(text)}) from None
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    # In a query string an unescaped "+01:00" arrives as " 01:00".
    if text.count(" ") == 1 and "T" in text:
        text = text.replace(" ", "+")
    try:
        instant = parse_datetime(text)
    except ValueError:
        instant = None
    if instant is None:
        raise ValueError(_("%(text)s is not an ISO 8601 instant, e.g. 2026-03-14T09:30:00Z.") % {"text": repr(text)})
    if not timezone.is_aware(instant):
        return instant.replace(tzinfo=datetime.UTC)
    # In UTC: Python takes offsets up to 24 hours, PostgreSQL only up to 15:59.
    try:
        return instant.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(_("%(text)s is out of range.") % {"text": repr(text)}) from None


def is_bare_date(text: str) -> bool:
    return len(text.strip()) == 10
