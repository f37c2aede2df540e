"""Small presentation helpers for content pages."""

from django import template
from django.utils.dateformat import format as date_format

from courseware.models import DatePrecision, TimelineEvent

register = template.Library()

DATE_FORMATS = {DatePrecision.DAY: "j F Y", DatePrecision.MONTH: "F Y", DatePrecision.YEAR: "Y"}
MACHINE_FORMATS = {DatePrecision.DAY: "Y-m-d", DatePrecision.MONTH: "Y-m", DatePrecision.YEAR: "Y"}


@register.filter
def event_date(event: TimelineEvent) -> str:
    """An event's date as precisely as it is known: 21 January 1924, November 1927, 1926."""
    return date_format(event.date, DATE_FORMATS.get(event.precision, "j F Y"))


@register.filter
def event_datetime(event: TimelineEvent) -> str:
    """The machine-readable date for ``<time datetime>``, at the event's precision."""
    return date_format(event.date, MACHINE_FORMATS.get(event.precision, "Y-m-d"))
