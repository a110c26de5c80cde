"""The personal-data detector: what it must catch, and ordinary report language it must let through."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from tuyengiao.opinion.personal_data import find_personal_data, refuse_personal_data

NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731

# (text, kind found, quoted match)
POSITIVES = [
    ("Ông Nguyễn Văn A phản đối việc sáp nhập", "name", "Ông Nguyễn Văn A"),
    ("ý kiến của ông Nguyễn Văn A cho rằng", "name", "ông Nguyễn Văn A"),
    ("bà Lê Thị B băn khoăn về giá điện", "name", "bà Lê Thị B"),
    ("ÔNG NGUYỄN VĂN A PHẢN ÁNH", "name", "ÔNG NGUYỄN VĂN A"),
    ("theo ông nguyễn văn a ở chợ", "name", "ông nguyễn văn a"),
    ("ong Nguyen Van A khong dong tinh", "name", "ong Nguyen Van A"),
    ("Ong Tran Van C noi", "name", "Ong Tran Van C"),
    (NFD("bà Lê Thị B cho biết"), "name", "bà Lê Thị B"),
    (NFD("ÔNG Nguyễn Văn A"), "name", "ÔNG Nguyễn Văn A"),
    ("anh Phạm Minh Tuấn đề nghị", "name", "anh Phạm Minh Tuấn"),
    ("chị Hoa bán hàng ở chợ phản ánh", "name", "chị Hoa"),
    ("cháu Nguyễn Thị Mai bị lừa qua mạng", "name", "cháu Nguyễn Thị Mai"),
    ("chi Nguyen Thi Hoa phan anh", "name", "chi Nguyen Thi Hoa"),
    ("anh Ba bán vé số nói", "name", "anh Ba"),
    ("liên hệ 0912345678", "phone", "0912345678"),
    ("số máy 091 234 5678 của người phản ánh", "phone", "091 234 5678"),
    ("gọi +84 912 345 678", "phone", "+84 912 345 678"),
    ("điện thoại bàn 0292.3812.345", "phone", "0292.3812.345"),
    ("SĐT:0987.654.321", "phone", "0987.654.321"),
    ("ĐT 090-123-4567", "phone", "090-123-4567"),
    ("số 84912345678", "phone", "84912345678"),
    ("máy bàn 024 3825 1234", "phone", "024 3825 1234"),
    ("CCCD 079203001234 cấp năm 2021", "citizen_id", "079203001234"),
    ("căn cước 079 203 001 234", "citizen_id", "079 203 001 234"),
    ("CMND số 381234567", "citizen_id", "381234567"),
    ("gửi thư tới nguyenvana@gmail.com", "email", "nguyenvana@gmail.com"),
    ("E-mail: le.thi.b+dlxh@example.com.vn.", "email", "le.thi.b+dlxh@example.com.vn"),
    ("ở số nhà 12 khu vực chợ", "address", "số nhà 12"),
    ("hộ ở số 12 đường Trần Hưng Đạo phản ánh", "address", "số 12 đường Trần Hưng Đạo"),
    ("nhà 12/3 hẻm 45 bị ngập", "address", "12/3 hẻm 45"),
    ("hộ dân tổ 5 ấp Mỹ Lợi kiến nghị", "address", "tổ 5 ấp Mỹ Lợi"),
    ("so 12 duong Tran Phu bi sat lo", "address", "so 12 duong Tran Phu"),
    ("nhà trong ngõ 12 phố Huế", "address", "ngõ 12"),
    ("Số 45/7 Nguyễn Trãi có tụ điểm", "address", "Số 45/7 Nguyễn Trãi"),
    (NFD("tổ 3 khu phố 2 phản ánh"), "address", "tổ 3 khu phố 2"),
]

NEGATIVES = [
    "Giữ gìn truyền thống thờ cúng ông bà tổ tiên",
    "ÔNG BÀ TỔ TIÊN",
    "Ông bà ta có câu “uống nước nhớ nguồn”",
    "anh chị em công nhân, chị em phụ nữ đồng tình",
    "Anh Chị Em trong khu phố",
    "bà con nông dân phấn khởi",
    "Học tập và làm theo tấm gương Bác Hồ",
    "phong trào cháu ngoan Bác Hồ",
    "các cháu thiếu nhi vui Tết Trung thu",
    "đồng chí Bí thư Tỉnh ủy chủ trì hội nghị",
    "ông Bí thư chi bộ, bà Bộ trưởng",
    "thăm các Bà mẹ Việt Nam Anh hùng",
    "Anh hùng lực lượng vũ trang nhân dân",
    "Tết ông Công ông Táo",
    "tỉnh Bà Rịa - Vũng Tàu; quận Hai Bà Trưng",
    "chị từ chối, anh lại đến, hoa anh đào, chị kiều bào",
    "năm 2025 có 120 lượt người dự, 12 điểm cầu, 2.302 lượt",
    "Chỉ thị số 05-CT/TW, Kết luận 126-KL/TW ngày 14/02/2025",
    "Nghị định 13/2023/NĐ-CP, Luật số 91/2025/QH15",
    "Thông tư số 12/2025/TT-BGDĐT; Quyết định số 1234/QĐ-UBND",
    "kinh phí 1.234.567.890 đồng, 123.456.789.012 đồng; tỷ lệ 98,5%",
    "84.912.345.678 đồng đã giải ngân",
    "đường dây nóng 1900 1234",
    "ngày 12/3 tổ chức hội nghị; ngày 1/7 áp dụng",
    "dịp 30/4 đường phố rợp cờ hoa",
    "tổ dân phố số 7, khu phố 3, ấp Mỹ Lợi",
    "đường Trần Hưng Đạo được chỉnh trang",
    "ba Chi bộ khu vực đã học tập nghị quyết",
    "giá điện tăng 4,8% từ ngày 10/5/2025",
]


@pytest.mark.parametrize(("text", "kind", "match"), POSITIVES)
def test_personal_data_is_found(text, kind, match):
    findings = find_personal_data(text)

    assert [(f.kind, f.text) for f in findings] == [(kind, unicodedata.normalize("NFC", match))]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_report_language_passes(text):
    assert find_personal_data(text) == []
    refuse_personal_data(text)  # does not raise


def test_the_table_is_large_enough():
    assert len(POSITIVES) >= 25
    assert len(NEGATIVES) >= 15


def test_several_findings_are_all_quoted_in_reading_order():
    text = "ông Nguyễn Văn A (0912 345 678, nguyenvana@gmail.com) ở số 12 đường Trần Phú"

    assert [f.kind for f in find_personal_data(text)] == ["name", "phone", "email", "address"]


def test_refusal_says_what_was_found_and_why():
    with pytest.raises(ValidationError) as caught:
        refuse_personal_data("Theo bà Lê Thị B, số máy 0912345678, giá cả tăng.")

    message = caught.value.messages[0]
    assert "họ tên “bà Lê Thị B”" in message
    assert "số điện thoại “0912345678”" in message
    assert "Nghị định 13/2023/NĐ-CP" in message
    assert "Luật Bảo vệ dữ liệu cá nhân 2025" in message
    assert "chỉ lưu thông tin tổng hợp theo chủ đề" in message
    assert caught.value.error_list[0].code == "personal_data"
