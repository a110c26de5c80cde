import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from tuyengiao.conftest import make_article
from tuyengiao.portal.models import CategoryPage, HomePage


def when(day: int, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2024, 3, day, hour, 0))


def publish(category, title, *, lead="Tin hoạt động.", body="Nội dung.", day=1, **fields):
    """An article published the way editors publish (revision + publish, so signals run)."""
    return make_article(
        category,
        title=title,
        lead=lead,
        body=[("paragraph", f"<p>{body}</p>")],
        when=when(day),
        **fields,
    )


def found(client, q, host="testserver", **params):
    """Page ids the JSON endpoint of the portal at ``host`` returns for a query, in rank order (all pages)."""
    ids, page = [], 1
    while True:
        response = client.get("/api/v1/search", {"q": q, "page": page, **params}, HTTP_HOST=host)
        assert response.status_code == 200, response.content
        data = response.json()
        ids += [result["id"] for result in data["results"]]
        if page >= data["pages"]:
            return ids
        page += 1


@pytest.fixture
def other_portal(home):
    """A second portal (another Site) with its own category."""
    root = Page.get_first_root_node()
    other = HomePage(title="Cổng phường Long Hoà", slug="cong-long-hoa")
    root.add_child(instance=other)
    other.save_revision().publish()
    Site.objects.create(hostname="longhoa.example.vn", port=80, root_page=other, site_name="Long Hoà")
    category = CategoryPage(title="Tin phường", slug="tin-phuong")
    other.add_child(instance=category)
    category.save_revision().publish()
    return category
