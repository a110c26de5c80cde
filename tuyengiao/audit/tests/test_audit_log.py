"""Every change is logged with who, what, when and from where; superusers and unit heads browse and export it."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from tuyengiao.accounts import services as account_services
from tuyengiao.units.models import Role, RoleAssignment, UnitKind, UnitLevel
from tuyengiao.units.services import unit_create

EDITOR_IP = "198.51.100.44"
SINCE = datetime.date(2025, 7, 1)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="quantri", email="qt@example.org", password=None)


def client_for(user, ip=EDITOR_IP):
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="Mozilla/5.0 (Thử nghiệm)")
    client.force_login(user)
    return client


@pytest.fixture
def wards(unit):
    long_hoa = unit_create(
        name="Đảng ủy phường Long Hòa",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.COMMUNE,
        short_code="ĐU",
        parent=unit,
    )
    binh_thuy = unit_create(
        name="Đảng ủy phường Bình Thủy",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.COMMUNE,
        short_code="ĐU",
        parent=unit,
    )
    return long_hoa, binh_thuy


def person(django_user_model, username, unit, role):
    user = django_user_model.objects.create_user(username=username, password=None)
    RoleAssignment.objects.create(user=user, unit=unit, role=role, valid_from=SINCE)
    return user


def test_admin_changes_record_the_address_and_browser(superuser, article):
    client = client_for(superuser)

    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))

    assert response.status_code == 302
    entry = PageLogEntry.objects.get(action="wagtail.unpublish", page=article)
    assert entry.user == superuser
    assert entry.data["origin"] == {"ip": EDITOR_IP, "user_agent": "Mozilla/5.0 (Thử nghiệm)"}


def test_changes_outside_a_request_have_no_origin(superuser):
    entry = log(instance=superuser, action=account_services.TWO_FACTOR_RESET)
    assert "origin" not in entry.data


def test_superuser_browses_the_log_with_addresses(superuser, article):
    client = client_for(superuser)
    client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))

    response = client.get(reverse("audit_log"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nhật ký kiểm toán" in html
    assert EDITOR_IP in html
    assert article.title in html


def test_filter_by_address(superuser, article):
    client_for(superuser, ip="203.0.113.1").post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))
    client = client_for(superuser)

    html = client.get(reverse("audit_log"), {"ip": "203.0.113.1"}).content.decode()

    assert "203.0.113.1" in html and article.title in html
    assert "Không có mục nhật ký nào." in client.get(reverse("audit_log"), {"ip": "192.0.2.250"}).content.decode()


def test_export_csv_and_xlsx_with_vietnamese_headings(superuser):
    client = client_for(superuser)
    # A failed sign-in whose "username" is a spreadsheet formula must come out as text.
    Client(REMOTE_ADDR="203.0.113.9").post(
        reverse("wagtailadmin_login"), {"username": "=HYPERLINK(1)", "password": "x"}
    )

    response = client.get(reverse("audit_log"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows[0] == [
        "Thời điểm",
        "Người thực hiện",
        "Hành động",
        "Nội dung",
        "Đối tượng",
        "ID",
        "Loại",
        "Địa chỉ IP",
        "Trình duyệt",
    ]
    failed = next(row for row in rows[1:] if row[2] == "Đăng nhập không thành công")
    assert failed[4] == "'=HYPERLINK(1)"
    assert failed[7] == "203.0.113.9"
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-kiem-toan-')

    xlsx = client.get(reverse("audit_log"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][7] == "Địa chỉ IP"
    assert any(row[7] == "203.0.113.9" for row in values[1:])


def test_editors_without_head_role_cannot_open_it(django_user_model, wards):
    specialist = person(django_user_model, "chuyenvien", wards[0], Role.SPECIALIST)
    from django.contrib.auth.models import Group

    specialist.groups.add(Group.objects.get(name="Editors"))

    response = client_for(specialist).get(reverse("audit_log"))

    assert response.status_code in (302, 403)
    assert EDITOR_IP not in response.content.decode()


def test_unit_head_sees_their_subtree_only(django_user_model, wards, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    long_hoa, binh_thuy = wards
    head = person(django_user_model, "truongban", long_hoa, Role.HEAD)
    from django.contrib.auth.models import Group

    head.groups.add(Group.objects.get(name="Moderators"))
    own = person(django_user_model, "canbolonghoa", long_hoa, Role.SPECIALIST)
    other = person(django_user_model, "canbobinhthuy", binh_thuy, Role.SPECIALIST)
    for user, ip in ((own, "203.0.113.66"), (other, "203.0.113.77")):
        user.set_password("Mật-khẩu-thử-2026")
        user.save()
        Client(REMOTE_ADDR=ip).post(
            reverse("wagtailadmin_login"), {"username": user.username, "password": "Mật-khẩu-thử-2026"}
        )
    account_services.account_event_log(account=other, action=account_services.LOGIN_FAILED)

    response = client_for(head, ip="192.0.2.1").get(reverse("audit_log"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "203.0.113.66" in html and "canbolonghoa" in html
    assert "203.0.113.77" not in html and "canbobinhthuy" not in html
    # Both of the sibling's entries exist, they are just not shown to this head.
    assert ModelLogEntry.objects.filter(object_id=str(other.pk), content_type__model="user").count() == 2


def test_menu_item_only_for_those_who_may_read_it(superuser, django_user_model, wards):
    specialist = person(django_user_model, "chuyenvien", wards[0], Role.SPECIALIST)
    from django.contrib.auth.models import Group

    specialist.groups.add(Group.objects.get(name="Editors"))

    assert reverse("audit_log") in client_for(superuser).get("/admin/").content.decode()
    assert reverse("audit_log") not in client_for(specialist).get("/admin/").content.decode()
