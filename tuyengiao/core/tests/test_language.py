import pytest

pytestmark = pytest.mark.django_db


def test_admin_speaks_vietnamese_whatever_the_browser_asks(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html
    assert "Sign in" not in html
