"""Script-injection payloads in every text field that reaches a public page, checked in a real browser.

Every payload of `xss_payloads.txt` is stored the ways text reaches the
portal — through the models and services editors' forms save with (article
title, lead, body paragraph, quote, image alt text and caption, byline,
source, SEO title and description, tags, event topic, category name and
description, attachment title, approved comments, Party documents, the
portal's name, tagline and footer), through the article importer (raw HTML
bodies from the old sites), and through the real comment and search forms in
the browser. Then every public page that shows them is opened: home,
categories, articles and their print view, search results (which highlight
the query), tag and topic pages, the documents list and pages, the privacy
notice, the RSS feed and a 404 page.

On each page: no dialog opened, `window.__xss` never set, no element the
payloads would create (event-handler attributes, `javascript:` URLs, stray
scripts, frames, `<base>`, meta refresh), no template evaluated (tg49tg), no
CSP violation reported, and no answer ≥ 500. The portals' CSP would stop an
inline script anyway; the element check finds a markup leak even then.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.utils.html import escape
from playwright.sync_api import expect
from wagtail.documents import get_document_model
from wagtail.models import Site

from tuyengiao.documents.models import Document, DocumentType, Issuer, SubjectArea, Term
from tuyengiao.portal.demo import make_demo_image
from tuyengiao.portal.models import (
    ArticleAttachment,
    ArticleByline,
    ArticlePage,
    CategoryPage,
    Comment,
    CommentModeration,
    CommentStatus,
    PortalSettings,
    Topic,
)

from .conftest import ARTICLE_PUBLISHED_AT

pytestmark = pytest.mark.browser

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("# ")
]

# Run in the page after it loaded: what would show that a payload became markup or ran.
FIND_INJECTION = """
() => {
  const found = [];
  if (window.__xss) found.push("window.__xss was set");
  const origin = location.origin;
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background"];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const printButton = tag === "button" && name === "onclick" && attribute.value === "window.print()";
      if (name.startsWith("on") && !printButton) found.push(`<${tag} ${name}>`);
      if (urlAttributes.includes(name) && /^\\s*(javascript|data:text\\/html)/i.test(attribute.value))
        found.push(`<${tag} ${name}="${attribute.value.slice(0, 40)}">`);
      if (name === "srcdoc") found.push(`<${tag} srcdoc>`);
      if (name === "style" && /url\\(\\s*['"]?\\s*javascript/i.test(attribute.value)) found.push(`<${tag} style=javascript>`);
    }
    if (tag === "script" && element.type !== "application/ld+json"
        && !(element.src && element.src.startsWith(origin + "/static/")))
      found.push(`<script> ${element.outerHTML.slice(0, 60)}`);
    if (["object", "embed", "base", "math"].includes(tag)) found.push(`<${tag}>`);
    if (tag === "iframe" && !(element.src || "").startsWith(origin + "/documents/")) found.push("<iframe>");
    if (tag === "meta" && (element.httpEquiv || "").toLowerCase() === "refresh") found.push("<meta refresh>");
    if (tag === "style" && element.closest("body")) found.push("<style> in body");
  }
  const text = document.documentElement.textContent;
  if (text.includes("tg49tg") || text.includes("tg{{tg")) found.push("a template was evaluated");
  return found;
}
"""

CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def _nth(n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)]


@pytest.fixture
def hostile_portal(portal, category, unit, tmp_path):
    """The test portal with every payload stored in every public text field."""
    site = Site.objects.get(root_page=portal)
    Site.objects.filter(pk=site.pk).update(site_name=_nth(0)[:255])
    PortalSettings.objects.filter(site=site).update(
        portal_name=" | ".join(PAYLOADS)[:255],
        tagline=" | ".join(reversed(PAYLOADS))[:255],
        footer_text="\n".join(PAYLOADS),
        comment_moderation=CommentModeration.NONE,
    )
    photo = make_demo_image(_nth(1)[:255], seed=3)
    central = Issuer.objects.get_or_create(name="Ban Chấp hành Trung ương", defaults={"code": "TW"})[0]
    term = Term.objects.create(name="Khóa XIV", starts_on=datetime.date(2026, 1, 1))
    plan = DocumentType.objects.get(code="KH")
    wagtail_document = get_document_model()
    articles, categories, documents, topics = [], [], [], []
    for n, payload in enumerate(PAYLOADS):
        section = CategoryPage(title=payload[:255], slug=f"chuyen-muc-{n}", description=payload, show_in_menus=True)
        portal.add_child(instance=section)
        section.save_revision().publish()
        categories.append(section)
        topic = Topic.objects.create(name=payload[:255], slug=f"su-kien-{n}", description=payload)
        topics.append(topic)
        attachment = wagtail_document.objects.create(
            title=payload[:255], file=ContentFile(b"Noi dung tep.", name=f"tep-{n}.txt")
        )
        article = ArticlePage(
            title=payload[:255],
            slug=f"bai-{n}",
            seo_title=payload[:255],
            search_description=payload,
            lead=payload,
            source=payload[:255],
            published_at=ARTICLE_PUBLISHED_AT - datetime.timedelta(minutes=n),
            topic=topic,
            cover_image=photo,
            body=[
                ("paragraph", f"<p>{escape(payload)}</p>"),  # as the rich-text editor stores typed text
                ("figure", {"image": photo, "alt_text": payload, "caption": payload}),
                ("quote", {"text": payload, "author": payload}),
            ],
        )
        article.bylines = [ArticleByline(name=payload[:255], is_news=True, is_photo=True)]
        article.attachments = [ArticleAttachment(document=attachment, title=payload[:255])]
        section.add_child(instance=article)
        article.tags.add(payload[:100])
        article.save_revision().publish()
        article = ArticlePage.objects.get(pk=article.pk)
        Comment.objects.create(page=article, name=payload[:100], body=payload, status=CommentStatus.APPROVED)
        articles.append(article)
        documents.append(
            Document.objects.create(
                unit=unit,
                issuer=central,
                doc_type=plan,
                term=term,
                number=n + 1,
                symbol=f"{n + 1:02d}-KH/TW",
                summary=payload,
                issued_on=datetime.date(2026, 2, 1),
                issued_place=payload[:128],
                signing_for=payload[:255],
                signer_position=payload[:255],
                signer_name=payload[:255],
                recipients=payload,
                subject_area=SubjectArea.objects.create(name=f"{payload[:240]} {n}"),
                is_public=True,
            )
        )
    imported = _import_raw_html(tmp_path)
    return {"articles": articles + imported, "categories": categories, "documents": documents, "topics": topics}


def _import_raw_html(tmp_path) -> list[ArticlePage]:
    """Articles from an old site's export, whose bodies are raw HTML: the importer must keep only safe markup."""
    from tuyengiao.search import importer, services

    rows = [
        {
            "title": f"Bài nhập số {n}",
            "lead": payload,
            "body": f"<p>Đoạn mở đầu.</p>{payload}<p>{payload}</p>",
            "published_at": "2022-07-01T08:30:00+07:00",
            "byline": f"Tin, ảnh: {payload}".replace(";", ",").replace("\n", " "),
            "tags": [f"nhap {n}"],
            "category": "tin-hoat-dong",
        }
        for n, payload in enumerate(PAYLOADS)
    ]
    source = tmp_path / "bai-nhap.jsonl"
    source.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    try:
        services.import_articles(source)
    except importer.ImportRefused as refused:
        raise AssertionError(refused.errors[:5]) from None
    return list(ArticlePage.objects.filter(title__startswith="Bài nhập số "))


class Watch:
    """What a page did that it must not: dialogs, script errors and CSP reports, server errors."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("response", self._response)

    def _dialog(self, dialog):
        self.problems.append(f"a dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def _console(self, message):
        if any(marker in message.text for marker in CSP_MARKERS):
            self.problems.append(f"CSP violation: {message.text[:160]}")

    def _response(self, response):
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {response.url}")


def visit(page, watch: Watch, url: str, *, expect_status: int = 200) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == expect_status, f"{url}: HTTP {response and response.status}"
    check(page, watch, url)


def check(page, watch: Watch, url: str) -> None:
    page.wait_for_timeout(50)  # let onerror/onload handlers of failed images and SVG animations fire
    found = page.evaluate(FIND_INJECTION)
    problems = watch.problems + found
    watch.problems.clear()
    assert not problems, f"{url}: {problems}"


def check_feed(page, url: str, titles: list[str]) -> None:
    """RSS is XML, never HTML: it must parse, and give back each title exactly as stored."""
    from xml.etree import ElementTree

    response = page.request.get(url)
    assert response.status == 200 and "xml" in response.headers["content-type"], (url, response.headers)
    channel = ElementTree.fromstring(response.body()).find("channel")  # noqa: S314 - our own test server's answer
    shown = [item.findtext("title") for item in channel.iter("item")]
    assert shown and set(shown) <= set(titles), f"{url}: {shown[:3]}"


def test_no_payload_runs_or_becomes_markup_on_any_public_page(new_page, hostile_portal):
    page = new_page()
    watch = Watch(page)
    stored = hostile_portal["articles"][: len(PAYLOADS)]
    titles = [article.title for article in hostile_portal["articles"]]

    visit(page, watch, "/")
    visit(page, watch, "/chinh-sach-rieng-tu/")
    visit(page, watch, "/van-ban/")
    check_feed(page, "/rss/", titles)
    for category, article in zip(hostile_portal["categories"], stored, strict=True):
        visit(page, watch, category.url)
        check_feed(page, f"{category.url}rss/", titles)
        visit(page, watch, article.url)
        visit(page, watch, f"{article.url}?print=1")
        for tag in article.tags.all():
            if tag.slug:
                visit(page, watch, f"/tag/{quote(tag.slug)}/")
    for article in hostile_portal["articles"][len(PAYLOADS) :]:  # imported raw HTML
        visit(page, watch, article.url)
    for topic, document in zip(hostile_portal["topics"], hostile_portal["documents"], strict=True):
        visit(page, watch, f"/dong-su-kien/{quote(topic.slug)}/")
        visit(page, watch, f"/van-ban/{document.pk}/")
    for payload in PAYLOADS:
        visit(page, watch, f"/tim-kiem/?q={quote(payload)}")
    # The results highlight the query's words inside the stored payloads: the highlighter's output was checked.
    assert page.goto(f"/tim-kiem/?q={quote(PAYLOADS[-2])}").ok and page.locator("mark").count() > 0
    for payload in PAYLOADS[::4]:
        visit(page, watch, f"/van-ban/?q={quote(payload[:200])}")
        visit(page, watch, f"/khong-co-trang-nay/{quote(payload, safe='')}/", expect_status=404)


def test_text_typed_into_the_comment_and_search_forms_stays_text(new_page, hostile_portal, settings):
    """The same payloads through the real forms: a comment published at once, and a search."""
    settings.COMMENT_RATE_LIMIT = 1000  # one reader posts a dozen comments here
    page = new_page()
    watch = Watch(page)
    article = hostile_portal["articles"][0]
    typed = [p for p in PAYLOADS if "<" in p or '"' in p][:12]

    for n, payload in enumerate(typed):
        page.goto(article.url)
        form = page.locator("form.comment-form").last
        form.get_by_label("Họ và tên").fill(f"Bạn đọc {n} {payload}"[:100])
        form.get_by_label("Nội dung").fill(payload)
        with page.expect_navigation():
            form.get_by_role("button", name="Gửi bình luận").click()
        expect(page.get_by_role("status")).to_have_text("Cảm ơn bạn, bình luận đã được đăng.")
        expect(page.locator(".comment__body").filter(has_text=payload).first).to_have_text(payload)
        check(page, watch, f"{article.url} after commenting {payload!r}")

    for payload in typed:
        page.goto("/tim-kiem/")
        page.get_by_role("searchbox").fill(payload)
        with page.expect_navigation():
            page.get_by_role("button", name="Tìm").click()
        expect(page.get_by_role("searchbox")).to_have_value(payload)
        check(page, watch, f"search for {payload!r}")

    assert Comment.objects.filter(page=article, status=CommentStatus.APPROVED).count() == 1 + len(typed)


def test_the_checks_catch_a_payload_that_reaches_a_page_as_markup(page):
    """The checks above would see a leak: each payload with markup, written raw into a page without CSP, is caught.

    (Payloads without "<" are dangerous only inside a URL or an attribute, or if decoded twice; the pages
    above must show them as typed.)
    """
    # Aimed at sanitizers that strip "<script>" once, and at old Internet Explorer: raw, they do nothing today.
    harmless_raw = {
        "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
        '<img src="x` `<script>window.__xss=1</script>"` `>',
    }
    missed = []
    for payload in (p for p in PAYLOADS if "<" in p and p not in harmless_raw):
        page.goto("about:blank")  # a fresh window: no __xss left from the previous payload
        watch = Watch(page)
        page.set_content(f"<!DOCTYPE html><html><head></head><body><p>{payload}</p></body></html>")
        page.wait_for_timeout(20)
        if not page.evaluate(FIND_INJECTION) and not watch.problems:
            missed.append(payload)
    assert not missed, f"the checks would not notice these payloads as markup: {missed}"
