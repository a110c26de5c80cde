import datetime
from zoneinfo import ZoneInfo

import pytest

from tuyengiao.portal.bylines import BylineCredit, format_byline, parse_byline
from tuyengiao.portal.dates import vietnamese_meta_datetime, vietnamese_number


def test_meta_line_uses_vietnamese_weekday_in_vietnam_time():
    # 21:06 UTC on Thursday 7 July 2022 is 04:06 on Friday 8 July in Hanoi.
    moment = datetime.datetime(2022, 7, 7, 21, 6, tzinfo=ZoneInfo("UTC"))
    assert vietnamese_meta_datetime(moment) == "Thứ sáu - 08/07/2022 04:06"


@pytest.mark.parametrize(
    ("day", "expected"),
    [(4, "Thứ hai"), (5, "Thứ ba"), (6, "Thứ tư"), (7, "Thứ năm"), (8, "Thứ sáu"), (9, "Thứ bảy"), (10, "Chủ nhật")],
)
def test_every_weekday_name(day, expected):
    moment = datetime.datetime(2022, 7, day, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert vietnamese_meta_datetime(moment).startswith(expected + " - ")


def test_numbers_use_dot_thousands():
    assert vietnamese_number(2302) == "2.302"
    assert vietnamese_number(1234567) == "1.234.567"
    assert vietnamese_number(7) == "7"


def test_byline_groups_people_by_roles():
    assert format_byline([BylineCredit("Lê Thuý", ("tin", "anh"))]) == "Tin, ảnh: Lê Thuý"
    text = format_byline(
        [BylineCredit("Trần An", ("bai",)), BylineCredit("Lê Bình", ("anh",)), BylineCredit("Võ Cúc", ("anh",))]
    )
    assert text == "Bài: Trần An; ảnh: Lê Bình, Võ Cúc"


def test_byline_round_trips_through_parser():
    for typed in ["Tin, ảnh: Lê Thuý", "Bài: Trần An; ảnh: Lê Bình, Võ Cúc", "Video: Phạm Dũng"]:
        assert format_byline(parse_byline(typed)) == typed


def test_byline_parser_rejects_unknown_roles_in_vietnamese():
    with pytest.raises(ValueError, match="Vai trò"):
        parse_byline("Phóng viên: Lê Thuý")
