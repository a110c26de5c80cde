"""Vietnamese date and number formats as readers expect them."""

import datetime

from django.utils import timezone

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def vietnamese_meta_datetime(value: datetime.datetime) -> str:
    """``Thứ sáu - 08/07/2022 04:06`` in the site's time zone (Asia/Ho_Chi_Minh)."""
    local = timezone.localtime(value)
    return f"{WEEKDAYS[local.weekday()]} - {local:%d/%m/%Y %H:%M}"


def vietnamese_number(value: int) -> str:
    """Thousands separated by dots: 2302 → ``2.302``."""
    return f"{int(value):,}".replace(",", ".")
