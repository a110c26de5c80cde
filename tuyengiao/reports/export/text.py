"""How dates, numbers and names are written in a Party document."""

from __future__ import annotations

import datetime
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def upper(text: str) -> str:
    """Capitals as the header prints them (``Phó trưởng ban`` → ``PHÓ TRƯỞNG BAN``)."""
    return nfc(nfc(text).upper())


def date_line(place: str, date: datetime.date) -> str:
    """``Cần Thơ, ngày 08 tháng 7 năm 2022``.

    Hướng dẫn 36-HD/VPTW: a leading zero for days under 10 and for the months
    1 and 2 (so nobody can turn ``1`` into ``11`` or ``12``), none for other months.
    """
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return nfc(f"{place.strip()}, ngày {date.day:02d} tháng {month} năm {date.year}")


def format_number(value: int) -> str:
    """Vietnamese thousands separator: 2302 → ``2.302``."""
    return f"{value:,}".replace(",", ".")


def format_date(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def number_only(number_symbol: str) -> str:
    """``Số 12-BC/BTGDVTU`` → ``12-BC/BTGDVTU``."""
    text = nfc(number_symbol).strip()
    if text[:2].casefold() == "số":
        text = text[2:].lstrip(" :")
    return text


def sentence_case(text: str) -> str:
    """``BÁO CÁO`` → ``Báo cáo``, for use inside a sentence."""
    text = nfc(text).strip()
    return text[:1].upper() + text[1:].lower()
