"""The demo loads on an empty database and tells a consistent story (one slow test: the whole demo)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from tuyengiao.education import selectors
from tuyengiao.education.models import BriefingConference, EducationClass, Reporter, StudyCampaign
from tuyengiao.units.models import Unit

from .conftest import client_for


def test_demo_records(db):
    from tuyengiao.portal.demo import load_demo

    load_demo()

    province = Unit.objects.get(name="Tỉnh ủy Sông Hậu")
    today = timezone.localdate()
    # A reporters' conference of the board every month since 03/2025, some online with connection points.
    monthly = BriefingConference.objects.filter(organiser__short_code="BTGDVTU")
    assert {(c.held_on.year, c.held_on.month) for c in monthly} >= {(2025, 3), (2025, 12), (2026, 6)}
    online = monthly.filter(connection_points__gt=0)
    assert online.exists() and monthly.filter(connection_points=0).exists()
    assert EducationClass.objects.filter(programme__code="nhan-thuc-ve-dang").count() >= 6
    assert EducationClass.objects.filter(programme__code="dang-vien-moi").exists()
    assert Reporter.objects.filter(level="provincial").exists() and Reporter.objects.filter(level="local").exists()

    # Campaigns over the cells with late and missing returns once their deadline has passed.
    finished = [c for c in StudyCampaign.objects.all() if c.deadline < today]
    assert len(finished) >= 3
    for campaign in finished:
        progress = selectors.campaign_progress(campaign, root=province)
        assert progress.required == 12
        assert 0 < progress.returned <= 12
        assert progress.late_units >= 1
    assert any(selectors.campaign_progress(c, root=province).overdue_missing for c in finished)

    # A year's figures for the province: lượt far above the distinct people known by name.
    year = (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    attendance = selectors.attendance_figures(unit=province, start=year[0], end=year[1], by="attendee")
    people = selectors.people_figures(unit=province, start=year[0], end=year[1])
    assert attendance.total.value > 1000
    assert 0 < people.people.value < attendance.total.value

    # The admin pages of the group render for the demo administrator.
    client = client_for(get_user_model().objects.get(username="admin"))
    campaign = finished[0]
    html = client.get(f"/admin/education/campaigns/inspect/{campaign.pk}/").content.decode()
    assert "Tổng hợp theo đơn vị trực thuộc" in html and "Đảng ủy phường Long Hòa" in html
    for url in ("campaigns", "returns", "classes", "conferences", "attendance", "reporters", "programmes", "import"):
        assert client.get(f"/admin/education/{url}/").status_code == 200, url
