"""Demo: the provincial board's six-month review report over the demo records (fictional, written for this project).

Called by tuyengiao.portal.demo (BACK_OFFICE_DEMO_APPS, after the apps whose
records it reads). The figures and section I are generated from the demo
records; the narrative sections are sample text a board would write.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .periods import PeriodKind

LIMITATIONS = (
    "Một số chi bộ báo cáo kết quả học tập, quán triệt nghị quyết còn chậm so với thời hạn.\n"
    "Việc nắm bắt, tổng hợp dư luận xã hội ở một số đơn vị chưa thường xuyên; chất lượng thông tin chưa đồng đều.\n"
    "Nguyên nhân: đội ngũ cán bộ làm công tác tuyên giáo ở cơ sở còn kiêm nhiệm nhiều việc, một số đơn vị mới "
    "được sắp xếp, kiện toàn."
)
DIRECTIONS = (
    "Tiếp tục tổ chức học tập, quán triệt và triển khai thực hiện các nghị quyết, chỉ thị của Đảng; "
    "đôn đốc các đơn vị báo cáo kết quả đúng thời hạn.\n"
    "Duy trì hội nghị báo cáo viên định kỳ hằng tháng, mở rộng điểm cầu trực tuyến đến cơ sở.\n"
    "Nâng cao chất lượng nắm bắt, phản ánh tình hình tư tưởng, dư luận xã hội; kịp thời tham mưu cấp ủy xử lý "
    "những vấn đề mới phát sinh."
)
PROPOSALS = "Đề nghị Ban Tuyên giáo và Dân vận Trung ương tiếp tục mở các lớp bồi dưỡng nghiệp vụ cho cán bộ cơ sở."


def load_demo(*, units) -> dict:
    """One report: the province's current six months, issued by the board (number from the registry)."""
    user_model = get_user_model()
    actor = (
        user_model.objects.filter(username="truongban").first()
        or user_model.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if actor is None:
        raise RuntimeError("Cần một tài khoản quản trị (superuser) để tạo báo cáo mẫu.")
    report = services.report_create(
        actor=actor,
        unit=units.province,
        period_kind=PeriodKind.HALF,
        period_start=timezone.localdate(),
        limitations=LIMITATIONS,
        directions=DIRECTIONS,
        proposals=PROPOSALS,
        signing_mode="K/T",
        signing_for="Trưởng ban",
        signer_position="Phó Trưởng ban",
        signer_name="Trần Minh Khoa",
    )
    return {"reports": 1, "number_symbol": report.number_symbol}
