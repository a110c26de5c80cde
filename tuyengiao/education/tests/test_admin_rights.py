"""Rights follow the unit tree on every admin path: list, inspect, edit, delete, export, forms, campaign progress."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tuyengiao.education.models import BriefingConference, Level, Mode, Reporter, StudyReturn
from tuyengiao.education.services import attendance_record, conference_save, reporter_save, study_return_submit

from .conftest import client_for, make_class

RETURNS = "/admin/education/returns/"


def refused(response) -> bool:
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def submit(campaign, unit, actor, present=20):
    return study_return_submit(
        actor=actor,
        campaign=campaign,
        unit=unit,
        members_total=25,
        members_present=present,
        studied_on=datetime.date(2025, 6, 20),
        submitted_on=datetime.date(2025, 7, 1),
    )


@pytest.fixture
def filed(campaign, tree, users):
    return {
        "a": submit(campaign, tree.a1, users["a"]),
        "l": submit(campaign, tree.l1, users["l"]),
    }


def test_list_shows_only_the_users_subtree(filed, users):
    html_a = client_for(users["a"]).get(RETURNS).content.decode()
    html_l = client_for(users["l"]).get(RETURNS).content.decode()
    html_admin = client_for(users["admin"]).get(RETURNS).content.decode()
    html_province = client_for(users["p"]).get(RETURNS).content.decode()

    a_name, l_name = "Chi bộ khu vực 1 (An Thới)", "Chi bộ khu vực 1 (Long Hòa)"
    assert a_name in html_a and l_name not in html_a
    assert l_name in html_l and a_name not in html_l
    for html in (html_admin, html_province):
        assert a_name in html and l_name in html


@pytest.mark.parametrize("path", ["inspect", "edit", "delete", "history"])
def test_a_sibling_wards_record_is_not_found(filed, users, path):
    other = filed["l"]
    sibling = client_for(users["a"])

    assert sibling.get(f"{RETURNS}{path}/{other.pk}/").status_code == 404
    assert client_for(users["l"]).get(f"{RETURNS}{path}/{other.pk}/").status_code == 200
    assert client_for(users["admin"]).get(f"{RETURNS}{path}/{other.pk}/").status_code == 200


def test_a_sibling_cannot_change_or_delete_by_posting(filed, users):
    other = filed["l"]
    sibling = client_for(users["a"])
    form = {"members_total": 25, "members_present": 1, "makeup_sessions": 0, "makeup_attendance": 0}
    form |= {"summaries_submitted": 0, "studied_on": "20/06/2025", "submitted_on": "01/07/2025"}

    assert sibling.post(f"{RETURNS}edit/{other.pk}/", form).status_code == 404
    assert sibling.post(f"{RETURNS}delete/{other.pk}/").status_code == 404

    other.refresh_from_db()
    assert other.members_present == 20
    # The owner can.
    response = client_for(users["l"]).post(f"{RETURNS}edit/{other.pk}/", form)
    assert response.status_code == 302, response.context["form"].errors
    other.refresh_from_db()
    assert other.members_present == 1


def test_export_contains_only_the_users_subtree(filed, users):
    sibling = client_for(users["a"])

    csv = b"".join(sibling.get(f"{RETURNS}?export=csv").streaming_content).decode()
    xlsx = sibling.get(f"{RETURNS}?export=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).worksheets[0].iter_rows(values_only=True))

    assert "An Thới" in csv and "Long Hòa" not in csv
    assert "20/06/2025" in csv  # dates as Vietnamese readers write them
    assert rows[0][:4] == ("Mã đợt học tập", "Đợt học tập", "Mã đơn vị", "Đơn vị")
    assert [row[3] for row in rows[1:]] == ["Chi bộ khu vực 1 (An Thới)"]


def test_creating_a_return_for_a_sibling_unit_is_refused(campaign, tree, users):
    form = {"campaign": campaign.pk, "unit": tree.l1.pk, "members_total": 25, "members_present": 20}
    form |= {"makeup_sessions": 0, "makeup_attendance": 0, "summaries_submitted": 0}
    form |= {"studied_on": "20/06/2025", "submitted_on": "01/07/2025"}

    response = client_for(users["a"]).post(f"{RETURNS}new/", form)

    assert response.status_code == 200  # the form again, with an error on the unit
    assert "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới." in response.content.decode()
    assert not StudyReturn.objects.exists()


def test_the_return_form_shows_validation_in_vietnamese(campaign, tree, users):
    form = {"campaign": campaign.pk, "unit": tree.board.pk, "members_total": 25, "members_present": 30}
    form |= {"makeup_sessions": 0, "makeup_attendance": 0, "summaries_submitted": 0}
    form |= {"studied_on": "20/06/2025", "submitted_on": "01/07/2025"}

    html = client_for(users["admin"]).post(f"{RETURNS}new/", form).content.decode()

    assert "Số đảng viên dự học (30) lớn hơn tổng số đảng viên (25)." in html
    assert "Đơn vị “Ban Tuyên giáo và Dân vận Tỉnh ủy” không thuộc đợt học tập này." in html
    assert not StudyReturn.objects.exists()


def test_campaign_progress_for_a_ward_shows_only_its_cells(campaign, filed, tree, users):
    url = f"/admin/education/campaigns/inspect/{campaign.pk}/"

    html = client_for(users["a"]).get(url).content.decode()
    assert "Tiến độ ở Đảng ủy phường An Thới" in html
    assert "Chi bộ khu vực 2 (An Thới)" in html  # a cell without a return: late
    assert "Long Hòa" not in html

    assert refused(client_for(users["a"]).get(f"{url}?don_vi={tree.ward_l.pk}"))
    province_html = client_for(users["p"]).get(url).content.decode()
    assert "Tiến độ ở Tỉnh ủy Sông Hậu" in province_html
    assert "Đảng ủy phường Long Hòa" in province_html and "Đảng ủy phường An Thới" in province_html


def test_a_ward_may_read_but_not_edit_the_provinces_campaign(campaign, users):
    ward = client_for(users["a"])

    assert refused(ward.get(f"/admin/education/campaigns/edit/{campaign.pk}/"))
    assert refused(ward.post(f"/admin/education/campaigns/delete/{campaign.pk}/"))
    listing = ward.get("/admin/education/campaigns/").content.decode()
    assert campaign.title in listing
    assert f"/admin/education/campaigns/edit/{campaign.pk}/" not in listing
    assert client_for(users["p"]).get(f"/admin/education/campaigns/edit/{campaign.pk}/").status_code == 200


def test_unit_choices_in_forms_are_the_users_subtree(tree, users):
    html = client_for(users["a"]).get("/admin/education/reporters/new/").content.decode()

    assert "Chi bộ khu vực 1 (An Thới)" in html
    assert "Long Hòa" not in html and "Tỉnh ủy Sông Hậu" not in html


def test_classes_and_conferences_of_a_sibling_are_not_found(tree, users, programme):
    course = make_class(actor=users["l"], organiser=tree.ward_l, programme=programme, title="Lớp của Long Hòa")
    conference = conference_save(
        actor=users["l"],
        conference=BriefingConference(
            title="Hội nghị báo cáo viên Long Hòa",
            organiser=tree.ward_l,
            held_on=datetime.date(2025, 8, 1),
            level=Level.LOCAL,
            mode=Mode.IN_PERSON,
        ),
    )
    sibling = client_for(users["a"])

    assert "Lớp của Long Hòa" not in sibling.get("/admin/education/classes/").content.decode()
    assert sibling.get(f"/admin/education/classes/edit/{course.pk}/").status_code == 404
    assert sibling.get(f"/admin/education/conferences/inspect/{conference.pk}/").status_code == 404
    assert client_for(users["p"]).get(f"/admin/education/classes/edit/{course.pk}/").status_code == 200


def test_the_organiser_sees_every_units_attendance_at_its_event(tree, users, programme):
    course = make_class(actor=users["p"], organiser=tree.province, programme=programme)
    attendance_record(actor=users["p"], event=course, unit=tree.a1, count=12)
    attendance_record(actor=users["p"], event=course, unit=tree.l1, count=9)

    ward = client_for(users["a"]).get("/admin/education/attendance/").content.decode()
    organiser = client_for(users["p"]).get("/admin/education/attendance/").content.decode()

    assert "Chi bộ khu vực 1 (An Thới)" in ward and "Long Hòa" not in ward
    assert "Chi bộ khu vực 1 (An Thới)" in organiser and "Chi bộ khu vực 1 (Long Hòa)" in organiser


def test_people_without_a_staff_role_do_not_get_in(tree, admin_group):
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("khach", None, None)
    outsider.groups.add(admin_group)
    client = client_for(outsider)

    assert refused(client.get(RETURNS))
    assert refused(client.get("/admin/education/import/"))


LISTS = {
    "/admin/education/campaigns/": "campaign",
    RETURNS: "return",
    "/admin/education/classes/": "class",
    "/admin/education/conferences/": "conference",
    "/admin/education/attendance/": "attendance",
    "/admin/education/reporters/": "reporter",
}


def _add_records(n, *, campaign, tree, users, programme):
    """n more records of each kind, spread over the cells."""
    from tuyengiao.education.models import StudyCampaign
    from tuyengiao.education.services import campaign_save

    cells = [tree.a1, tree.a2, tree.l1, tree.l2]
    admin = users["admin"]
    start = BriefingConference.objects.count()
    for i in range(start, start + n):
        campaign_save(
            actor=admin,
            campaign=StudyCampaign(
                title=f"Đợt {i}",
                theme="Chủ đề",
                issuing_unit=tree.province,
                starts_on=datetime.date(2025, 6, 1),
                deadline=datetime.date(2025, 7, 31),
            ),
            units=cells,
        )
        cell = cells[i % 4]
        StudyReturn.objects.filter(campaign=campaign, unit=cell).delete()
        submit(campaign, cell, admin)
        course = make_class(actor=admin, organiser=cell, programme=programme, title=f"Lớp {i}")
        attendance_record(actor=admin, event=course, unit=cell, count=3)
        conference_save(
            actor=admin,
            conference=BriefingConference(
                title=f"Hội nghị {i}", organiser=cell, held_on=datetime.date(2025, 8, 1), level=Level.LOCAL
            ),
        )
        reporter_save(
            actor=admin,
            reporter=Reporter(
                full_name=f"Báo cáo viên {i}",
                unit=cell,
                level=Level.LOCAL,
                term="2025 - 2030",
                decision="Quyết định số 1-QĐ/ĐU",
            ),
        )


@pytest.mark.parametrize("url", list(LISTS))
def test_list_views_make_a_fixed_number_of_queries(url, campaign, tree, users, programme):
    client = client_for(users["p"])
    _add_records(2, campaign=campaign, tree=tree, users=users, programme=programme)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_records(4, campaign=campaign, tree=tree, users=users, programme=programme)
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_the_organiser_corrects_a_count_and_enrolment_still_holds(tree, users, programme):
    course = make_class(actor=users["p"], organiser=tree.province, programme=programme, enrolled=30)
    row = attendance_record(actor=users["p"], event=course, unit=tree.a1, count=12)
    attendance_record(actor=users["p"], event=course, unit=tree.l1, count=10)
    organiser = client_for(users["p"])
    url = f"/admin/education/attendance/edit/{row.pk}/"

    assert organiser.get(url).status_code == 200
    refused = organiser.post(url, {"count": 21}).content.decode()
    assert "Số người dự (31) lớn hơn số học viên (30)." in refused
    assert organiser.post(url, {"count": 20}).status_code == 302
    row.refresh_from_db()
    assert row.count == 20
