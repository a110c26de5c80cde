"""nginx's front cache with deploy/nginx/tuyengiao.conf itself: cached pages, exact counts, refreshes.

Runs the production nginx configuration (ports, paths and TLS swapped for a test: nginx on
127.0.0.1:8136, its plain-HTTP server on :8137, its refresh server on :8138, the app on :8139; four
ports from FRONT_CACHE_TEST_PORT when set) in front of this test's Django, with views buffered in
Redis DB 8 (FRONT_CACHE_TEST_REDIS_URL when set) under a prefix unique to the test. Skipped when
nginx is not installed or Redis is not reachable.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from django.utils import timezone

from tuyengiao.conftest import make_article
from tuyengiao.portal import services, viewcounts
from tuyengiao.portal.models import ArticleDailyViews, ArticleViewTotal, Comment, CommentStatus
from tuyengiao.worker import viewlog

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS_URL = os.environ.get("FRONT_CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
_FIRST_PORT = int(os.environ.get("FRONT_CACHE_TEST_PORT", "8136"))
NGINX_PORT, PLAIN_PORT, REFRESH_PORT, APP_PORT = (_FIRST_PORT + n for n in range(4))
DEPLOY_CONF = Path(django_settings.BASE_DIR) / "deploy" / "nginx" / "tuyengiao.conf"


def nginx_config(tmp: Path) -> str:
    """The production file with the test's ports and folders, plain HTTP instead of TLS."""
    conf = DEPLOY_CONF.read_text()
    for old, new in [
        ("/var/cache/nginx/tuyengiao", f"{tmp}/cache"),
        ("/var/log/nginx/", f"{tmp}/"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{APP_PORT};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{NGINX_PORT};"),
        ("listen 127.0.0.1:8081;", f"listen 127.0.0.1:{REFRESH_PORT};"),
    ]:
        assert old in conf, old
        conf = conf.replace(old, new)
    conf = re.sub(r"\n\s*listen (80|\[::\]:80|\[::\]:443 ssl http2);", "", conf)
    conf = re.sub(r"\n\s*ssl_[^\n]*", "", conf)
    conf = conf.replace(
        "server {\n    server_name tuyengiao.example.vn;",
        f"server {{\n    listen 127.0.0.1:{PLAIN_PORT};\n    server_name tuyengiao.example.vn;",
        1,
    )
    temp = " ".join(f"{name}_temp_path {tmp}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log warn;\nworker_processes 1;\ndaemon off;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n{temp}\n{conf}\n}}\n"
    )


class Nginx:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        (tmp / "nginx.conf").write_text(nginx_config(tmp))
        self.proc = subprocess.Popen(
            ["nginx", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not (tmp / "nginx.pid").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "error.log").read_text() if (tmp / "error.log").exists() else "nginx failed")
            time.sleep(0.05)

    def get(self, path: str, *, cookie: str = "", method: str = "GET"):
        connection = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=30)
        headers = {"Host": "testserver", **({"Cookie": cookie} if cookie else {})}
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        return response, body

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        errors = (self.tmp / "error.log").read_text()
        assert "[error]" not in errors and "[crit]" not in errors, errors


@pytest.fixture
def nginx_folder():
    """A folder nginx's workers (user nobody) can reach: pytest's tmp_path is under a 0700 folder."""
    folder = Path(tempfile.mkdtemp(prefix="tg-front-cache-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def front_cache(settings, nginx_folder):
    import redis

    tmp_path = nginx_folder

    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"tgfront-{uuid.uuid4().hex[:12]}"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
            "KEY_PREFIX": prefix,
        }
    }
    settings.FRONT_CACHE_URL = f"http://127.0.0.1:{REFRESH_PORT}"
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {"BACKEND": "tuyengiao.worker.frontcache.NginxRefreshBackend", "LOCATION": settings.FRONT_CACHE_URL}
    }
    settings.VIEW_LOG_PATH = str(tmp_path / "tuyengiao-views.log")

    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    app = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared, port=APP_PORT)
    app.daemon = True
    app.start()
    app.is_ready.wait()
    if app.error:
        raise app.error
    nginx = Nginx(tmp_path)
    yield nginx
    nginx.stop()
    app.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def ingested() -> int:
    """Let nginx write its log buffer (each second), then count and flush what it logged."""
    time.sleep(1.3)
    counted = viewlog.ingest()
    viewcounts.flush_view_counts()
    return counted


