"""The number-symbol of a Party document: `Số 05-CT/TW`.

Number, type code and issuer code (Hướng dẫn 36-HD/VPTW): the number has a
leading zero under 10, a hyphen, the type code, a slash, the issuer code;
no colon after "Số". Pure functions, no database: the services check the
codes against the chosen type and issuer.

Typing variants that Word and old encodings produce are accepted and
normalised (en dash for the hyphen, `Ð` for `Đ`, spaces around the
separators); the structure itself is strict.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

EXAMPLE = "05-CT/TW"
FORM_MESSAGE = (
    f"Số, ký hiệu phải có dạng {EXAMPLE}: số thứ tự (có chữ số 0 đứng trước nếu dưới 10), gạch nối, "
    "chữ viết tắt tên loại văn bản, gạch chéo, chữ viết tắt tên cơ quan ban hành."
)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")
_SLASHES = dict.fromkeys(map(ord, "\u2044\u2215\uff0f"), "/")
_LETTERS = "A-Za-zĐđ"
_SYMBOL = re.compile(rf"(?P<number>\d+)-(?P<type>[{_LETTERS}]+)/(?P<issuer>[{_LETTERS}0-9]+(?:-[{_LETTERS}0-9]+)*)")
_PREFIX = re.compile(r"^số\s*(?P<colon>:?)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class NumberSymbol:
    number: int
    type_code: str
    issuer_code: str

    def __str__(self) -> str:
        return format_symbol(self.number, self.type_code, self.issuer_code)

    @property
    def written(self) -> str:
        """As printed on the document: ``Số 05-CT/TW``."""
        return f"Số {self}"


def format_number(number: int) -> str:
    """Two digits at least: 5 → ``05``, 78 → ``78``, 123 → ``123``."""
    return f"{number:02d}"


def format_symbol(number: int, type_code: str, issuer_code: str) -> str:
    return f"{format_number(number)}-{type_code}/{issuer_code}"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("Ð", "Đ").replace("ð", "đ")
    text = text.translate(_DASHES).translate(_SLASHES)
    text = " ".join(text.split())
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def parse_symbol(text: str) -> NumberSymbol:
    """``Số 05-CT/TW`` or ``05-CT/TW`` → NumberSymbol; anything else → ValidationError in Vietnamese."""
    text = normalise(text or "")
    prefix = _PREFIX.match(text)
    if prefix:
        if prefix.group("colon"):
            try:
                fixed = f"viết “{parse_symbol(text[prefix.end() :]).written}”."
            except ValidationError:
                fixed = "viết “Số 05-CT/TW”. " + FORM_MESSAGE
            raise ValidationError(f"Không đặt dấu hai chấm sau chữ “Số”: {fixed}", code="colon")
        text = text[prefix.end() :]
    match = _SYMBOL.fullmatch(text)
    if not match:
        raise ValidationError(FORM_MESSAGE, code="form")
    digits, type_code, issuer_code = match.group("number", "type", "issuer")
    number = int(digits)
    right = format_symbol(number, type_code, issuer_code)
    if number == 0:
        raise ValidationError("Số thứ tự của văn bản bắt đầu từ 01. " + FORM_MESSAGE, code="zero")
    if len(digits) < 2:
        raise ValidationError(
            f"Số thứ tự dưới 10 phải có chữ số 0 đứng trước: viết “{right}”, không viết “{text}”.",
            code="leading_zero",
        )
    if digits != format_number(number):
        raise ValidationError(
            f"Số thứ tự không có chữ số 0 thừa ở đầu: viết “{right}”, không viết “{text}”.",
            code="extra_zero",
        )
    if not type_code[0].isupper():
        raise ValidationError(
            f"Chữ viết tắt tên loại văn bản bắt đầu bằng chữ in hoa (ví dụ CT, QĐi, CTr): “{type_code}”. "
            + FORM_MESSAGE,
            code="type_case",
        )
    if issuer_code != issuer_code.upper():
        raise ValidationError(
            f"Chữ viết tắt tên cơ quan ban hành viết in hoa: “{issuer_code.upper()}”, không viết “{issuer_code}”.",
            code="issuer_case",
        )
    return NumberSymbol(number=number, type_code=type_code, issuer_code=issuer_code)


def same_code(typed: str, configured: str) -> bool:
    """Type codes differ by case only in their lower-case tail (QĐi, CTr), so compare case-insensitively."""
    return typed.casefold() == configured.casefold()
