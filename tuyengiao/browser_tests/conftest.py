"""Fixtures for browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium.
axe-core comes from npm (`npm install --no-save axe-core@4`, done by .ci/run).
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test.utils import override_settings
from django.urls import clear_url_caches
from playwright.sync_api import sync_playwright
from wagtail.models import Site

from tuyengiao.conftest import make_article
from tuyengiao.portal.demo import make_demo_image
from tuyengiao.portal.models import Comment, CommentStatus

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
ARTICLE_PUBLISHED_AT = datetime.datetime(2022, 7, 8, 4, 6, tzinfo=VN)
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def playwright():
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls made by the test code would otherwise be refused as "async unsafe".
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium).")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def served_media(tmp_path):
    """Serve uploaded images from a temporary MEDIA_ROOT, as `make run` does (SERVE_MEDIA=1).

    tuyengiao/urls.py adds the /media/ route at import time, so the module is
    reloaded under the override and again afterwards. Static files come from
    the live server's own StaticFilesHandler.
    """
    import tuyengiao.urls

    override = override_settings(SERVE_MEDIA=True, MEDIA_ROOT=tmp_path / "media")
    override.enable()
    importlib.reload(tuyengiao.urls)
    clear_url_caches()
    yield
    override.disable()
    importlib.reload(tuyengiao.urls)
    clear_url_caches()


@dataclass
class PageLog:
    """What went wrong in the browser while a test ran."""

    dialogs: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")


@pytest.fixture
def page_log():
    return PageLog()


@pytest.fixture
def new_page(browser, live_server, page_log):
    """Open pages in fresh browser contexts (a new reader each time); all closed at teardown."""
    contexts = []

    def open_page(*, viewport=None):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", page_log.on_dialog)
        page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
        page.on("response", page_log.on_response)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/screenshots/ (CI keeps that folder)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str | None = None) -> Path:
        path = SCREENSHOTS / f"{name or request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def axe():
    """Run axe-core in the page; fail on any serious or critical violation, listed readably."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_JS}). Run `npm install --no-save axe-core@4` in {settings.BASE_DIR} "
            "(.ci/run does this in CI)."
        )

    def check(page) -> None:
        # Evaluated rather than added as a <script>: the portals' CSP refuses inline scripts.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        assert not serious, f"axe-core found {len(serious)} serious/critical problem(s) on {page.url}:\n" + "\n".join(
            _describe_violation(v) for v in serious
        )

    return check


def _describe_violation(violation: dict) -> str:
    lines = [f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"][:5]:
        summary = " ".join((node.get("failureSummary") or "").split())
        lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}: {summary}")
    if len(violation["nodes"]) > 5:
        lines.append(f"    … and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


@pytest.fixture
def live_db(django_db_serialized_rollback, live_server, served_media):
    """The database as migrations left it, shared with the live server.

    Live-server tests are transactional and flush every table afterwards; the
    serialized rollback restores what migrations created (Wagtail's root page,
    locale, groups) before each test.
    """
    return live_server


@pytest.fixture
def portal(live_db, home, category):
    """The test portal from tuyengiao/conftest.py, matched to the live server's host and port."""
    address = urlsplit(live_db.url)
    Site.objects.filter(root_page=home).update(hostname=address.hostname, port=address.port)
    return home


@pytest.fixture
def news_article(portal, category):
    """The article readers know from NukeViet: date, byline, a photo with a caption, two approved comments."""
    cover = make_demo_image("Hội nghị báo cáo viên", seed=1)
    photo = make_demo_image("Quang cảnh hội nghị", seed=2)
    article = make_article(
        category,
        title="Hội nghị báo cáo viên tháng 7 năm 2022",
        slug="hoi-nghi-bao-cao-vien-thang-7",
        when=ARTICLE_PUBLISHED_AT,
        cover_image=cover,
        body=[
            ("paragraph", "<p>Sáng 08/7, Ban Tuyên giáo tổ chức hội nghị báo cáo viên tháng 7.</p>"),
            (
                "figure",
                {"image": photo, "alt_text": "Quang cảnh hội nghị", "caption": "Quang cảnh hội nghị. Ảnh: Lê Thuý"},
            ),
            ("paragraph", "<p>Hội nghị được kết nối trực tuyến đến các điểm cầu cơ sở.</p>"),
        ],
    )
    for name, status in (
        ("Nguyễn Văn An", CommentStatus.APPROVED),
        ("Trần Thị Bình", CommentStatus.APPROVED),
        ("Người chờ duyệt", CommentStatus.PENDING),
    ):
        Comment.objects.create(page=article, name=name, body="Bài viết rất bổ ích.", status=status)
    return article
