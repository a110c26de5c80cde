"""Reports: generated prose, number-symbol from the registry, revisions, bad input, report → article, the document."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tuyengiao.education.models import BriefingConference, Level, Mode
from tuyengiao.portal.models import ArticlePage, PortalSettings
from tuyengiao.reports import export, services
from tuyengiao.reports.models import Report
from tuyengiao.reports.periods import PeriodKind

D = datetime.date


def half_report(tree, actor, **fields) -> Report:
    return services.report_create(
        actor=actor, unit=tree.province, period_kind=PeriodKind.HALF, period_start=D(2025, 3, 1), **fields
    )


def text_of(report: Report) -> str:
    return "\n".join(p for section in report.generated_sections for p in [section["heading"], *section["paragraphs"]])


def test_six_month_report_is_written_from_the_records(tree, users, records):
    report = half_report(tree, users["p"])
    assert (report.period_start, report.period_end) == (D(2025, 1, 1), D(2025, 6, 30))
    text = text_of(report)
    assert (
        "Trong 6 tháng đầu năm 2025, Tỉnh ủy Sông Hậu và các đơn vị trực thuộc đã mở 03 lớp, 03 hội nghị báo cáo "
        "viên (trong đó có 02 hội nghị báo cáo viên trực tuyến), tổng số 473 lượt người dự." in text
    )
    assert "Các lớp gồm: 01 lớp sơ cấp lý luận chính trị, 02 lớp bồi dưỡng nhận thức về Đảng." in text
    assert "tổng hợp 03 tin dư luận xã hội, trong đó 01 tin đồng tình, 01 tin phản đối, 01 tin băn khoăn" in text
    assert "Tham mưu ban hành 03 văn bản, gồm: 02 kế hoạch, 01 báo cáo." in text
    assert "có 03 nhiệm vụ đến hạn; đã hoàn thành 02 nhiệm vụ; 02 nhiệm vụ trễ hạn." in text
    # Header and type line drawn from the unit tree and the registry.
    assert report.issuer.code == "BTGDVTU"
    assert (report.superior_body, report.issuing_body) == ("Tỉnh ủy Sông Hậu", "Ban Tuyên giáo và Dân vận")
    assert report.summary == "Sơ kết công tác 6 tháng đầu năm 2025, phương hướng, nhiệm vụ 6 tháng cuối năm 2025"
    assert report.place == "Sông Hậu"
    assert report.revisions.count() == 1


def test_number_symbol_follows_the_registry_and_other_reports(tree, users, records):
    # The board registered 01-BC/BTGDVTU on 15/01/2025.
    first = half_report(tree, users["p"], issued_on=D(2025, 7, 10))
    second = half_report(tree, users["p"], issued_on=D(2025, 7, 11))
    assert (first.number_symbol, first.written_symbol) == ("02-BC/BTGDVTU", "Số 02-BC/BTGDVTU")
    assert second.number_symbol == "03-BC/BTGDVTU"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Số: 05-BC/BTGDVTU", "Không đặt dấu hai chấm sau chữ “Số”"),
        ("5-BC/BTGDVTU", "phải có chữ số 0 đứng trước"),
        ("05-KH/BTGDVTU", "Báo cáo có ký hiệu loại văn bản BC"),
        ("05-BC/ĐU", "không khớp cơ quan ban hành"),
        ("01-BC/BTGDVTU", "đã được dùng trong sổ văn bản"),
    ],
)
def test_bad_number_symbol_is_refused_and_nothing_saved(tree, users, records, typed, message):
    with pytest.raises(ValidationError) as caught:
        half_report(tree, users["p"], number_symbol=typed, issued_on=D(2025, 7, 10))
    assert message in " ".join(caught.value.message_dict["number_symbol"])
    assert not Report.objects.exists()


def test_typed_number_is_normalised_and_kept(tree, users, records):
    report = half_report(tree, users["p"], number_symbol="số 07 – BC / BTGDVTU", issued_on=D(2025, 7, 10))
    assert report.number_symbol == "07-BC/BTGDVTU" and report.number == 7


def test_period_with_no_records_gives_a_report_saying_so(tree, users, records):
    report = services.report_create(
        actor=users["p"], unit=tree.province, period_kind=PeriodKind.HALF, period_start=D(2024, 1, 1)
    )
    assert report.is_empty
    assert report.generated_sections[0]["paragraphs"][0].startswith(
        "Không có số liệu để báo cáo: từ ngày 01/01/2024 đến ngày 30/06/2024, Tỉnh ủy Sông Hậu"
    )


def test_end_before_start_is_refused(tree, users):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=users["p"],
            unit=tree.province,
            period_kind=PeriodKind.CUSTOM,
            period_start=D(2025, 6, 30),
            period_end=D(2025, 1, 1),
        )
    assert caught.value.message_dict["period_end"] == ["Ngày kết thúc không được trước ngày bắt đầu."]
    assert not Report.objects.exists()


def test_unit_without_rights_is_refused(tree, users):
    with pytest.raises(PermissionDenied, match="Bạn không có quyền với đơn vị “Đảng ủy phường Long Hòa”"):
        services.report_create(
            actor=users["a"], unit=tree.ward_l, period_kind=PeriodKind.YEAR, period_start=D(2025, 1, 1)
        )
    assert not Report.objects.exists()


def test_issuer_of_another_unit_is_refused(tree, users, issuers):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=users["l"],
            unit=tree.ward_l,
            period_kind=PeriodKind.YEAR,
            period_start=D(2025, 1, 1),
            issuer=issuers["ward_a"],
        )
    assert caught.value.message_dict["issuer"] == [services.ISSUER_NOT_YOURS]


def test_merged_ward_counts_for_its_successor_in_the_report(tree, users, records):
    report = services.report_create(
        actor=users["l"], unit=tree.ward_l, period_kind=PeriodKind.HALF, period_start=D(2025, 7, 1)
    )
    assert "đã mở 01 lớp, 01 hội nghị báo cáo viên, tổng số 49 lượt người dự" in text_of(report)


def test_edits_are_revisions_and_regenerate_reads_new_records(tree, users, records):
    report = half_report(tree, users["p"])
    report.limitations = "Một số chi bộ báo cáo chậm.\nNguyên nhân: thiếu cán bộ chuyên trách."
    services.report_save(actor=users["p"], report=report)
    assert report.revisions.count() == 2
    BriefingConference.objects.create(
        title="Hội nghị bổ sung", organiser=tree.ward_a, held_on=D(2025, 6, 20), level=Level.LOCAL, mode=Mode.ONLINE,
        connection_points=2,
    )  # fmt: skip
    assert report.figure_set.value("conferences") == 3  # stored at generation time
    report = services.report_regenerate(actor=users["p"], report=report)
    assert report.figure_set.value("conferences") == 4
    assert "04 hội nghị báo cáo viên (trong đó có 03 hội nghị báo cáo viên trực tuyến)" in text_of(report)
    assert report.revisions.count() == 3
    assert report.limitations.startswith("Một số chi bộ")


def test_changing_the_period_regenerates(tree, users, records):
    report = half_report(tree, users["p"])
    report.period_start = D(2025, 7, 1)
    report = services.report_save(actor=users["p"], report=report)
    assert (report.period_start, report.period_end) == (D(2025, 7, 1), D(2025, 12, 31))
    assert report.figure_set.start == D(2025, 7, 1)


# --- report → article --------------------------------------------------------------------------


def test_report_becomes_a_draft_article_in_moderation(tree, users, records, category):
    report = half_report(tree, users["admin"], directions="Tiếp tục tổ chức học tập nghị quyết.")
    article = services.report_to_article(actor=users["admin"], report=report)
    assert isinstance(article, ArticlePage)
    assert not article.live and article.has_unpublished_changes
    assert article.get_parent().specific == category
    assert article.workflow_in_progress
    assert article.title == "Ban Tuyên giáo và Dân vận Tỉnh ủy sơ kết công tác 6 tháng đầu năm 2025"
    assert article.lead.startswith("Ngày ") and "Báo cáo số 02-BC/BTGDVTU sơ kết công tác" in article.lead
    body = "".join(str(block.value) for block in article.body)
    assert "tổng số 473 lượt người dự" in body
    assert article.byline.startswith("Tin: ")
    report.refresh_from_db()
    assert report.article_id == article.pk
    with pytest.raises(ValidationError, match="Báo cáo đã có bài viết"):
        services.report_to_article(actor=users["admin"], report=report)


def test_article_needs_rights_on_the_portal(tree, users, records, category):
    report = half_report(tree, users["p"])
    with pytest.raises(PermissionDenied, match="Bạn không có quyền tạo bài viết trong chuyên mục"):
        services.report_to_article(actor=users["p"], report=report)
    PortalSettings.objects.update(unit=tree.board)  # the portal is the board's: province staff may write there
    article = services.report_to_article(actor=users["p"], report=report)
    assert not article.live


# --- the Party document ------------------------------------------------------------------------


def test_document_renders_with_the_real_renderers(tree, users, records):
    report = half_report(
        tree,
        users["p"],
        issued_on=D(2025, 7, 8),
        signing_mode="K/T",
        signing_for="Trưởng ban",
        signer_position="Phó Trưởng ban",
        signer_name="Trần Minh Khoa",
        directions="Tổ chức học tập nghị quyết đại hội.",
    )
    document = services.build_document(report)
    assert document.number_symbol == "Số 02-BC/BTGDVTU"
    assert document.superior_body == "TỈNH ỦY SÔNG HẬU" and document.issuing_body == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    assert document.signer_authority == "K/T TRƯỞNG BAN" and document.signer_position == "PHÓ TRƯỞNG BAN"
    headings = [section.heading for section in document.sections]
    assert headings[0] == "I. KẾT QUẢ THỰC HIỆN" and "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2025" in headings
    with zipfile.ZipFile(io.BytesIO(export.render_docx(document))) as docx:
        xml = docx.read("word/document.xml").decode()
    assert "02-BC/BTGDVTU" in xml and "tổng số 473 lượt người dự" in xml
    workbook = load_workbook(io.BytesIO(export.render_xlsx(document)))
    cells = [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]
    assert "Tổng số lượt người dự" in cells
