"""Vietnamese display of the app's figures: 95,23% · 01/07/2025 · 2.302."""

from django import template

from tuyengiao.portal.dates import vietnamese_number

from ..models import format_date
from ..selectors import format_percent

register = template.Library()


@register.filter
def percent(value):
    return format_percent(value)


@register.filter
def vndate(value):
    return format_date(value)


@register.filter
def vnnumber(value):
    return "" if value is None else vietnamese_number(value)
