"""Reading and writing the number-symbol `Số 05-CT/TW`."""

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.documents.symbols import FORM_MESSAGE, NumberSymbol, format_symbol, parse_symbol


@pytest.mark.parametrize(
    ("typed", "number", "type_code", "issuer_code"),
    [
        ("Số 05-CT/TW", 5, "CT", "TW"),
        ("05-CT/TW", 5, "CT", "TW"),
        ("số 78-CV/BTGHU", 78, "CV", "BTGHU"),
        ("Số 123-NQ/TW", 123, "NQ", "TW"),
        ("Số 01-QĐi/TU", 1, "QĐi", "TU"),
        ("Số 02-CTr/BTGDVTU", 2, "CTr", "BTGDVTU"),
        ("Số 12–KH/BTGDVTU", 12, "KH", "BTGDVTU"),  # en dash from Word
        ("  Số  05 - CT / TW ", 5, "CT", "TW"),
        ("Số 09-BC/ÐU", 9, "BC", "ĐU"),  # Icelandic Ð from old encodings
        ("Số 03-HD/BTGTW-BTCTW", 3, "HD", "BTGTW-BTCTW"),  # joint document
        ("Số 10-ĐA/TU", 10, "ĐA", "TU"),
    ],
)
def test_good_forms_are_read(typed, number, type_code, issuer_code):
    assert parse_symbol(typed) == NumberSymbol(number, type_code, issuer_code)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Số: 05-CT/TW", "Không đặt dấu hai chấm sau chữ “Số”: viết “Số 05-CT/TW”."),
        ("Số: 78-CV/BTGHU", "Không đặt dấu hai chấm sau chữ “Số”: viết “Số 78-CV/BTGHU”."),
        ("Số : 7-KH/TU", "Số, ký hiệu phải có dạng 05-CT/TW"),
        ("5-CT/TW", "Số thứ tự dưới 10 phải có chữ số 0 đứng trước: viết “05-CT/TW”"),
        ("Số 7-KH/ĐU", "viết “07-KH/ĐU”, không viết “7-KH/ĐU”"),
        ("005-CT/TW", "không có chữ số 0 thừa ở đầu: viết “05-CT/TW”"),
        ("012-CT/TW", "viết “12-CT/TW”"),
        ("00-CT/TW", "bắt đầu từ 01"),
        ("05/CT-TW", FORM_MESSAGE),
        ("CT/TW", FORM_MESSAGE),
        ("05-CT", FORM_MESSAGE),
        ("05-CT/TW/TU", FORM_MESSAGE),
        ("Số 05 CT TW", FORM_MESSAGE),
        ("05-CT/TW.", FORM_MESSAGE),
        ("Số", FORM_MESSAGE),
        ("", FORM_MESSAGE),
        ("05-ct/TW", "bắt đầu bằng chữ in hoa"),
        ("05-CT/tw", "viết in hoa: “TW”"),
    ],
)
def test_bad_forms_are_refused_with_the_expected_form_explained(typed, expected):
    with pytest.raises(ValidationError) as refused:
        parse_symbol(typed)

    message = " ".join(refused.value.messages)
    assert expected in message


def test_every_structural_error_names_the_expected_form():
    with pytest.raises(ValidationError) as refused:
        parse_symbol("CT-05/TW")
    assert "Số, ký hiệu phải có dạng 05-CT/TW" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("number", "written"),
    [(5, "Số 05-CT/TW"), (78, "Số 78-CT/TW"), (123, "Số 123-CT/TW"), (1, "Số 01-CT/TW")],
)
def test_written_with_a_leading_zero_under_ten_and_no_colon(number, written):
    assert NumberSymbol(number, "CT", "TW").written == written


def test_formatting_and_parsing_agree():
    for number in (1, 9, 10, 99, 100, 1234):
        text = format_symbol(number, "QĐi", "BTGDVTU")
        assert parse_symbol(f"Số {text}") == NumberSymbol(number, "QĐi", "BTGDVTU")
