"""Dates, numbers and relative times in the interface language, by CLDR (Babel).

The pages' scripts format with the browser's Intl, which is CLDR too, so a date reads the same whether the
server or a script wrote it ("4 dic 2026" in Italian, "1.234,5"). Django's own formats are not used for
these: its Italian date is "04 dicembre 2026" and its thousands separator is off by default.
"""

from datetime import UTC, date, datetime

from babel import Locale, dates, numbers
from django.conf import settings
from django.utils import timezone, translation


def current_locale() -> Locale:
    return Locale.parse((translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_"))


def format_date(value: date | datetime | None) -> str:
    """A calendar date, CLDR's medium form: "Dec 4, 2026", "4 dic 2026", "04.12.2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dates.format_date(value, format="medium", locale=current_locale())


def format_day(value: date, skeleton: str = "yMMMEd") -> str:
    """A day by a CLDR skeleton, each locale ordering it its own way: "Fri, Dec 4, 2026", "ven 4 dic 2026"."""
    return dates.format_skeleton(skeleton, value, locale=current_locale())


def format_datetime(value: datetime | None) -> str:
    """A moment, medium date and short time in the desk's time zone: "4 dic 2026, 14:02"."""
    if value is None:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    locale = current_locale()
    day = dates.format_date(value.date(), format="medium", locale=locale)
    time = dates.format_time(value.time(), format="short", locale=locale)
    # The locale's own way of joining a date and a time ("{1}, {0}", "{1} {0}", "{1}، {0}").
    return str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", time)


def format_number(value, decimals: int | None = None) -> str:
    """A number with the locale's grouping and decimal signs: "1,234.5", "1.234,5", "1 234,5"."""
    if value is None:
        return ""
    if decimals is None:
        return numbers.format_decimal(value, locale=current_locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return numbers.format_decimal(value, format=pattern, locale=current_locale())


def format_since(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in words: "3 hours ago", "3 ore fa"."""
    if value is None:
        return ""
    now = now or datetime.now(UTC)
    return dates.format_timedelta(value - now, add_direction=True, locale=current_locale())