def shown(body: str) -> int:
    return int(re.search(r"data-view-count>([\d.]+)<", body).group(1).replace(".", ""))


def test_anonymous_articles_come_from_nginx_and_every_browser_counts_once_a_day(front_cache, category):
    article = make_article(category, title="Tin nổi bật trong tuần")

    # Publishing stored the page in nginx's cache already (the refresh fetched it).
    first, body = front_cache.get(article.url)
    assert (first.status, first.getheader("X-Cache")) == (200, "HIT")
    assert "Tin nổi bật trong tuần" in body
    browser = re.match(r"tgb=([0-9a-f]{32});", first.getheader("Set-Cookie")).group(1)
    again, _ = front_cache.get(article.url, cookie=f"tgb={browser}")
    assert again.getheader("X-Cache") == "HIT"
    assert again.getheader("Set-Cookie") is None  # the browser keeps its id
    front_cache.get(article.url)  # a second browser (no cookie yet)
    front_cache.get(article.url, cookie="tgb=0123456789abcdef0123456789abcdef")  # a third
    front_cache.get(article.url, cookie="tgb=0123456789abcdef0123456789abcdef")  # …again today
    front_cache.get(article.url, method="HEAD")  # not a view
    signed_in, _ = front_cache.get(article.url, cookie="sessionid=abc")
    assert signed_in.getheader("X-Cache") == "BYPASS"  # a fourth browser, its page from gunicorn

    assert ingested() == 4
    assert ingested() == 0  # each line once
    assert ArticleViewTotal.objects.get(page=article).count == 4
    assert ArticleDailyViews.objects.get(page=article, day=timezone.localdate()).count == 4

    # The cached page shows the new count once the worker's round refreshed it.
    viewlog.refresh_changed_counts(force=True)
    refreshed, body = front_cache.get(article.url, cookie=f"tgb={browser}")
    assert refreshed.getheader("X-Cache") == "HIT"
    assert shown(body) == 4


def test_publishing_comments_and_unpublishing_refresh_the_cached_page(front_cache, category):
    article = make_article(category, title="Bản tin sáng")
    assert front_cache.get(article.url)[0].getheader("X-Cache") == "HIT"

    article.title = "Bản tin sáng (cập nhật)"
    article.save_revision().publish()
    response, body = front_cache.get(article.url)
    assert response.getheader("X-Cache") == "HIT"
    assert "Bản tin sáng (cập nhật)" in body

    comment = Comment.objects.create(page=article, name="Thu Hà", body="Rất bổ ích.", status=CommentStatus.PENDING)
    assert "Rất bổ ích." not in front_cache.get(article.url)[1]
    services.comment_moderate(comment=comment, status=CommentStatus.APPROVED)
    assert "Rất bổ ích." in front_cache.get(article.url)[1]

    article.refresh_from_db()
    article.unpublish()
    gone, _ = front_cache.get(article.url)
    assert gone.status == 404


def test_home_and_category_pages_come_from_nginx_and_publishing_refreshes_them(front_cache, home, category):
    make_article(category, title="Tin đầu tiên của chuyên mục")
    listings = ("/", category.url)
    for url in listings:  # publishing stored them in nginx's cache already (the refresh fetched them)
        response, body = front_cache.get(url)
        assert (response.status, response.getheader("X-Cache")) == (200, "HIT"), url
        assert "Tin đầu tiên của chuyên mục" in body

    article = make_article(category, title="Tin vừa xuất bản")
    for url in listings:
        response, body = front_cache.get(url)
        assert response.getheader("X-Cache") == "HIT" and "Tin vừa xuất bản" in body, url

    article.refresh_from_db()
    article.unpublish()
    for url in listings:
        response, body = front_cache.get(url)
        assert response.getheader("X-Cache") == "HIT" and "Tin vừa xuất bản" not in body, url

    # A page number is kept too; other query strings and signed-in editors bypass nginx's cache.
    front_cache.get(category.url + "?page=1")
    assert front_cache.get(category.url + "?page=1")[0].getheader("X-Cache") == "HIT"
    assert front_cache.get(category.url + "?page=abc")[0].getheader("X-Cache") == "BYPASS"
    assert front_cache.get("/", cookie="sessionid=abc")[0].getheader("X-Cache") == "BYPASS"
