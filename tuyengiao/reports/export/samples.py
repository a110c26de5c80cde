"""A fictional review report for tests, benchmarks and layout previews of the renderers."""

from __future__ import annotations

import datetime

from ..document import FigureRow, ReportDocument, ReportSection

_FIGURE_LABELS = (
    "Số hội nghị học tập, quán triệt nghị quyết",
    "Số lượt người dự học tập, quán triệt nghị quyết",
    "Số bài thu hoạch đã nộp",
    "Số hội nghị báo cáo viên",
    "Số điểm cầu trực tuyến",
    "Số lớp bồi dưỡng lý luận chính trị",
    "Số học viên hoàn thành chương trình",
    "Số tin dư luận xã hội đã tổng hợp",
)


def sample_figures(count: int = 8, units: int = 5) -> list[FigureRow]:
    figures = []
    for index in range(count):
        label = _FIGURE_LABELS[index % len(_FIGURE_LABELS)]
        if index >= len(_FIGURE_LABELS):
            label = f"{label} (nhóm {index // len(_FIGURE_LABELS) + 1})"
        by_unit = [(f"Đảng ủy phường {unit + 1:02d}", 90 + (index * 7 + unit * 13) % 60) for unit in range(units)]
        figures.append(
            FigureRow(key=f"chi_tieu_{index + 1:02d}", label=label, value=sum(v for _, v in by_unit), by_unit=by_unit)
        )
    return figures


def sample_document(*, figures: int = 8, units: int = 5, **overrides) -> ReportDocument:
    long = (
        "Ban Tuyên giáo và Dân vận đã tham mưu Ban Thường vụ Tỉnh ủy ban hành 12 văn bản chỉ đạo, hướng dẫn; "
        "tổ chức hội nghị học tập, quán triệt nghị quyết cho 2.302 lượt người tại 102 điểm cầu trực tuyến, "
        "bảo đảm đúng thời gian và yêu cầu đề ra."
    )
    values = {
        "superior_body": "ĐẢNG BỘ TỈNH AN GIANG",
        "issuing_body": "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "number_symbol": "Số 12-BC/BTGDVTU",
        "place": "Cần Thơ",
        "date": datetime.date(2026, 7, 8),
        "type_name": "BÁO CÁO",
        "summary": "Sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2026",
        "sections": [
            ReportSection("I. KẾT QUẢ ĐẠT ĐƯỢC", []),
            ReportSection("1. Công tác tham mưu cấp ủy", [long, long], level=2),
            ReportSection("2. Công tác học tập, quán triệt nghị quyết", [long] * 3, level=2),
            ReportSection(
                "a) Hạn chế và nguyên nhân", ["Một số đơn vị báo cáo chậm so với thời gian quy định."], level=3
            ),
            ReportSection("II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM", [long] * 4),
        ],
        "signer_authority": "K/T TRƯỞNG BAN",
        "signer_position": "PHÓ TRƯỞNG BAN",
        "signer_name": "Nguyễn Văn A",
        "recipients": [
            "Ban Tuyên giáo và Dân vận Trung ương,",
            "Thường trực Tỉnh ủy,",
            "Các đảng ủy trực thuộc Tỉnh ủy,",
            "Lưu Văn phòng.",
        ],
        "figures": sample_figures(figures, units),
    }
    values.update(overrides)
    return ReportDocument(**values)
